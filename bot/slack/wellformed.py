"""Which request bodies may reach Bolt: parsed, and with the fields Bolt routes on typed as
Slack types them. Bolt answers anything else with a 500 (or raises in its own middleware), so
the HTTP layer answers it with a 400 instead. The fuzz tests (tests/ops/test_fuzz_http.py)
found the assistant-thread rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from slack_bolt import BoltRequest
from slack_bolt.request.internals import parse_body

# What Bolt's parser and its context extractors raise on a body of a shape they cannot read.
UNREADABLE = (ValueError, TypeError, KeyError, AttributeError, IndexError)
_NESTED = ("user", "team", "channel", "view", "message", "container", "event", "enterprise")


def slack_body(text: str, headers: dict[str, str | Sequence[str]]) -> dict[str, Any] | None:
    """The body as Bolt's request parses it (JSON, forms and payload=), or None when Bolt
    could not route it."""
    content_type = headers.get("content-type")
    try:
        # Bolt's own parser, given the content type as Bolt reads it (extract_content_type).
        body: Any = parse_body(
            text, content_type.split(";")[0] if isinstance(content_type, str) else None
        )
    except UNREADABLE:
        # Bad JSON (JSONDecodeError is a ValueError), or JSON of a shape Bolt cannot read.
        return None
    if not isinstance(body, dict) or not body or not well_formed(body):
        return None
    return body


def bolt_request(text: str, headers: dict[str, str | Sequence[str]]) -> BoltRequest | None:
    """Bolt's request for a body `slack_body` accepted (Bolt parses it the same way), or None
    where Bolt's context extractors raise on a field of an odd shape."""
    try:
        return BoltRequest(body=text, headers=headers)
    except UNREADABLE:
        return None


def well_formed(body: dict[str, Any]) -> bool:
    """The fields Bolt routes on must have the types Slack gives them (else Bolt fails, 500)."""
    kind = body.get("type")
    if any(body.get(key) is not None and not isinstance(body[key], dict) for key in _NESTED):
        return False
    # Slack sends `"enterprise": null` and the like, but Bolt's self-event filter reads
    # body.get("event", {}) as a dict on every request, commands included.
    if "event" in body and not isinstance(body["event"], dict):
        return False
    if "command" in body:
        return isinstance(body["command"], str)
    if not isinstance(kind, str):
        return False
    if kind == "event_callback":
        return _event_well_formed(body.get("event"))
    if kind == "block_actions":
        actions = body.get("actions")
        return isinstance(actions, list) and all(
            isinstance(a, dict) and isinstance(a.get("action_id"), str) for a in actions
        )
    if kind in {"view_submission", "view_closed"}:
        view = body.get("view") or {}
        return isinstance(view.get("callback_id"), str) and isinstance(view.get("type"), str)
    if kind in {"message_action", "shortcut"}:
        return isinstance(body.get("callback_id"), str)
    return True


def _event_well_formed(event: object) -> bool:
    if not isinstance(event, dict) or not isinstance(event.get("type"), str):
        return False
    if event["type"].startswith("assistant_thread_"):
        # Bolt's assistant middleware raises before any listener runs without these two.
        thread = event.get("assistant_thread")
        return isinstance(thread, dict) and all(
            isinstance(thread.get(key), str) for key in ("channel_id", "thread_ts")
        )
    return True
