"""gunicorn server hooks (`--config python:service.monitoring.gunicorn_hooks`)."""

from __future__ import annotations


def child_exit(server, worker) -> None:
    """A worker exited (recycled after max_requests, killed): its live gauges leave /metrics."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
