"""A challenger in shadow: computed after each confirmation on the same text as the champion,
compared on the same forms, promoted in one action."""

from __future__ import annotations

import math
import time

from click.testing import CliRunner
from sqlalchemy import func, select

from model.suggest import suggest_many
from service import db
from service.cli import main
from service.monitoring.tables import shadow_results
from tests.service.conftest import start_live_server
from training import registry
from training.corpus import load_split
from training.train import retune_version


def _ranked(loaded, case) -> list[str]:
    return [
        r["code"] for r in suggest_many(loaded.model, [case], loaded.version)[0]["reasons"] if r["suggested"]
    ]


def test_a_shadow_comparison_on_the_same_forms_then_promotion(trained, tmp_path, database_url, monkeypatch):
    server = start_live_server(trained, tmp_path, database_url)
    try:
        root = server.registry
        challenger, _ = retune_version(trained["version"], {"glosas": 0.99, "valores": 0.2}, root=root)
        monkeypatch.setenv("MOTIVO_MODEL_DIR", str(root))
        assert CliRunner().invoke(main, ["models", "shadow", challenger]).exit_code == 0
        engine = db.make_engine(database_url)
        keeper = db.create_token(engine, "guardiao", role="admin")
        cases = [
            c
            for c in load_split("test", trained["data"])
            if c.get("reasons") and "outros" not in c["reasons"]
        ]
        cases = cases[:24]
        for i, case in enumerate(cases):
            body = {
                "observations": case["observations"],
                "general_note": case["general_note"],
                "form_id": f"S-{i}",
                "suggested": {"model_version": trained["version"], "reasons": [], "judicializacao": False},
                "confirmed": {"reasons": case["reasons"], "judicializacao": False, "status": "desligamento"},
            }
            status, answer = server.call("POST", "/v1/confirmations", body)
            assert status == 201, answer
        deadline = time.monotonic() + 60
        while True:
            with engine.connect() as connection:
                stored = connection.execute(select(func.count()).select_from(shadow_results)).scalar_one()
            if stored == len(cases) or time.monotonic() > deadline:
                break
            time.sleep(0.3)
        assert stored == len(cases)

        status, answer = server.call("GET", "/v1/shadow", token=keeper)
        assert status == 200 and answer["shadow"] == challenger
        comparison = answer["comparison"]
        champion, shadow = registry.load(trained["version"], root), registry.load(challenger, root)
        hits = []
        for case in cases:
            text = {"observations": case["observations"], "general_note": case["general_note"]}
            c, s = _ranked(champion, text), _ranked(shadow, text)
            truth = set(case["reasons"])
            hits.append((int(bool(c) and c[0] in truth), int(bool(s) and s[0] in truth)))
        n = len(hits)
        assert comparison["forms"] == n
        assert comparison["top1"]["champion"] == round(sum(h[0] for h in hits) / n, 4)
        assert comparison["top1"]["shadow"] == round(sum(h[1] for h in hits) / n, 4)
        differences = [s - c for c, s in hits]
        mean = sum(differences) / n
        half = 1.96 * math.sqrt(sum((d - mean) ** 2 for d in differences) / (n - 1) / n)
        assert comparison["top1"]["difference_95"] == [round(mean - half, 4), round(mean + half, 4)]
        assert comparison["labels"]["shadow"].get("glosas", {}).get("precision") is None  # never suggested

        assert server.call("POST", "/v1/shadow/promote", {})[0] == 403  # an agent
        status, answer = server.call("POST", "/v1/shadow/promote", {}, token=keeper)
        assert status == 200 and answer == {"promoted": challenger}
        assert registry.current_version(root) == challenger
        assert server.call("GET", "/v1/shadow", token=keeper)[1]["shadow"] is None
        deadline = time.monotonic() + 20
        text = {"observations": cases[0]["observations"], "general_note": cases[0]["general_note"]}
        while server.call("POST", "/v1/suggest", text)[1].get("model_version") != challenger:
            assert time.monotonic() < deadline
            time.sleep(0.3)
    finally:
        server.stop()
