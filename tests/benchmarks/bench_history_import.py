"""Time and peak memory of `motivo history import` on a folder of exported forms.

Prints numbers; not a test. Run:  .venv/bin/python tests/benchmarks/bench_history_import.py [--forms 10000] [--runs 3]
Renders corpus cases as the operator's exports (newer form with marks, older with and without
marks, 1 in 20 as .docx), every note made unique (nothing is a duplicate), and imports them into
a fresh SQLite database, in a fresh process each run. Reports the median time and the peak RSS
of the import process, for a fifth of the forms and for all of them: memory should not grow with
the input (forms are streamed and stored in batches of 500).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.docx_forms import build_form_docx  # noqa: E402
from tests.history_forms import render_form  # noqa: E402
from training.corpus import read_cases  # noqa: E402
from training.known_labels import newer_only_codes  # noqa: E402

# Runs the import in a child and prints that child's peak RSS (KiB): one fresh process per run.
LAUNCH = """
import resource, subprocess, sys
code = subprocess.run(sys.argv[1:], capture_output=True).returncode
print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def build_forms(folder: Path, forms: int, seed: int = 0) -> None:
    cases = [c for c in read_cases()[0] if c.get("kind") != "short_note" and c.get("status")]
    rng = random.Random(seed)
    newer_only = set(newer_only_codes())
    folder.mkdir(parents=True)
    for n in range(forms):
        case = rng.choice(cases)
        case = {
            **case,
            "observations": [f"{note} (ref {n}-{i})" for i, note in enumerate(case["observations"])],
        }
        kind = n % 20
        day = f"{1 + n % 28:02d}/{1 + n % 12:02d}/{2018 + n % 8}"
        if kind < 5:  # the older form, with marks (4 in 20) or without (1 in 20)
            case["reasons"] = [r for r in case["reasons"] if r not in newer_only]
            text = render_form(case, "v1", kind < 4, day)
        else:
            text = render_form(case, "v2", True, day)
        if kind == 19:
            build_form_docx(folder / f"{n:05d}.docx", text)
        else:
            (folder / f"{n:05d}.txt").write_text(text, encoding="utf-8")


def run(forms_folder: Path, work: Path, run_number: int) -> tuple[float, float, str]:
    database = work / f"db-{forms_folder.name}-{run_number}.sqlite"
    env_db = f"sqlite:///{database}"
    motivo = [sys.executable, "-m", "service.cli"]
    subprocess.run([*motivo, "db", "upgrade"], cwd=ROOT, check=True, capture_output=True, env=_env(env_db))
    started = time.perf_counter()
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            LAUNCH,
            *motivo,
            "history",
            "import",
            str(forms_folder),
            "--source",
            "bench",
            "--out",
            str(work / f"out-{forms_folder.name}-{run_number}"),
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
        env=_env(env_db),
    )
    seconds = time.perf_counter() - started
    code, peak_kib = out.stdout.split()
    if code != "0":
        raise SystemExit(f"import failed with exit code {code}")
    return seconds, int(peak_kib) / 1024, database.name


def _env(database_url: str) -> dict[str, str]:
    import os

    return {**os.environ, "MOTIVO_DATABASE_URL": database_url}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--forms", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="motivo-history-bench-"))
    for forms in (args.forms // 5, args.forms):
        folder = work / f"forms-{forms}"
        started = time.perf_counter()
        build_forms(folder, forms)
        print(f"rendered {forms} forms in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        results = [run(folder, work, r) for r in range(args.runs)]
        times = [s for s, _, _ in results]
        peaks = [p for _, p, _ in results]
        print(
            json.dumps(
                {
                    "forms": forms,
                    "runs": args.runs,
                    "median_seconds": round(statistics.median(times), 1),
                    "forms_per_second": round(forms / statistics.median(times)),
                    "seconds": [round(t, 1) for t in times],
                    "peak_rss_mb": round(max(peaks), 1),
                }
            )
        )


if __name__ == "__main__":
    main()
