"""Slack payloads → typed inputs. Listeners parse first, so the rest never digs in raw dicts.

A payload without the fields a listener needs raises PayloadError; the listener answers it
like any other bad input (Slack itself never sends those, but forged or truncated ones can).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from bot.errors import CoachError
from bot.services.intent import Intent, split_intent

Subcommand = Literal["ask", "check", "traps", "help", "digest"]

_SUBCOMMANDS: dict[str, Subcommand] = {
    "ask": "ask",
    "check": "check",
    "review": "check",
    "prüf": "check",
    "prüfe": "check",
    "controlla": "check",
    "traps": "traps",
    "fallen": "traps",
    "trappole": "traps",
    "help": "help",
    "hilfe": "help",
    "aiuto": "help",
    "digest": "digest",
}
# A lone word that is no subcommand is taken for a mistyped one ("/coach settings") and gets
# the help; anything longer, or with a question mark, is a question.
_LONE_WORD = re.compile(r"^[^\W\d_]{1,20}$")
_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_USER_ID = re.compile(r"^[UW][A-Z0-9]{1,20}$")


class PayloadError(CoachError):
    """A request from Slack lacks a field the coach needs."""


@dataclass(frozen=True)
class Who:
    team: str
    user: str

    @property
    def key(self) -> str:
        return f"slack:{self.team}:{self.user}"


@dataclass(frozen=True)
class Command:
    who: Who
    channel: str
    subcommand: Subcommand
    argument: str
    unknown: str | None  # the mistyped subcommand, if that is why this became "help"
    trigger_id: str
    response_url: str
    enterprise: str | None = None  # Enterprise Grid org, when there is one


@dataclass(frozen=True)
class Mention:
    """A message addressed to the coach: an app_mention, or any message in its DM."""

    who: Who
    channel: str
    ts: str
    thread_ts: str | None
    intent: Intent
    text: str  # the question, or the draft after "check this" (bot mentions removed)
    event_id: str
    direct: bool  # in a DM with the app

    @property
    def reply_thread(self) -> str:
        return self.thread_ts or self.ts

    @property
    def in_thread(self) -> bool:
        return self.thread_ts is not None and self.thread_ts != self.ts

    @property
    def dedup_keys(self) -> tuple[str, ...]:
        keys = [f"msg:{self.channel}:{self.ts}"]
        if self.event_id:
            keys.append(f"event:{self.event_id}")
        return tuple(keys)


@dataclass(frozen=True)
class MessageShortcut:
    who: Who
    channel: str
    text: str
    message_ts: str
    response_url: str


@dataclass(frozen=True)
class Click:
    who: Who
    action_id: str
    value: str
    channel: str | None
    response_url: str | None


@dataclass(frozen=True)
class ModalSubmission:
    who: Who
    draft: str
    channel: str | None
    response_url: str | None


def _str(mapping: Mapping[str, Any], key: str, required: bool = True) -> str:
    value = mapping.get(key)
    if isinstance(value, str) and (value or not required):
        return value
    if value is None and not required:
        return ""
    raise PayloadError(f"the request has no valid {key!r}")


def _dict(mapping: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = mapping.get(key)
    if not isinstance(value, Mapping):
        raise PayloadError(f"the request has no valid {key!r}")
    return value


def parse_command(body: Mapping[str, Any]) -> Command:
    text = _str(body, "text", required=False).strip()
    first, _, rest = text.partition(" ")
    sub = _SUBCOMMANDS.get(first.lower())
    unknown = None
    if sub is None:
        if not text:
            sub = "help"
        elif _LONE_WORD.match(text):
            sub, unknown = "help", text
        else:
            sub, rest = "ask", text
    return Command(
        who=Who(_str(body, "team_id"), _str(body, "user_id")),
        channel=_str(body, "channel_id"),
        subcommand=sub,
        argument=rest.strip(),
        unknown=unknown,
        trigger_id=_str(body, "trigger_id", required=False),
        response_url=_str(body, "response_url", required=False),
        enterprise=_str(body, "enterprise_id", required=False) or None,
    )


def strip_mentions(text: str, bot_user_id: str | None) -> str:
    """Remove the coach's own mention(s); other people's mentions stay (escaped later)."""
    if not bot_user_id:
        return text.strip()
    return _MENTION.sub(lambda m: "" if m.group(1) == bot_user_id else m.group(0), text).strip()


def parse_mention(body: Mapping[str, Any], bot_user_id: str | None) -> Mention:
    event = _dict(body, "event")
    text = strip_mentions(_str(event, "text", required=False), bot_user_id)
    intent, rest = split_intent(text)
    thread_ts = event.get("thread_ts")
    team = event.get("team") or body.get("team_id") or ""
    return Mention(
        who=Who(str(team), _str(event, "user")),
        channel=_str(event, "channel"),
        ts=_str(event, "ts"),
        thread_ts=thread_ts if isinstance(thread_ts, str) and thread_ts else None,
        intent=intent,
        text=rest,
        event_id=_str(body, "event_id", required=False),
        direct=event.get("channel_type") == "im",
    )


def mentions_bot(event: Mapping[str, Any], bot_user_id: str | None) -> bool:
    text = event.get("text")
    return bool(bot_user_id and isinstance(text, str) and f"<@{bot_user_id}" in text)


def parse_shortcut(body: Mapping[str, Any]) -> MessageShortcut:
    message = _dict(body, "message")
    return MessageShortcut(
        who=Who(_str(_dict(body, "team"), "id"), _str(_dict(body, "user"), "id")),
        channel=_str(_dict(body, "channel"), "id"),
        text=_str(message, "text", required=False),
        message_ts=_str(message, "ts", required=False),
        response_url=_str(body, "response_url", required=False),
    )


def parse_click(body: Mapping[str, Any]) -> Click:
    actions = body.get("actions")
    if not isinstance(actions, list) or not actions or not isinstance(actions[0], Mapping):
        raise PayloadError("the request has no valid 'actions'")
    channel = body.get("channel")
    user = _dict(body, "user")
    return Click(
        who=Who(str(user.get("team_id") or _dict(body, "team").get("id") or ""), _str(user, "id")),
        action_id=_str(actions[0], "action_id"),
        value=_str(actions[0], "value", required=False),
        channel=channel.get("id") if isinstance(channel, Mapping) else None,
        response_url=body.get("response_url")
        if isinstance(body.get("response_url"), str)
        else None,
    )


def parse_submission(body: Mapping[str, Any], block_id: str, action_id: str) -> ModalSubmission:
    view = _dict(body, "view")
    values = _dict(_dict(view, "state"), "values")
    field = values.get(block_id, {}).get(action_id, {}) if isinstance(values, Mapping) else {}
    draft = field.get("value") if isinstance(field, Mapping) else None
    meta = _metadata(view.get("private_metadata"))
    user = _dict(body, "user")
    return ModalSubmission(
        who=Who(str(user.get("team_id") or ""), _str(user, "id")),
        draft=draft if isinstance(draft, str) else "",
        channel=meta.get("channel"),
        response_url=meta.get("response_url"),
    )


def _metadata(raw: object) -> dict[str, str]:
    try:
        data = json.loads(raw) if isinstance(raw, str) and raw else {}
    except json.JSONDecodeError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(v, str)}


def is_user_id(value: str) -> bool:
    return bool(_USER_ID.match(value))
