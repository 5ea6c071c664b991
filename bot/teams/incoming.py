"""Teams activities → typed inputs, so handlers never dig in raw payloads.

The SDK already removed the bot's own `<at>` mention (ApplicationOptions'
remove_recipient_mention); what is left may still hold other people's mentions and HTML
(Teams sends rich text as HTML when the message was formatted), which become plain text here.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

from bot.i18n import language_of_locale
from bot.models import Language
from bot.services.ratelimit import Caller
from bot.services.usage import Origin

_BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"}
_SKIP = {"script", "style"}
_SPACES = re.compile(r"[ \t\u00a0]+")
_LINES = re.compile(r"\s*\n\s*")
_TAG = re.compile(r"<[a-zA-Z/!]")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self._skipping += 1
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def plain_text(value: str) -> str:
    """Text without HTML: tags dropped (block tags become line breaks), entities decoded."""
    if _TAG.search(value):
        parser = _Text()
        parser.feed(value)
        parser.close()
        value = "".join(parser.parts)
    else:
        value = html.unescape(value)
    value = _SPACES.sub(" ", value)
    return _LINES.sub("\n", value).strip()


@dataclass(frozen=True)
class Who:
    """Who wrote, where: opaque Teams ids."""

    tenant: str
    user: str  # the Entra object id when Teams gives one, else the Teams user id
    conversation: str  # the conversation id without a thread's ";messageid=…"
    team: str = ""  # the team id, in a channel

    @property
    def caller(self) -> Caller:
        """For the per-user and per-workspace (here: per-tenant) LLM limits."""
        return Caller(user=f"teams:{self.tenant}:{self.user}", workspace=f"teams:{self.tenant}")

    @property
    def key(self) -> str:
        return f"teams:{self.tenant}:{self.user}"

    @property
    def origin(self) -> Origin:
        return Origin(f"teams:{self.tenant}", self.conversation, self.key)


def _get(mapping: Any, *keys: str) -> Any:
    for key in keys:
        mapping = mapping.get(key) if isinstance(mapping, dict) else getattr(mapping, key, None)
    return mapping


def tenant_of(activity: Any) -> str:
    """The tenant the activity came from ("" if it names none)."""
    for value in (
        _get(activity, "conversation", "tenant_id"),
        _get(activity, "channel_data", "tenant", "id"),
    ):
        if isinstance(value, str) and value:
            return value.lower()
    return ""


def who(activity: Any) -> Who:
    user = activity.from_property
    user_id = (
        (getattr(user, "aad_object_id", None) or getattr(user, "id", None) or "") if user else ""
    )
    conversation = str(_get(activity, "conversation", "id") or "").split(";messageid=")[0]
    team = _get(activity, "channel_data", "team", "id")
    return Who(
        tenant_of(activity), str(user_id), conversation, team if isinstance(team, str) else ""
    )


def fallback_language(activity: Any, default: Language) -> Language:
    """The language of the user's Teams client; the texts' own language comes first."""
    return language_of_locale(getattr(activity, "locale", None)) or default
