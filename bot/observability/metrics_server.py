"""/metrics on a port of its own, for Prometheus, apart from the port Slack (or Teams) calls.

The public port serves whoever reaches it; metrics name what the coach does and how often,
which is nobody's business outside the operator's network. So they are served by
prometheus_client's own small server, bound to 127.0.0.1 by default (COACH_METRICS_HOST and
COACH_METRICS_PORT; port 0 turns it off). It knows nothing of any transport: every front end
that a process runs counts into the same `Metrics` and is scraped here.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from prometheus_client import start_http_server

from bot.errors import CoachError
from bot.observability.metrics import Metrics

log = logging.getLogger(__name__)


class MetricsServerError(CoachError):
    """The metrics port cannot be listened on."""


class MetricsServer:
    def __init__(self, server: Any) -> None:
        self._server = server

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def start_metrics_server(host: str, port: int, metrics: Metrics) -> MetricsServer | None:
    """Serve `metrics` on host:port in a daemon thread; None when `port` is 0 (turned off)."""
    if port == 0:
        log.info("metrics are off (COACH_METRICS_PORT=0)")
        return None
    try:
        server, _ = start_http_server(port, addr=host, registry=metrics.registry)
    except OSError as exc:
        raise MetricsServerError(
            f"cannot serve metrics on {host}:{port} ({exc.strerror or exc}); set "
            "COACH_METRICS_PORT to a free port, or to 0 to turn metrics off"
        ) from exc
    found = MetricsServer(server)
    log.info("serving metrics on http://%s:%s/metrics", host, found.port)
    return found


@contextmanager
def serving_metrics(host: str, port: int, metrics: Metrics | None) -> Iterator[None]:
    """Metrics served while the block runs (the life of `coach serve` or `coach socket`)."""
    server = start_metrics_server(host, port, metrics) if metrics is not None else None
    try:
        yield
    finally:
        if server is not None:
            server.stop()
