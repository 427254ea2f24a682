"""Load benchmark of the HTTP service on loopback: /v1/suggest vs /healthz, worker memory.

Prints numbers; not a test. Needs `wrk` (Debian: apt-get install wrk). Run:
    .venv/bin/python tests/benchmarks/bench_service.py [--seconds 20] [--connections 8] [--workers 2]
Starts `motivo serve` on a free port with a temporary database and the CURRENT model of the
registry (train one first with `motivo train`), then stops it.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from service import db, migrate  # noqa: E402

# ~600 characters, like a typical two-contact note.
CASE = {
    "observations": [
        "[10:02, 14/3/2025] Retenção OdontoVida: Bom dia, Dra. Kaline! Recebemos seu pedido de descredenciamento, "
        "poderia nos contar o motivo? [11:40, 14/3/2025] +55 84 98120-7765: bom dia. to gravida de 6 meses, "
        "gestacao de risco, o obstetra mandou repouso absoluto",
        "Retornei no 84 98120-7765. Dra. confirmou que não tem previsão de volta e prefere sair da rede agora. "
        "Ofereci suspender a agenda por 6 meses e manter o credenciamento, disse que vai pensar mas acha difícil. "
        "Também comentou que a tabela está defasada, mas que o motivo mesmo é a gravidez.",
    ],
    "general_note": "Desligamento por problemas de saúde (gestação de risco).",
}
# Each request puts a counter where the template has "#N#": in the general note only (an agent
# typing: the unchanged contact notes may come from the service's per-field cache), or in
# every field (nothing cached: the worst case).
LUA = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer {token}"
local template = [==[{template}]==]
local counter = 0
request = function()
  counter = counter + 1
  local body = string.gsub(template, "#N#", tostring(counter))
  return wrk.format(nil, nil, nil, body)
end
"""


def template(every_field: bool) -> str:
    case = {
        "observations": [f"{o} #N#" if every_field else o for o in CASE["observations"]],
        "general_note": CASE["general_note"] + " #N#",
    }
    return json.dumps(case, ensure_ascii=False)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_ready(url: str) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/readyz", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("server not ready")


def run_wrk(url: str, seconds: int, connections: int, script: Path | None) -> dict[str, float]:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if script:
        command[1:1] = ["-s", str(script)]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    result = {"requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))}
    for pct in ("50", "99"):
        value, unit = re.search(rf"\s{pct}%\s+([\d.]+)(us|ms|s)", out).groups()
        result[f"p{pct}_ms"] = float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    result["non_2xx"] = int(errors.group(1)) if errors else 0
    return result


def worker_rss(master_pid: int) -> list[float]:
    children = subprocess.run(["pgrep", "-P", str(master_pid)], capture_output=True, text=True).stdout.split()
    sizes = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        sizes.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024)
    return sizes


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")
    work = Path(tempfile.mkdtemp(prefix="motivo-bench-"))
    database = f"sqlite:///{work / 'bench.db'}"
    engine = db.make_engine(database)
    migrate.upgrade(engine)
    token = db.create_token(engine, "bench")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "MOTIVO_DATABASE_URL": database, "MOTIVO_LOG_LEVEL": "WARNING"}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "service.cli",
            "serve",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
        ],
        env=env,
        cwd=ROOT,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_ready(url)
        typing, fresh = work / "typing.lua", work / "fresh.lua"
        typing.write_text(LUA.format(template=template(False), token=token), encoding="utf-8")
        fresh.write_text(LUA.format(template=template(True), token=token), encoding="utf-8")
        chars = len("".join(CASE["observations"]) + CASE["general_note"])
        run_wrk(url + "/v1/suggest", 3, args.connections, typing)  # warm up
        suggest = run_wrk(url + "/v1/suggest", args.seconds, args.connections, typing)
        uncached = run_wrk(url + "/v1/suggest", args.seconds, args.connections, fresh)
        health = run_wrk(url + "/healthz", args.seconds, args.connections, None)
        rss = worker_rss(server.pid)
        print(
            f"{args.workers} workers x {args.threads} threads, {args.connections} connections, {args.seconds} s each, case of {chars} chars"
        )
        rows = (
            ("/v1/suggest (one field changes per request)", suggest),
            ("/v1/suggest (every field new per request)", uncached),
            ("/healthz", health),
        )
        for name, r in rows:
            print(
                f"{name:46s} {r['requests_per_s']:8.0f} req/s  p50 {r['p50_ms']:6.2f} ms  p99 {r['p99_ms']:6.2f} ms"
                f"  non-2xx {r['non_2xx']}"
            )
        print(f"suggest/healthz throughput ratio {suggest['requests_per_s'] / health['requests_per_s']:.2f}")
        print("worker resident memory: " + ", ".join(f"{m:.0f} MB" for m in rss))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(20)


if __name__ == "__main__":
    main()
