"""The coach's side of a conversation in its Messages tab (the assistant pane).

Every reply goes into the thread of the user's message: a streamed LLM answer must be a thread
reply, so the offline answer, a review and an apology go there too, and a conversation never
splits between the thread and the top level. While the coach works, the thread shows a status
("coach is thinking…"); Slack clears it when the reply arrives. A thread is titled after the
first message the coach answers in it, so the pane's history lists conversations by topic.
Status and title are decoration: when Slack refuses them, the answer still goes out.
"""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.models import Language
from bot.services.dedup import DedupStore
from bot.slack.i18n import slack_text
from bot.slack.mrkdwn import shorten

log = logging.getLogger(__name__)

TITLE_LIMIT = 60  # characters; the pane's history shows about this much


def show_working(
    client: WebClient, channel: str, thread_ts: str, language: Language, *, checking: bool
) -> None:
    status = slack_text("dm_status_checking" if checking else "dm_status_thinking", language)
    try:
        client.assistant_threads_setStatus(channel_id=channel, thread_ts=thread_ts, status=status)
    except (SlackApiError, SlackClientError) as exc:
        log.info("could not show a status in the DM thread: %s", exc)


def title_once(
    dedup: DedupStore, client: WebClient, channel: str, thread_ts: str, message: str
) -> None:
    """Title the thread after `message` unless it has a title already (on any replica)."""
    title = shorten(" ".join(message.split()), TITLE_LIMIT)
    if not title or not dedup.claim([f"dm-title:{channel}:{thread_ts}"]):
        return
    try:
        client.assistant_threads_setTitle(channel_id=channel, thread_ts=thread_ts, title=title)
    except (SlackApiError, SlackClientError) as exc:
        log.info("could not title the DM thread: %s", exc)
