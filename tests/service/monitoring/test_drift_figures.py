"""Drift figures in /v1/monitoring: without training texts to compare with, the live measures
still answer, and say why there is no drift."""

from __future__ import annotations

from service import db
from service.app import create_app
from service.monitoring import drift_report


def test_without_training_texts_the_measures_still_answer_and_say_why(settings, tmp_path, monkeypatch):
    monkeypatch.setenv("MOTIVO_DATA_DIR", str(tmp_path / "no-corpus"))
    drift_report.training_profile.cache_clear()
    drift_report._cache.clear()
    try:
        app = create_app(settings)
        keeper = {
            "Authorization": f"Bearer {db.create_token(app.extensions['motivo'].engine, 'guardiao', role='admin')}"
        }
        response = app.test_client().get("/v1/monitoring?days=7", headers=keeper)
        assert response.status_code == 200
        body = response.get_json()
        assert body["drift"] is None and "training texts" in body["drift_error"]
        assert len(body["days"]) == 7  # the live measures themselves are untouched
        alerts = app.test_client().get("/v1/monitoring/alerts", headers=keeper)
        assert alerts.status_code == 200
    finally:
        drift_report.training_profile.cache_clear()
        drift_report._cache.clear()
