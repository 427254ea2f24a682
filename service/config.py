"""Service settings, read from MOTIVO_* environment variables when the app is created."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from model.cases import MAX_FIELD_CHARS
from model.paths import var_dir


def _env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    try:
        return float(value) if value else default
    except ValueError as error:
        raise ValueError(f"{name} must be a number, not {value!r}") from error


def _env_count(name: str, default: int, minimum: int = 0) -> int:
    value = os.environ.get(name)
    if not value:
        return default
    try:
        count = int(value)
    except ValueError as error:
        raise ValueError(f"{name} must be a whole number, not {value!r}") from error
    if count < minimum:
        raise ValueError(f"{name} must be at least {minimum}, not {count}")
    return count


@dataclass(frozen=True)
class Settings:
    database_url: str = field(default_factory=lambda: f"sqlite:///{var_dir() / 'motivo.db'}")
    model_dir: str | None = None  # None: the registry default (MOTIVO_MODEL_DIR or var/models)
    max_body_bytes: int = 256 * 1024
    model_poll_seconds: float = 2.0
    log_level: str = "INFO"
    # A revoked token stops working within this time; each worker reads a token at most this often.
    token_cache_seconds: float = 0.5
    # Characters per note (observations[i], general_note); a long pasted WhatsApp chat must pass.
    max_field_chars: int = MAX_FIELD_CHARS
    # CPU seconds a request may use before it is answered 503 (sync workers; 0: no limit).
    request_cpu_seconds: float = 2.0
    # A worker is replaced after this many requests, give or take the jitter (0: never).
    max_requests: int = 20_000
    max_requests_jitter: int = 2_000
    # Live measures of suggestions (service/monitoring/); each worker writes its batch this often.
    live_measures: bool = True
    monitor_flush_seconds: float = 2.0

    @classmethod
    def from_env(cls) -> Settings:
        defaults = cls()
        return cls(
            database_url=os.environ.get("MOTIVO_DATABASE_URL") or defaults.database_url,
            model_dir=os.environ.get("MOTIVO_MODEL_DIR") or None,
            max_body_bytes=int(_env_float("MOTIVO_MAX_BODY_BYTES", defaults.max_body_bytes)),
            model_poll_seconds=_env_float("MOTIVO_MODEL_POLL_SECONDS", defaults.model_poll_seconds),
            log_level=os.environ.get("MOTIVO_LOG_LEVEL", defaults.log_level).upper(),
            token_cache_seconds=_env_float("MOTIVO_TOKEN_CACHE_SECONDS", defaults.token_cache_seconds),
            max_field_chars=_env_count("MOTIVO_MAX_FIELD_CHARS", defaults.max_field_chars, minimum=1),
            request_cpu_seconds=_env_float("MOTIVO_REQUEST_CPU_SECONDS", defaults.request_cpu_seconds),
            max_requests=_env_count("MOTIVO_MAX_REQUESTS", defaults.max_requests),
            max_requests_jitter=_env_count("MOTIVO_MAX_REQUESTS_JITTER", defaults.max_requests_jitter),
            live_measures=os.environ.get("MOTIVO_LIVE_MEASURES", "on").lower() not in ("off", "0", "false"),
            monitor_flush_seconds=_env_float("MOTIVO_MONITOR_FLUSH_SECONDS", defaults.monitor_flush_seconds),
        )
