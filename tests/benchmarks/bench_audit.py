"""Throughput and memory of `motivo audit` on JSON lines, end to end (read, audit, rank, report).

Prints numbers; not a test. Run:  .venv/bin/python tests/benchmarks/bench_audit.py [--forms 20000]
Builds inputs from the corpus with every note made unique (no cache can help), audits them
with the CURRENT model on 2 worker processes, and reports forms/s and peak memory for two
input sizes: peak memory should not grow with the input.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from training.corpus import read_cases  # noqa: E402


def build_input(path: Path, forms: int, seed: int = 0) -> int:
    cases, _ = read_cases()
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8") as out:
        for n in range(forms):
            case = rng.choice(cases)
            out.write(
                json.dumps(
                    {
                        "id": f"bench-{n}",
                        "observations": [
                            f"{note} (ref {n}-{i})" for i, note in enumerate(case["observations"])
                        ],
                        "general_note": case["general_note"],
                        "reasons": case["reasons"],
                        "judicializacao": case["judicializacao"],
                        "agent": f"agente-{n % 17}",
                    },
                    ensure_ascii=False,
                )
                + "\n"
            )
    return path.stat().st_size


def run(input_path: Path, out: Path, workers: int) -> tuple[float, float]:
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "service.cli",
            "audit",
            str(input_path),
            "--out",
            str(out),
            "--workers",
            str(workers),
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # largest child process so far
    return seconds, peak_mb


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--forms", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="motivo-audit-bench-"))
    timings = []
    for forms in (args.forms, args.forms * 3):
        size = build_input(work / f"in-{forms}.jsonl", forms)
        seconds, peak = run(work / f"in-{forms}.jsonl", work / f"out-{forms}", args.workers)
        timings.append((forms, seconds))
        findings = len((work / f"out-{forms}" / "findings.csv").read_text(encoding="utf-8").splitlines()) - 1
        print(
            f"{forms:7d} forms ({size / 1e6:6.1f} MB JSONL): {seconds:6.1f} s end to end = "
            f"{forms / seconds:6.0f} forms/s, {findings} findings, peak RSS of any process so far {peak:.0f} MB"
        )
    (small, t_small), (large, t_large) = timings
    print(
        f"steady state (start-up and model load excluded): {(large - small) / (t_large - t_small):.0f} forms/s"
    )


if __name__ == "__main__":
    main()
