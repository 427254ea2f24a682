"""Load benchmark of the HTTP service on loopback: /v1/suggest vs /healthz, worker memory.

Prints numbers; not a test. Needs `wrk` (Debian: apt-get install wrk). Run:
    .venv/bin/python tests/benchmarks/bench_service.py [--seconds 20] [--connections 8] [--workers 2]
        [--soak 50000]
Starts `motivo serve` on a free port with a temporary database and the CURRENT model of the
registry (train one first with `motivo train`), worker recycling off (MOTIVO_MAX_REQUESTS=0: it
is the safety net, not what keeps memory flat), then stops it. Prints /v1/suggest with every
field new and with one field changing (an agent typing), /healthz, their ratios, p50/p99, and
each worker's resident memory after the load runs, after the first 1,000 requests of a soak
(from Python clients) whose every request brings 40 words never seen before, and at its end (--soak N requests).

    .venv/bin/python tests/benchmarks/bench_service.py --compare-live-measures 3 [--seconds 15]
alternates servers with the live measures on and off (MOTIVO_LIVE_MEASURES), ROUNDS times each,
and prints the typing /v1/suggest throughput of every run, the medians and their ratio. Each
typing request carries a draft_id (a new draft every 10 requests), as the agents' page sends.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ProcessPoolExecutor
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
  body = string.gsub(body, "#D#", tostring(math.floor(counter / 10)))
  return wrk.format(nil, nil, nil, body)
end
"""


WRK_THREADS = 2


