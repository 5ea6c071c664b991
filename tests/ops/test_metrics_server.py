"""/metrics on its own port: served from the process's one Metrics, on loopback by default,
off with port 0, and a taken port is one clear error."""

from __future__ import annotations

import http.client
import socket

import pytest

from bot.config import Settings
from bot.observability.metrics import Metrics
from bot.observability.metrics_server import (
    MetricsServerError,
    serving_metrics,
    start_metrics_server,
)


def scrape(port: int) -> tuple[int, str, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", "/metrics")
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type") or "", response.read().decode()
    finally:
        connection.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_the_default_is_loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("COACH_METRICS_HOST", "COACH_METRICS_PORT"):  # the default, not the shell's
        monkeypatch.delenv(name, raising=False)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert (settings.metrics_host, settings.metrics_port) == ("127.0.0.1", 9464)


def test_metrics_are_served_and_stop_with_the_block() -> None:
    metrics = Metrics()
    metrics.request("command", "ok", 0.01)
    port = free_port()
    with serving_metrics("127.0.0.1", port, metrics):
        status, content_type, body = scrape(port)
        assert status == 200 and content_type.startswith("text/plain")
        assert 'coach_requests_total{kind="command",outcome="ok"} 1.0' in body
    with pytest.raises(OSError):
        scrape(port)


def test_port_zero_turns_metrics_off() -> None:
    assert start_metrics_server("127.0.0.1", 0, Metrics()) is None


def test_a_taken_port_is_one_clear_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(MetricsServerError, match="COACH_METRICS_PORT"):
            start_metrics_server("127.0.0.1", port, Metrics())
