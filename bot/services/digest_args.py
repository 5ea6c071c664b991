"""Digest command arguments → a typed request. Pure; words in en/de/it; shared by Slack's
`/coach digest …` and Teams' `@Coach digest …`.

    subscribe [#channel] [weekday] [HH:MM] [time zone] [channel|workspace] [en|de|it]
    unsubscribe [#channel] · preview [#channel] · list

A `#channel` argument is Slack's (a picked channel, <#C…|name>); Teams commands act on the
channel they are typed in, and its front end refuses a channel argument with a hint.

The options of `subscribe` may come in any order: each is recognised by its shape. Anything
unrecognised is a DigestUsageError naming it, and the user gets the usage line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from bot.errors import CoachError
from bot.models import LANGUAGES, Language
from bot.services.subscriptions import Scope, UnknownTimezone, zone

Action = Literal["subscribe", "unsubscribe", "preview", "list", "help"]

_ACTIONS: dict[str, Action] = {
    "subscribe": "subscribe",
    "sub": "subscribe",
    "abonnieren": "subscribe",
    "abonniere": "subscribe",
    "iscrivi": "subscribe",
    "iscriviti": "subscribe",
    "abbonati": "subscribe",
    "unsubscribe": "unsubscribe",
    "unsub": "unsubscribe",
    "abbestellen": "unsubscribe",
    "kündigen": "unsubscribe",
    "disiscrivi": "unsubscribe",
    "annulla": "unsubscribe",
    "preview": "preview",
    "vorschau": "preview",
    "anteprima": "preview",
    "list": "list",
    "liste": "list",
    "elenco": "list",
    "help": "help",
    "hilfe": "help",
    "aiuto": "help",
}
_DAYS = (
    ("mon", "monday", "mo", "montag", "montags", "lun", "lunedì", "lunedi"),
    ("tue", "tues", "tuesday", "di", "dienstag", "dienstags", "mar", "martedì", "martedi"),
    ("wed", "wednesday", "mi", "mittwoch", "mittwochs", "mer", "mercoledì", "mercoledi"),
    ("thu", "thur", "thurs", "thursday", "do", "donnerstag", "donnerstags", "gio", "giovedì"),
    ("fri", "friday", "fr", "freitag", "freitags", "ven", "venerdì", "venerdi"),
    ("sat", "saturday", "sa", "samstag", "samstags", "sab", "sabato"),
    ("sun", "sunday", "so", "sonntag", "sonntags", "dom", "domenica"),
)
WEEKDAYS: dict[str, int] = {name: day for day, names in enumerate(_DAYS) for name in names}
WEEKDAYS["giovedi"] = 3
_SCOPES: dict[str, Scope] = {
    "channel": "channel",
    "kanal": "channel",
    "canale": "channel",
    "workspace": "workspace",
    "arbeitsbereich": "workspace",
}
# <#C123|name> or <#C123> as Slack sends a picked channel; a bare id also works.
# A bare id needs a digit, so that a word such as "CHANNEL" is not taken for one.
_CHANNEL = re.compile(
    r"^<#([CG][A-Z0-9]{2,30})(?:\|[^>]*)?>$|^([CG](?=[A-Z0-9]*\d)[A-Z0-9]{6,30})$"
)
# A plain "#name": what arrives when Slack did not escape the channel (an install from an
# older manifest with should_escape false, or a name that is no channel Slack knows).
_PLAIN_CHANNEL = re.compile(r"^#[^\s#<>]+$")
_TIME = re.compile(r"^([01]?\d|2[0-3])[:.h]([0-5]\d)$")
_ZONE = re.compile(r"^(?:UTC|GMT|[A-Za-z]+(?:/[A-Za-z0-9_+\-]+)+)$")


class DigestUsageError(CoachError):
    """An argument the digest command does not understand; `value` is what the user typed."""

    def __init__(
        self, value: str, reason: Literal["argument", "timezone", "channel_name"] = "argument"
    ) -> None:
        super().__init__(f"not understood: {value!r}")
        self.value = value
        self.reason = reason


@dataclass(frozen=True)
class DigestArgs:
    action: Action
    channel: str | None = None
    weekday: int | None = None
    hour: int | None = None
    minute: int | None = None
    timezone: str | None = None
    scope: Scope | None = None
    language: Language | None = None


def parse_digest(argument: str) -> DigestArgs:
    words = argument.split()
    if not words:
        return DigestArgs("help")
    action = _ACTIONS.get(words[0].lower())
    if action is None:
        raise DigestUsageError(words[0])
    rest = words[1:]
    if action in {"list", "help"}:
        if rest:
            raise DigestUsageError(rest[0])
        return DigestArgs(action)
    if action in {"unsubscribe", "preview"}:
        if len(rest) > 1:
            raise DigestUsageError(rest[1])
        return DigestArgs(action, channel=_channel(rest[0]) if rest else None)
    return _subscribe(rest)


def _subscribe(words: list[str]) -> DigestArgs:
    found: dict[str, object] = {}
    for word in words:
        key, value = _option(word)
        if key in found:  # two weekdays, two times…: ambiguous, so say so
            raise DigestUsageError(word)
        found[key] = value
    time = found.pop("time", None)
    hour, minute = time if isinstance(time, tuple) else (None, None)
    return DigestArgs("subscribe", hour=hour, minute=minute, **found)  # type: ignore[arg-type]


def _option(word: str) -> tuple[str, object]:
    lowered = word.lower().rstrip(",")
    if (channel := _channel(word, strict=False)) is not None:
        return "channel", channel
    if lowered in WEEKDAYS:
        return "weekday", WEEKDAYS[lowered]
    if time := _TIME.match(lowered):
        return "time", (int(time.group(1)), int(time.group(2)))
    if lowered in _SCOPES:
        return "scope", _SCOPES[lowered]
    if lowered in LANGUAGES:
        return "language", lowered
    if _ZONE.match(word):
        try:
            zone(word)
        except UnknownTimezone as exc:
            raise DigestUsageError(word, "timezone") from exc
        return "timezone", word
    raise DigestUsageError(word)


def _channel(word: str, *, strict: bool = True) -> str | None:
    match = _CHANNEL.match(word)
    if match:
        return match.group(1) or match.group(2)
    if _PLAIN_CHANNEL.match(word):
        raise DigestUsageError(word, "channel_name")
    if strict:
        raise DigestUsageError(word)
    return None
