"""What the transports tell the metrics about each Slack request: its kind and its outcome.

Kinds come from a fixed list (anything else is "other"), so a forged or future payload type
cannot grow the number of series.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

EVENT_KINDS = frozenset(
    {
        "app_mention",
        "message",
        "app_home_opened",
        "assistant_thread_started",
        "assistant_thread_context_changed",
        "app_uninstalled",
        "tokens_revoked",
    }
)
PAYLOAD_KINDS = frozenset(
    {
        "block_actions",
        "view_submission",
        "view_closed",
        "message_action",
        "shortcut",
        "url_verification",
        "block_suggestion",
    }
)
OUTCOMES = {
    200: "ok",
    400: "bad_request",
    401: "unauthorized",
    404: "not_found",
    405: "not_found",
    413: "too_large",
    415: "unsupported_type",
}


def request_kind(body: Mapping[str, Any]) -> str:
    """command, an event type (app_mention, message, …), or an interaction type."""
    if "command" in body:
        return "command"
    kind = body.get("type")
    if kind == "event_callback":
        event = body.get("event")
        event_type = event.get("type") if isinstance(event, Mapping) else None
        return event_type if event_type in EVENT_KINDS else "other_event"
    return kind if kind in PAYLOAD_KINDS else "other"


def outcome(status: int) -> str:
    if status >= 500:
        return "error"
    return OUTCOMES.get(status, "ok" if status < 400 else "refused")
