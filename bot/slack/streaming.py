"""Answers in direct messages: streamed while the engine streams, one message otherwise.

slack_sdk's ChatStream (chat.startStream / appendStream / stopStream) shows the answer as it
is written. Streaming only pays when the engine yields several deltas; the offline engine
answers at once, so one chat.postMessage is simpler and cheaper.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.errors import CoachError
from bot.models import Answer
from bot.services.usage import Origin
from bot.slack.blocks import Message, answer_message, stream_footer
from bot.slack.mrkdwn import escape
from bot.slack.payloads import Who
from bot.slack.results import new_reference
from bot.slack.work import Deps, caller, failure

log = logging.getLogger(__name__)

# Characters gathered before each append: fewer calls (chat.appendStream is rate-limited)
# while the text still visibly flows.
STREAM_BUFFER = 120


@dataclass(frozen=True)
class Target:
    channel: str
    thread_ts: str  # every reply goes into a thread: streams must be thread replies
    reply_to: str  # the user's message
    who: Who


def answer_in_dm(deps: Deps, client: WebClient, target: Target, question: str) -> None:
    fallback = deps.locales.language(client, target.who.user)
    items = _recorded(
        deps,
        target,
        question,
        deps.services.answer.stream(question, fallback, caller=caller(target.who)),
    )
    try:
        first = next(items)
        second = next(items)
    except CoachError as exc:
        _post(client, target, failure(exc, fallback, "ask"))
        return
    if isinstance(second, Answer):  # a single delta: nothing to stream
        _post(client, target, _render(deps, second))
        return
    _stream(deps, client, target, [first, second], items)


def _recorded(
    deps: Deps, target: Target, question: str, items: Iterator[str | Answer]
) -> Iterator[str | Answer]:
    """The stream as it is, recording the final answer for the digest when it comes."""
    origin = Origin(target.who.team, target.channel, target.who.user)
    for item in items:
        if isinstance(item, Answer):
            deps.usage.asked(origin, item, question)
        yield item


def _stream(
    deps: Deps,
    client: WebClient,
    target: Target,
    head: list[str | Answer],
    rest: Iterator[str | Answer],
) -> None:
    streamer = client.chat_stream(
        channel=target.channel,
        thread_ts=target.thread_ts,
        recipient_team_id=target.who.team or None,
        recipient_user_id=target.who.user,
        buffer_size=STREAM_BUFFER,
    )
    items = chain(head, rest)
    answer: Answer | None = None
    shown: list[str] = []
    try:
        for item in items:
            if isinstance(item, Answer):
                answer = item
            else:
                shown.append(item)
                streamer.append(markdown_text=escape(item))
        if answer is None:
            raise CoachError("the answer stream ended without an answer")
        streamer.stop(blocks=stream_footer(answer, deps.knowledge, new_reference()))
    except (SlackApiError, SlackClientError) as exc:
        if streamer.ts is not None:
            raise  # part of it is on screen already: the error boundary says sorry
        log.warning("streaming failed before it started (%s); posting one message", exc)
        _post(client, target, _render(deps, answer or _final(items)))
        return
    if answer.text.strip() != "".join(shown).strip() and streamer.ts:
        # The final answer is authoritative (the LLM failed midway, or its checks changed
        # the text): the streamed message is replaced by it.
        message = _render(deps, answer)
        client.chat_update(channel=target.channel, ts=streamer.ts, **message.as_kwargs())


def _final(items: Iterator[str | Answer]) -> Answer:
    for item in items:
        if isinstance(item, Answer):
            return item
    raise CoachError("the answer stream ended without an answer")


def _render(deps: Deps, answer: Answer) -> Message:
    # No Share button in a DM, so nothing to keep for one: the reference names the answer
    # in its feedback buttons only.
    return answer_message(answer, deps.knowledge, new_reference(), share=False)


def _post(client: WebClient, target: Target, message: Message) -> None:
    client.chat_postMessage(
        channel=target.channel, thread_ts=target.thread_ts, **message.as_kwargs()
    )
