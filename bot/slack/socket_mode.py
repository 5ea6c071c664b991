"""Socket Mode: the same app over a WebSocket that the app opens (no public URL needed)."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from slack_bolt.adapter.socket_mode import SocketModeHandler

from bot.config import Settings
from bot.observability.context import request_scope
from bot.runtime import settle
from bot.services.factory import Services
from bot.services.worker_processes import worker_processes
from bot.slack.app import SlackSetupError, build_app, build_deps, start_workers
from bot.slack.digest.scheduling import start_digest_scheduler
from bot.slack.observe import request_kind

if TYPE_CHECKING:
    from slack_sdk.socket_mode.client import BaseSocketModeClient
    from slack_sdk.socket_mode.request import SocketModeRequest

    from bot.observability.metrics import Metrics


def run_socket_mode(settings: Settings, services: Services) -> None:
    if settings.slack_app_token is None:
        raise SlackSetupError(
            "SLACK_APP_TOKEN is not set; Socket Mode needs an app-level token (xapp-…) "
            "with the connections:write scope"
        )
    deps = build_deps(settings, services)
    app = build_app(settings, deps)
    start_workers(settings, deps)
    token = settings.slack_app_token.get_secret_value()
    scheduler = start_digest_scheduler(settings, deps)
    children = worker_processes(settings)
    settle()
    try:
        ObservedSocketModeHandler(app, token, services.metrics).start()  # type: ignore[no-untyped-call]
    finally:
        if scheduler is not None:
            scheduler.stop()
        if children is not None:
            children.stop()
        deps.shutdown()  # jobs being run finish; queued ones wait in the queue


class ObservedSocketModeHandler(SocketModeHandler):
    """A request id and the request metrics per envelope, as in HTTP mode."""

    def __init__(self, app: Any, app_token: str, metrics: Metrics | None) -> None:
        super().__init__(app, app_token=app_token)
        self.metrics = metrics

    def handle(self, client: BaseSocketModeClient, req: SocketModeRequest) -> None:
        with request_scope():
            started = time.perf_counter()
            try:
                super().handle(client, req)  # type: ignore[arg-type]  # Bolt's own types differ
            except Exception:
                self._observe(req, "error", started)
                raise
            self._observe(req, "ok", started)

    def _observe(self, req: SocketModeRequest, result: str, started: float) -> None:
        if self.metrics is not None:
            payload = req.payload if isinstance(req.payload, Mapping) else {}
            self.metrics.request(request_kind(payload), result, time.perf_counter() - started)
