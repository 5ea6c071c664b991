"""The fast lane: the requests that are only queued, acked without running Bolt.

Mentions, DMs to the coach and `/coach` commands make up nearly all of a burst, and all
their listeners do is queue a job. Bolt's dispatch around that (its middleware chain, the
kwargs of every listener and matcher it tries) costs about twice the queueing itself, so
SlackEndpoint hands these requests here first, as parsed bodies (no BoltRequest: its context
of a dozen fields was a tenth of an ack's CPU; the three this lane needs are read with Bolt's
own extractors): the same rules the listeners apply
(`message_is_queued`, `is_queued`), the same job (`queue_event`, `queue_command`), the same
ack Bolt would send (its own `Ack`). Anything else, or anything in doubt (an event from the
bot itself, a malformed command, a bare `/coach check` that opens a modal), returns None and
goes through Bolt as before.

Single-workspace mode only: the bot's identity is the auth.test Bolt made at start-up. In
multi-workspace mode each request's identity needs the installation store, so there is no
fast lane; Socket Mode never reaches SlackEndpoint.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from slack_bolt import Ack, App, BoltResponse
from slack_bolt.middleware.authorization.single_team_authorization import (
    SingleTeamAuthorization,
)
from slack_bolt.request.internals import extract_enterprise_id, extract_team_id, extract_user_id
from slack_sdk import WebClient

from bot.slack.listeners.commands import is_queued, queue_command
from bot.slack.listeners.events import log_retry, message_is_queued, queue_event
from bot.slack.payloads import PayloadError, parse_command
from bot.slack.wellformed import UNREADABLE
from bot.slack.work import Deps

COMMAND = "/coach"


class FastLane:
    def __init__(self, app: App, deps: Deps, bot_user_id: str, bot_id: str | None) -> None:
        self.app = app
        self.deps = deps
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id

    def handle(
        self, body: dict[str, Any], headers: Mapping[str, str | Sequence[str]]
    ) -> BoltResponse | None:
        """Bolt's response for a request that is only queued (queued here); else None.
        `body` is parsed as Bolt parses it (bot/slack/wellformed.py)."""
        command = "command" in body
        if not command and body.get("type") != "event_callback":
            return None  # interactions, App Home, uninstalls…: Bolt's
        ids = _identity(body)
        if ids is None:
            return None  # Bolt's request cannot read it either: the endpoint refuses it
        return self._command(body, ids) if command else self._event(body, ids, headers)

    def _command(self, body: dict[str, Any], ids: _Ids) -> BoltResponse | None:
        if body.get("command") != COMMAND or "ssl_check" in body:
            return None
        try:
            command = parse_command(body)
        except PayloadError:
            return None  # Bolt's listener logs it and acks
        if not is_queued(command):
            return None
        busy = queue_command(self.deps, body, ids.team, ids.enterprise)
        if busy is not None:
            return _ack(response_type="ephemeral", **busy.as_kwargs())
        return _ack()

    def _event(
        self, body: dict[str, Any], ids: _Ids, headers: Mapping[str, str | Sequence[str]]
    ) -> BoltResponse | None:
        event = body.get("event")
        if not isinstance(event, dict) or self._from_self(ids, event):
            return None  # Bolt ignores the bot's own events (IgnoringSelfEvents)
        kind = event.get("type")
        if kind == "message":
            if not message_is_queued(event, self.bot_user_id):
                return None
        elif kind != "app_mention":
            return None
        team, enterprise = ids.team, ids.enterprise
        log_retry(headers)
        queue_event(
            self.deps,
            body,
            team=team,
            enterprise=enterprise,
            bot=self.bot_user_id,
            client=lambda: self._client(team),
        )
        return _ack()

    def _from_self(self, ids: _Ids, event: dict[str, Any]) -> bool:
        return ids.user == self.bot_user_id or (
            event.get("bot_id") is not None and event.get("bot_id") == self.bot_id
        )

    def _client(self, team: str | None) -> WebClient:
        """The client Bolt would give the listener (App._init_context)."""
        base = self.app.client
        return WebClient(
            token=base.token,
            base_url=base.base_url,
            timeout=base.timeout,
            ssl=base.ssl,
            proxy=base.proxy,
            headers=base.headers,
            team_id=team,
            logger=base.logger,
            retry_handlers=base.retry_handlers.copy() if base.retry_handlers else None,
        )


class _Ids(NamedTuple):
    team: str | None
    enterprise: str | None
    user: str | None


def _identity(body: dict[str, Any]) -> _Ids | None:
    """The ids Bolt's request context would hold, read by Bolt's own extractors; None where
    they raise on a body of an odd shape (Bolt's request raises there too)."""
    try:
        return _Ids(extract_team_id(body), extract_enterprise_id(body), extract_user_id(body))
    except UNREADABLE:
        return None


def _ack(**fields: Any) -> BoltResponse:
    """The response Bolt's `ack(**fields)` makes."""
    return Ack()(**fields)  # type: ignore[no-untyped-call]


def fast_lane(app: App, deps: Deps) -> FastLane | None:
    """The fast lane for `app`, or None in multi-workspace mode (or without a bot token)."""
    if app.oauth_flow is not None or deps.installations is not None:
        return None
    token = app.client.token
    if not token or not token.startswith("xoxb-"):
        return None
    # Bolt keeps its start-up auth.test in its single-workspace authorization middleware;
    # bot_user_id and bot_id are taken from it as Bolt does (_to_authorize_result).
    for middleware in app._middleware_list:
        if isinstance(middleware, SingleTeamAuthorization):
            result = middleware.auth_test_result
            user = result.get("user_id") if result is not None else None
            if isinstance(user, str) and user:
                bot_id = result.get("bot_id") if result is not None else None
                return FastLane(app, deps, user, bot_id if isinstance(bot_id, str) else None)
    return None
