"""Benchmark of the shipped model and the spaCy peer: latency, throughput, memory, training time.

Prints numbers; it is not a test. Run:  .venv/bin/python tests/benchmarks/bench_model.py
Trains both on the corpus train split, in a temporary registry (var/ is left alone).
`--param sentences=stacked` (repeatable) trains the model with other parameters;
`--no-spacy` skips the peer; `--version VERSION` times that version of the registry (var/models,
or MOTIVO_MODEL_DIR) instead of training one (no training time then).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from model.motivo_model import label_matrix  # noqa: E402
from model.suggest import suggest, suggest_many  # noqa: E402
from model.taxonomy import load_taxonomy  # noqa: E402
from training import peers  # noqa: E402
from training.corpus import load_split  # noqa: E402
from training.train import train_version  # noqa: E402

RSS_PROBE = """
import json, resource, sys
sys.path.insert(0, {root!r})
def rss(): return int([l for l in open('/proc/self/status') if l.startswith('VmRSS')][0].split()[1]) / 1024
{body}
print(json.dumps({{"rss_mb": round(rss(), 1), "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}}))
"""
MOTIVO_BODY = """
from training import registry
from model.suggest import suggest_many
loaded = registry.load({version!r}, __import__('pathlib').Path({registry!r}))
cases = [json.loads(l) for l in open({cases!r})]
suggest_many(loaded.model, cases, loaded.version)
"""
SPACY_BODY = """
import spacy
nlp = spacy.load({path!r})
cases = [json.loads(l) for l in open({cases!r})]
from training.peers import spacy_scores
spacy_scores(nlp, cases, list(nlp.get_pipe('textcat_multilabel').labels))
"""


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1]


def time_each(function, items, repeat: int = 3) -> list[float]:
    times = []
    for _ in range(repeat):
        for item in items:
            started = time.perf_counter()
            function(item)
            times.append((time.perf_counter() - started) * 1000)
    return times


def probe_memory(body: str) -> dict:
    script = RSS_PROBE.format(root=str(ROOT), body=body)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def model_params(items: list[str]) -> dict:
    """MotivoModel parameters from `--param NAME=VALUE` options (a JSON value, else the text)."""
    params = {}
    for item in items:
        name, _, value = item.partition("=")
        try:
            params[name] = json.loads(value)
        except json.JSONDecodeError:
            params[name] = value
    return params


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--param", action="append", default=[], help="NAME=VALUE (JSON value or text)")
    parser.add_argument("--no-spacy", action="store_true")
    parser.add_argument("--version", default=None, help="Time this registry version; train nothing.")
    args = parser.parse_args()
    params = model_params(args.param)
    os.environ.setdefault("OMP_NUM_THREADS", "1")  # "one core"
    codes = load_taxonomy().reason_codes
    train, test = load_split("train"), load_split("test")
    notes = [{"observations": [o]} for c in test for o in c["observations"] if len(o) >= 200][:400]
    work = Path(tempfile.mkdtemp(prefix="motivo-bench-"))
    (work / "cases.jsonl").write_text(
        "\n".join(json.dumps(c, ensure_ascii=False) for c in test), encoding="utf-8"
    )
    print(
        f"corpus: {len(train)} train cases, {len(test)} test cases "
        f"(mean {statistics.mean(len(' '.join(c['observations']) + c['general_note']) for c in test):.0f} chars); "
        f"{len(notes)} single notes (mean {statistics.mean(len(n['observations'][0]) for n in notes):.0f} chars)"
    )

    started = time.perf_counter()
    if args.version:
        from training import registry

        loaded = registry.load(args.version)
        version, model, root = loaded.version, loaded.model, registry.registry_root()
        train_seconds = float("nan")
    else:
        root = work / "registry"
        version, model, _ = train_version(train, (), root, **params)
        train_seconds = time.perf_counter() - started
    artifact = root / version / "model.joblib"
    suggest(model, test[0], version)  # warm caches
    case_ms = time_each(lambda c: suggest(model, c, version), test)
    note_ms = time_each(lambda c: suggest(model, c, version), notes)
    started = time.perf_counter()
    model.predict_proba(test)
    batch_proba = len(test) / (time.perf_counter() - started)
    started = time.perf_counter()
    model.predict_proba(notes)
    batch_notes = len(notes) / (time.perf_counter() - started)
    started = time.perf_counter()
    suggest_many(model, test, version)
    batch_evidence = len(test) / (time.perf_counter() - started)
    memory = probe_memory(
        MOTIVO_BODY.format(version=version, registry=str(root), cases=str(work / "cases.jsonl"))
    )
    print(f"\n== motivo ({version if args.version else params or 'shipped model'}) ==")
    print(f"training time                      {train_seconds:8.1f} s")
    print(f"artifact size                      {artifact.stat().st_size / 1e6:8.2f} MB")
    print(
        f"one case with evidence  p50 / p99  {percentile(case_ms, 50):8.2f} / {percentile(case_ms, 99):.2f} ms"
    )
    print(
        f"one note with evidence  p50 / p99  {percentile(note_ms, 50):8.2f} / {percentile(note_ms, 99):.2f} ms"
    )
    print(f"batch, probabilities               {batch_proba:8.0f} cases/s  {batch_notes:8.0f} notes/s")
    print(f"batch, with evidence               {batch_evidence:8.0f} cases/s")
    print(f"resident memory after loading+run  {memory['rss_mb']:8.1f} MB (peak {memory['peak_mb']} MB)")

    if args.no_spacy:
        return
    labels = [*codes, "ameaca_judicializacao"]
    started = time.perf_counter()
    nlp = peers.train_spacy_textcat(train, label_matrix(train, codes), labels)
    spacy_train = time.perf_counter() - started
    nlp.to_disk(work / "spacy")
    size = sum(p.stat().st_size for p in (work / "spacy").rglob("*") if p.is_file())
    spacy_case_ms = time_each(lambda c: peers.spacy_scores(nlp, [c], labels), test)
    started = time.perf_counter()
    peers.spacy_scores(nlp, test, labels)
    spacy_batch = len(test) / (time.perf_counter() - started)
    spacy_memory = probe_memory(SPACY_BODY.format(path=str(work / "spacy"), cases=str(work / "cases.jsonl")))
    print("\n== spaCy textcat_multilabel (BOW) peer ==")
    print(f"training time                      {spacy_train:8.1f} s")
    print(f"model size on disk                 {size / 1e6:8.2f} MB")
    print(
        f"one case (no evidence)  p50 / p99  {percentile(spacy_case_ms, 50):8.2f} / {percentile(spacy_case_ms, 99):.2f} ms"
    )
    print(f"batch, probabilities               {spacy_batch:8.0f} cases/s")
    print(
        f"resident memory after loading+run  {spacy_memory['rss_mb']:8.1f} MB (peak {spacy_memory['peak_mb']} MB)"
    )


if __name__ == "__main__":
    main()
