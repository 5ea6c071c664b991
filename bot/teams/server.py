"""The Teams endpoint: POST /api/messages (JWT-validated by the SDK) and GET /healthz, on
aiohttp, on its own port beside Slack's waitress server. /metrics is not served here: like
Slack's, the counts are on the internal metrics port (bot/observability/metrics_server.py).

Before the SDK sees a request, this layer answers what the SDK would turn into a 500 or a
traceback: a body over `MAX_BODY_BYTES` 413, broken JSON or a body that is no activity 400, a
tenant outside COACH_TEAMS_ALLOWED_TENANTS 403. Every request to /api/messages is counted in
the same Prometheus metrics as Slack's, with kinds prefixed "teams.".
"""

from __future__ import annotations

import json
import logging
import time
import warnings
from collections.abc import Awaitable, Callable

from aiohttp import web
from microsoft_agents.activity import Activity
from microsoft_agents.hosting.aiohttp import jwt_authorization_decorator, start_agent_process
from pydantic import ValidationError

from bot.observability.context import request_scope
from bot.teams.app import TeamsApp
from bot.teams.incoming import tenant_of

log = logging.getLogger(__name__)

MESSAGES_PATH = "/api/messages"
HEALTH_PATH = "/healthz"
# A 40,000-character message in HTML with its copy in an attachment stays far below this.
MAX_BODY_BYTES = 1 << 20
KIND = web.RequestKey("coach.kind", str)
_OUTCOMES = {401: "unauthorized", 403: "forbidden", 404: "not_found", 413: "too_large"}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


def outcome(status: int) -> str:
    if status < 400:
        return "ok"
    return _OUTCOMES.get(status, "bad_request" if status < 500 else "error")


def request_kind(activity: Activity) -> str:
    """A short, fixed label: "teams.message", "teams.invoke", "teams.conversationUpdate"…"""
    kind = activity.type
    known = {"message", "invoke", "conversationUpdate", "installationUpdate", "messageReaction"}
    return f"teams.{kind}" if kind in known else "teams.other"


def parse_activity(raw: bytes) -> tuple[Activity | None, str]:
    """The body as an activity, or None and why not."""
    try:
        body = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None, "the body is not JSON"
    if not isinstance(body, dict):
        return None, "the body is not an activity"
    try:
        activity = Activity.model_validate(body)
    except ValidationError:
        return None, "the body is not a valid activity"
    if not activity.type or not activity.conversation or not activity.conversation.id:
        return None, "the activity needs a type and a conversation id"
    return activity, ""


class TeamsEndpoint:
    def __init__(self, teams: TeamsApp) -> None:
        self.teams = teams
        self.metrics = teams.deps.services.metrics
        self.tenants = teams.deps.settings.teams_tenants

    def web_app(self) -> web.Application:
        app = web.Application(middlewares=[self._observe], client_max_size=MAX_BODY_BYTES)
        with warnings.catch_warnings():
            # The SDK's JWT check reads this plain string key; aiohttp would prefer an AppKey.
            warnings.simplefilter("ignore", web.NotAppKeyWarning)
            app["agent_configuration"] = self.teams.auth
        # The SDK validates the token (signature, audience, expiry); /healthz needs none.
        messages = jwt_authorization_decorator(self._messages)  # type: ignore[no-untyped-call]
        app.router.add_post(MESSAGES_PATH, messages)
        app.router.add_get(HEALTH_PATH, self._health)
        return app

    @web.middleware
    async def _observe(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Request id, metrics, and the last line of defence: no traceback ever leaves."""
        with request_scope(request.headers.get("X-Request-Id")) as request_id:
            started = time.perf_counter()
            try:
                response = await handler(request)
            except web.HTTPException as exc:
                response = _error(exc.status, exc.reason)
            except Exception:
                log.exception("a Teams request failed")
                response = _error(500, "internal error")
            response.headers["X-Request-Id"] = request_id
            if request.path == MESSAGES_PATH:
                self._count(request, response.status, started)
            return response

    def _count(self, request: web.Request, status: int, started: float) -> None:
        kind = request.get(KIND) or ("teams.unverified" if status == 401 else "teams.unreadable")
        if status >= 400:
            log.info("refused a Teams request: HTTP %s (%s)", status, kind)
        if self.metrics is not None:
            self.metrics.request(kind, outcome(status), time.perf_counter() - started)

    async def _messages(self, request: web.Request) -> web.StreamResponse:
        if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
            return _error(413, "the body is too large")
        try:
            raw = await request.read()
        except web.HTTPRequestEntityTooLarge:
            return _error(413, "the body is too large")
        activity, problem = parse_activity(raw)
        if activity is None:
            return _error(400, problem)
        request[KIND] = request_kind(activity)
        if self.tenants and tenant_of(activity) not in self.tenants:
            return _error(403, "this tenant may not use the coach")
        response = await start_agent_process(request, self.teams.agent, self.teams.adapter)
        return response if response is not None else web.Response(status=202)

    async def _health(self, request: web.Request) -> web.Response:
        return web.Response(text="ok")