def template(new: str) -> str:
    """The request body with the counter: "typing" in the general note only, "fields" at the end
    of every field, "sentences" at the start of every sentence (no part of any field was seen
    before: model.segments caches the parts a field is read in)."""

    def counted(text: str, end: bool) -> str:
        if new == "sentences":
            return re.sub(r"(^|[.!?]\s+)", lambda m: m.group(1) + "#N# ", text)
        return f"{text} #N#" if end else text

    case = {
        "observations": [counted(o, new == "fields") for o in CASE["observations"]],
        "general_note": counted(CASE["general_note"], True),
        "draft_id": "bench-#D#",  # a new form every 10 requests, as the page sends
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
    command = ["wrk", f"-t{WRK_THREADS}", f"-c{connections}", f"-d{seconds}s", "--latency", url]
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


def mb(sizes: list[float]) -> str:
    return ", ".join(f"{m:.0f} MB" for m in sizes)


def unique_words(n: int, count: int = 40) -> str:
    """`count` words no other request has (letters only: digits are all "0" to the model)."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    words = []
    for k in range(n * count, (n + 1) * count):
        word = "x"
        while True:
            k, r = divmod(k, 26)
            word += letters[r]
            if not k:
                break
        words.append(word)
    return " ".join(words)


def soak_client(url: str, token: str, numbers: range) -> int:
    """Send one request per number, each with its own new words; the count of non-200 answers."""
    from urllib.parse import urlsplit

    address = urlsplit(url)
    failures = 0
    for n in numbers:
        body = {**CASE, "general_note": f"{CASE['general_note']} {unique_words(n)}"}
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
        connection.request(
            "POST",
            "/v1/suggest",
            json.dumps(body, ensure_ascii=False).encode(),
            {"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
        )
        response = connection.getresponse()
        response.read()
        failures += response.status != 200
        connection.close()
    return failures


def soak(url: str, token: str, master_pid: int, total: int, connections: int) -> None:
    """`total` unique-vocabulary requests; each worker's memory after the first 1,000 and at the end."""
    first = min(1_000, total)
    started = time.monotonic()
    failures = 0
    with ProcessPoolExecutor(connections) as pool:
        for begin, end in ((0, first), (first, total)):
            if end <= begin:
                continue
            chunks = [range(begin + i, end, connections) for i in range(connections)]
            failures += sum(pool.map(soak_client, [url] * connections, [token] * connections, chunks))
            rss = worker_rss(master_pid)
            if end == first:
                after_first = rss
                print(f"soak: worker resident memory after the first {first} requests: {mb(rss)}", flush=True)
    print(
        f"soak: after {total} unique-vocabulary requests ({time.monotonic() - started:.0f} s, "
        f"non-200 {failures}): {mb(rss)}; ratio to after the first {first}: "
        + ", ".join(f"{b / a:.2f}" for a, b in zip(after_first, rss, strict=False))
    )


def start_server(workers: int, threads: int, **environment: str) -> tuple[subprocess.Popen, str, str, Path]:
    """`motivo serve` on a free port with a fresh temporary database; (server, url, token, folder)."""
    work = Path(tempfile.mkdtemp(prefix="motivo-bench-"))
    database = f"sqlite:///{work / 'bench.db'}"
    engine = db.make_engine(database)
    migrate.upgrade(engine)
    token = db.create_token(engine, "bench")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "MOTIVO_DATABASE_URL": database,
        "MOTIVO_LOG_LEVEL": "WARNING",
        "MOTIVO_MAX_REQUESTS": "0",
        **environment,
    }
    command = [sys.executable, "-m", "service.cli", "serve", "--bind", f"127.0.0.1:{port}"]
    server = subprocess.Popen(
        [*command, "--workers", str(workers), "--threads", str(threads)],
        env=env,
        cwd=ROOT,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_ready(url)
    return server, url, token, work


def stop_server(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(20)


def compare_live_measures(args: argparse.Namespace) -> None:
    """Typing /v1/suggest throughput with the live measures on and off, alternated ROUNDS times."""
    runs: dict[str, list[float]] = {"on": [], "off": []}
    for round_number in range(args.compare_live_measures):
        for mode in ("on", "off") if round_number % 2 == 0 else ("off", "on"):
            server, url, token, work = start_server(args.workers, args.threads, MOTIVO_LIVE_MEASURES=mode)
            try:
                typing = work / "typing.lua"
                typing.write_text(LUA.format(template=template("typing"), token=token), encoding="utf-8")
                run_wrk(url + "/v1/suggest", 3, args.connections, typing)  # warm up
                result = run_wrk(url + "/v1/suggest", args.seconds, args.connections, typing)
            finally:
                stop_server(server)
            runs[mode].append(result["requests_per_s"])
            print(
                f"round {round_number + 1} live measures {mode:3s}: {result['requests_per_s']:7.0f} req/s"
                f"  p50 {result['p50_ms']:6.2f} ms  p99 {result['p99_ms']:6.2f} ms  non-2xx {result['non_2xx']}",
                flush=True,
            )
    on, off = statistics.median(runs["on"]), statistics.median(runs["off"])
    print(f"median live measures on {on:.0f} req/s, off {off:.0f} req/s, on / off = {on / off:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--soak", type=int, default=50_000, help="unique-vocabulary requests (0: none)")
    parser.add_argument(
        "--compare-live-measures", type=int, default=0, metavar="ROUNDS", help="on vs off, ROUNDS runs each"
    )
    args = parser.parse_args()
    # Stopped from outside (timeout, Ctrl-C): still stop the server in `finally`.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")
    if args.compare_live_measures:
        compare_live_measures(args)
        return
    server, url, token, work = start_server(args.workers, args.threads)
    try:
        scripts = {}
        for new in ("typing", "fields", "sentences"):
            scripts[new] = work / f"{new}.lua"
            scripts[new].write_text(LUA.format(template=template(new), token=token), encoding="utf-8")
        chars = len("".join(CASE["observations"]) + CASE["general_note"])
        run_wrk(url + "/v1/suggest", 3, args.connections, scripts["typing"])  # warm up
        uncached = run_wrk(url + "/v1/suggest", args.seconds, args.connections, scripts["fields"])
        nothing_seen = run_wrk(url + "/v1/suggest", args.seconds, args.connections, scripts["sentences"])
        suggest = run_wrk(url + "/v1/suggest", args.seconds, args.connections, scripts["typing"])
        health = run_wrk(url + "/healthz", args.seconds, args.connections, None)
        print(
            f"{args.workers} workers x {args.threads} threads, {args.connections} connections, {args.seconds} s each, case of {chars} chars"
        )
        rows = (
            ("/v1/suggest (every field new per request)", uncached),
            ("/v1/suggest (every sentence new per request)", nothing_seen),
            ("/v1/suggest (one field changes: typing)", suggest),
            ("/healthz", health),
        )
        for name, r in rows:
            print(
                f"{name:49s} {r['requests_per_s']:8.0f} req/s  p50 {r['p50_ms']:6.2f} ms  p99 {r['p99_ms']:6.2f} ms"
                f"  non-2xx {r['non_2xx']}"
            )
        for name, r in rows[:3]:
            print(f"{name} / healthz: {r['requests_per_s'] / health['requests_per_s']:.2f}")
        print("worker resident memory after the load runs: " + mb(worker_rss(server.pid)))
        if args.soak:
            soak(url, token, server.pid, args.soak, args.connections)
    finally:
        stop_server(server)


if __name__ == "__main__":
    main()
