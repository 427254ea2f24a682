"""CPU of the largest /v1/suggest requests a client may send, by the shape of their content.

Prints numbers; not a test. Run:  .venv/bin/python tests/benchmarks/bench_hostile.py [--repeat 3]
Each request fills five contact notes and the general note to the field limit (20,000
characters) with content shaped to be expensive: words never seen before (spaCy lexemes,
lemmas), one-letter tokens, punctuation between words, long unbroken chunks, symbol runs,
digits that look like phones and CPFs, names after titles, e-mail-like text, accented and
non-Latin letters. Each runs through the app as gunicorn runs it (Flask, JSON, validation,
the model with evidence) on a fresh seed so no cache helps; the figure is the CPU seconds of
the request (time.process_time), the goal at most 0.5 s for any request of at most 256 KB.
"""

from __future__ import annotations

import argparse
import json
import random
import string
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from model.cases import MAX_CONTACTS, MAX_FIELD_CHARS  # noqa: E402

SYLLABLES = [c + v for c in "bcdfghjlmnprstvxz" for v in "aeiouáéíóúãõâê"]


def _fill(piece, rng: random.Random) -> str:
    out, size = [], 0
    while size < MAX_FIELD_CHARS:
        text = piece(rng)
        out.append(text)
        size += len(text)
    return "".join(out)[:MAX_FIELD_CHARS]


def _word(rng: random.Random) -> str:
    return "".join(rng.choices(SYLLABLES, k=rng.randint(2, 4)))


SHAPES = {
    "new words": lambda rng: _word(rng) + " ",
    "new capitalised words": lambda rng: _word(rng).capitalize() + " ",
    "one-letter tokens": lambda rng: rng.choice(string.ascii_lowercase) + " ",
    "punctuation between words": lambda rng: _word(rng) + rng.choice(",;:/()-.!?"),
    "hyphenated compounds": lambda rng: _word(rng) + "-" + _word(rng) + " ",
    "long chunks": lambda rng: "".join(rng.choices(string.ascii_letters + "áéíçã", k=300)) + " ",
    "symbol runs": lambda rng: "".join(rng.choices("!@#$%^&*()[]{}<>~=+|", k=50)) + " ",
    "phones and CPFs": lambda rng: (
        f"({rng.randint(11, 99)}) 9{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)} "
        f"cpf {rng.randint(100, 999)}.{rng.randint(100, 999)}.{rng.randint(100, 999)}-{rng.randint(10, 99)} "
    ),
    "digit runs": lambda rng: "".join(rng.choices("0123456789 .-/", k=40)) + " ",
    "names after titles": lambda rng: (
        f"Dr. {_word(rng).capitalize()} {_word(rng).capitalize()} falou com a {_word(rng).capitalize()} "
    ),
    "e-mail-like": lambda rng: f"{_word(rng)}.{_word(rng)} arroba {_word(rng)} ponto com @ ",
    "non-Latin letters": lambda rng: (
        "".join(rng.choices("абвгдежзийклмнопрстуфхцчшщыэюяαβγδεζηθ中文字", k=8)) + " "
    ),
    "agent clauses": lambda rng: f"ofereci {_word(rng)} {_word(rng)}. expliquei que {_word(rng)}. ",
    "whatsapp turns": lambda rng: (
        f"[10:{rng.randint(10, 59)}, 1/2/2025] {_word(rng).capitalize()}: {_word(rng)} "
    ),
}


def case_of(shape: str, seed: int) -> dict:
    rng = random.Random(seed)
    fields = [_fill(SHAPES[shape], rng) for _ in range(MAX_CONTACTS + 1)]
    return {"observations": fields[:-1], "general_note": fields[-1]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3, help="requests per shape, each with new content")
    args = parser.parse_args()

    from dataclasses import replace

    from service import db, migrate
    from service.app import create_app
    from service.config import Settings

    # A throw-away database, the registry's CURRENT model, the default limits (256 KB bodies,
    # 20,000 characters a field) and no CPU budget: the figure is what the request would take.
    url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='motivo-hostile-')) / 'motivo.db'}"
    migrate.upgrade(db.make_engine(url))
    settings = replace(Settings.from_env(), database_url=url, request_cpu_seconds=0, model_poll_seconds=0)
    app = create_app(settings)
    client = app.test_client()
    token = db.create_token(app.extensions["motivo"].engine, "bench")
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    client.post("/v1/suggest", json={"observations": ["aquecimento"]}, headers=headers)

    worst = 0.0
    print(f"{'shape':28s} {'body KB':>8s} {'status':>6s} {'CPU s (each request)':>24s}")
    for n, shape in enumerate(SHAPES):
        cpu, sizes, statuses = [], [], set()
        for r in range(args.repeat):
            body = json.dumps(case_of(shape, 1000 * n + r), ensure_ascii=False).encode()
            started = time.process_time()
            response = client.post("/v1/suggest", data=body, headers=headers)
            cpu.append(time.process_time() - started)
            sizes.append(len(body) / 1024)
            statuses.add(response.status_code)
        worst = max(worst, *cpu)
        print(
            f"{shape:28s} {max(sizes):8.0f} {'/'.join(map(str, sorted(statuses))):>6s} "
            f"{' '.join(f'{c:.3f}' for c in cpu):>24s}"
        )
    print(f"worst request: {worst:.3f} s of CPU (goal: at most 0.5 s for a request of at most 256 KB)")


if __name__ == "__main__":
    main()
