"""Which lemmas to use: none, simplemma, or spaCy's lookup table (spacy-lookups-data).

Prints test-split accuracy, tokenising speed and the resident memory of a process that
lemmatises the test split, for each. Not a test. Run:
    .venv/bin/pip install -e '.[lookups]'   # only needed for the 'lookup' row
    .venv/bin/python tests/benchmarks/compare_lemmatizers.py
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from model.features import CaseVectorizer  # noqa: E402
from training.corpus import load_split  # noqa: E402
from training.train import fit_model, test_metrics  # noqa: E402

PROBE = """
import sys, json
sys.path.insert(0, {root!r})
from model.tokens import case_tokens
from model.features import case_fields
cases = [json.loads(l) for f in sorted(__import__('glob').glob({pattern!r})) for l in open(f)]
for c in cases: case_tokens(case_fields(c), {lemmatizer!r})
print(int([l for l in open('/proc/self/status') if l.startswith('VmRSS')][0].split()[1]) // 1024)
"""


def main() -> None:
    train, test = load_split("train"), load_split("test")
    print(
        f"{'lemmatizer':10s} {'top-1':>6s} {'top-3':>6s} {'macroF1':>8s} {'flagR':>6s} {'flagP':>6s} "
        f"{'us/case':>8s} {'RSS MB':>7s}"
    )
    for lemmatizer in ("none", "simplemma", "lookup"):
        if lemmatizer == "lookup" and importlib.util.find_spec("spacy_lookups_data") is None:
            print(f"{lemmatizer:10s} skipped: pip install -e '.[lookups]'")
            continue
        model = fit_model(train, vectorizer=CaseVectorizer(lemmatizer=lemmatizer))
        metrics = test_metrics(model, test)
        model.vectorizer_.tokens(test[0])
        started = time.perf_counter()
        for case in test:
            model.vectorizer_.tokens(case)
        per_case = (time.perf_counter() - started) / len(test) * 1e6
        probe = PROBE.format(
            root=str(ROOT), pattern=str(ROOT / "labeled_data/cases/t*.jsonl"), lemmatizer=lemmatizer
        )
        rss = subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, check=True
        ).stdout.strip()
        flag = metrics["flag"]
        print(
            f"{lemmatizer:10s} {metrics['top1']:6.3f} {metrics['top3']:6.3f} {metrics['macro_f1']:8.3f} "
            f"{flag['recall']:6.3f} {flag['precision']:6.3f} {per_case:8.0f} {rss:>7s}"
        )


if __name__ == "__main__":
    main()
