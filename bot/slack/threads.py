"""Reading the first message of a thread for "check this", and saying why it could not be read.

Each way conversations.replies fails needs something different from the user: an invitation
(`not_in_channel`), another thread (`thread_not_found`), an admin (`missing_scope`), or only
patience (a rate limit); one "Slack limits how often I may" for all of them sent people to wait
for something that was never going to work.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.models import Language
from bot.slack.i18n import slack_text

log = logging.getLogger(__name__)

Reason = Literal[
    "rate_limited",
    "not_in_channel",
    "thread_not_found",
    "missing_scope",
    "channel_not_found",
    "unavailable",
]
_REASONS: dict[str, Reason] = {
    "ratelimited": "rate_limited",
    "rate_limited": "rate_limited",
    "not_in_channel": "not_in_channel",
    "thread_not_found": "thread_not_found",
    "message_not_found": "thread_not_found",
    "missing_scope": "missing_scope",
    "channel_not_found": "channel_not_found",
}
# The scope conversations.replies needs when Slack does not name it.
_HISTORY_SCOPES = "channels:history, groups:history"


@dataclass(frozen=True)
class Unread:
    """Why the thread could not be read; `scope` is what Slack says is missing, if it says."""

    reason: Reason
    scope: str = ""

    def why(self, language: Language) -> str:
        return slack_text(
            f"thread_why_{self.reason}", language, scope=self.scope or _HISTORY_SCOPES
        )

    def note(self, language: Language) -> str:
        """Beside a check of the mention's own text."""
        return slack_text("thread_unread_checked_mention", language, why=self.why(language))

    def ask_for_draft(self, language: Language) -> str:
        """When the mention has no draft of its own."""
        return slack_text("thread_unread_paste_draft", language, why=self.why(language))


def read_parent(client: WebClient, channel: str, thread_ts: str, timeout: int) -> str | Unread:
    """The thread's first message ("" if it has no text), or why it could not be read.

    One conversations.replies call and no retries: apps outside the Marketplace may get one
    call a minute, and waiting out a Retry-After would hold the reply far too long.
    """
    reader = WebClient(
        token=client.token, base_url=client.base_url, timeout=timeout, retry_handlers=[]
    )
    try:
        response = reader.conversations_replies(
            channel=channel, ts=thread_ts, limit=1, inclusive=True
        )
    except SlackApiError as exc:
        return _refused(exc)
    except (SlackClientError, OSError) as exc:
        log.warning("conversations.replies failed: %s", exc)
        return Unread("unavailable")
    messages = response.get("messages") or []
    if not messages or messages[0].get("ts") != thread_ts:
        return Unread("thread_not_found")
    body = messages[0].get("text")
    return body if isinstance(body, str) else ""


def _refused(exc: SlackApiError) -> Unread:
    error = str(exc.response.get("error") or "")
    log.warning("conversations.replies failed: %s", error or exc.response.status_code)
    if exc.response.status_code == 429:
        return Unread("rate_limited")
    reason = _REASONS.get(error, "unavailable")
    needed = exc.response.get("needed") if reason == "missing_scope" else None
    return Unread(reason, needed if isinstance(needed, str) else "")
