"""Two `motivo serve` instances sharing one PostgreSQL database and one registry, behind Debian's nginx.

The test writes nginx's configuration (loopback only) and runs its own nginx, as a deployment on
two machines would run it (README: "Running on several machines").
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
import time
import urllib.request
from collections import Counter
from pathlib import Path

import joblib
import pytest

from service import confirmations, db
from tests.postgres import new_database
from tests.service.conftest import LiveServer, free_port, migrated, server_env
from tests.system_packages import missing
from training import registry

NGINX = "/usr/sbin/nginx"
POLL_SECONDS = 1.0
CASE = {"observations": ["Dr. teve 6 guias glosadas e o recurso foi negado."], "general_note": ""}


def nginx_config(folder: Path, port: int, upstreams: list[int]) -> str:
    servers = "\n".join(f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=10s;" for p in upstreams)
    temp = "\n".join(
        f"  {kind}_temp_path {folder}/{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    user = "user root;" if os.geteuid() == 0 else ""
    return f"""{user}
worker_processes 1;
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 512; }}
http {{
  access_log off;
{temp}
  upstream motivo {{
{servers}
  }}
  server {{
    listen 127.0.0.1:{port};
    client_max_body_size 256k;
    location / {{
      proxy_pass http://motivo;
      proxy_set_header Host $host;
      proxy_set_header X-Request-ID $request_id;
      # A refused connection (an instance down) goes to the other one; a POST already sent is never replayed.
      proxy_next_upstream error timeout;
      proxy_connect_timeout 2s;
      proxy_read_timeout 30s;
    }}
  }}
}}
"""


@pytest.fixture(scope="module")
def cluster(trained, postgres_url, tmp_path_factory):
    if not os.path.exists(NGINX):
        missing(f"{NGINX} not found: `make test` installs it (apt-get install nginx)")
    folder = tmp_path_factory.mktemp("scale-out")
    shared_registry = folder / "registry"
    shutil.copytree(trained["root"], shared_registry)
    database = new_database(postgres_url, "scale_out")
    env = server_env(shared_registry, database, POLL_SECONDS)
    token = db.create_token(migrated(database), "agente.escala")
    instances = [LiveServer(f"http://127.0.0.1:{free_port()}", token, env) for _ in range(2)]
    for instance in instances:
        instance.start()
    port = free_port()
    (folder / "nginx.conf").write_text(
        nginx_config(folder, port, [int(i.url.rsplit(":", 1)[1]) for i in instances])
    )
    proxy = subprocess.Popen(
        [NGINX, "-c", str(folder / "nginx.conf"), "-p", str(folder)], stderr=subprocess.PIPE
    )
    front = LiveServer(f"http://127.0.0.1:{port}", token, env)
    deadline = time.monotonic() + 10
    while True:
        try:
            urllib.request.urlopen(front.url + "/healthz", timeout=1)
            break
        except OSError:
            assert time.monotonic() < deadline and proxy.poll() is None, proxy.stderr.read().decode()
            time.sleep(0.1)
    yield {"front": front, "instances": instances, "database": database, "registry": shared_registry}
    proxy.terminate()
    proxy.wait(10)
    for instance in instances:
        instance.stop()


def test_concurrent_confirmations_through_nginx_land_once_each(cluster):
    front = cluster["front"]
    acknowledged: list[int] = []
    failures: list = []
    lock = threading.Lock()

    def writer(number: int) -> None:
        for n in range(25):
            body = {
                **CASE,
                "form_id": f"N-{(number * 7 + n) % 30}",  # 30 forms, each replaced again and again
                "suggested": {"model_version": "x", "reasons": ["glosas"], "judicializacao": False},
                "confirmed": {"reasons": ["glosas"], "judicializacao": False, "status": "desligamento"},
            }
            status, answer = front.call("POST", "/v1/confirmations", body, timeout=30)
            with lock:
                (acknowledged.append(answer["id"]) if status == 201 else failures.append((status, answer)))

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == [] and len(acknowledged) == 200

    engine = db.make_engine(cluster["database"])
    with engine.connect() as connection:
        stored = [row.id for row in connection.execute(db.confirmations.select())]
    latest = Counter(c["form_id"] for c in confirmations.latest_confirmations(engine))
    engine.dispose()
    assert sorted(stored) == sorted(acknowledged)  # each acknowledged once, nothing else
    assert latest == Counter({f"N-{f}": 1 for f in range(30)})


def test_a_model_promoted_once_is_served_by_both_instances(cluster):
    root = cluster["registry"]
    old = registry.current_version(root)
    new = registry.save_version(joblib.load(root / old / "model.joblib"), {"data_hash": "scale-out"}, root)
    registry.promote(new, root)
    promoted = time.monotonic()
    waiting = set(range(len(cluster["instances"])))
    while waiting:
        assert time.monotonic() - promoted < POLL_SECONDS + 20, f"instances {waiting} still serve {old}"
        for index in list(waiting):
            # Both gunicorn workers of the instance must answer with the new version.
            if all(
                cluster["instances"][index].call("GET", "/v1/model")[1]["version"] == new for _ in range(8)
            ):
                waiting.discard(index)
        time.sleep(0.1)
    print(f"both instances served {new} {time.monotonic() - promoted:.1f} s after the promotion")


def _accepts(url: str) -> bool:
    host, port = url.removeprefix("http://").split(":")
    try:
        socket.create_connection((host, int(port)), timeout=0.5).close()
        return True
    except OSError:
        return False


def test_nginx_keeps_answering_when_one_instance_is_killed(cluster):
    front, (doomed, survivor) = cluster["front"], cluster["instances"]
    doomed.kill()
    # A request caught in the dying instance's accept queue gets a 502 (nginx never replays a POST
    # it has sent); once the port refuses connections, nginx goes to the survivor.
    deadline = time.monotonic() + 10
    while _accepts(doomed.url) and time.monotonic() < deadline:
        time.sleep(0.05)
    answers = Counter(front.call("POST", "/v1/suggest", CASE)[0] for _ in range(30))
    answers += Counter(front.call("GET", "/v1/model")[0] for _ in range(10))
    assert answers == Counter({200: 40})
    assert survivor.call("GET", "/readyz", token=None)[0] == 200
