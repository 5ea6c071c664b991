"""The coach's Messages tab: suggested prompts when a conversation opens, answers in DMs."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.i18n import text
from bot.slack.blocks import Message, help_message, suggested_prompts
from bot.slack.payloads import Mention
from bot.slack.streaming import Target, answer_in_dm
from bot.slack.work import Deps, check, replying_on_failure

log = logging.getLogger(__name__)


def register(app: App, deps: Deps) -> None:
    @app.event("assistant_thread_started")
    def thread_started(event: dict[str, Any], client: WebClient) -> None:
        thread = event.get("assistant_thread")
        if not isinstance(thread, dict):
            return  # forged or truncated: nothing to answer (found by tests/ops fuzzing)
        channel, user = thread.get("channel_id"), thread.get("user_id")
        if isinstance(channel, str) and isinstance(user, str):
            thread_ts = thread.get("thread_ts")
            deps.later(lambda: _suggest(deps, client, channel, user, thread_ts))

    @app.event("app_home_opened", matchers=[lambda event: event.get("tab") == "messages"])
    def messages_tab(event: dict[str, Any], client: WebClient) -> None:
        channel, user = event.get("channel"), event.get("user")
        if isinstance(channel, str) and isinstance(user, str):
            deps.later(lambda: _suggest(deps, client, channel, user, None))


def _suggest(deps: Deps, client: WebClient, channel: str, user: str, thread_ts: str | None) -> None:
    language = deps.locales.language(client, user)
    try:
        client.assistant_threads_setSuggestedPrompts(
            channel_id=channel,
            thread_ts=thread_ts,
            title=text("prompts_title", language),
            prompts=suggested_prompts(language),
        )
    except (SlackApiError, SlackClientError) as exc:
        log.warning("could not set suggested prompts: %s", exc)


def reply_direct(deps: Deps, client: WebClient, mention: Mention) -> None:
    target = Target(mention.channel, mention.thread_ts, mention.ts, mention.who)

    def post(message: Message) -> None:
        client.chat_postMessage(
            channel=target.channel, thread_ts=target.thread_ts, **message.as_kwargs()
        )

    with replying_on_failure(post, deps.locales.cached(mention.who.user)):
        if not mention.text:
            post(help_message(deps.locales.language(client, mention.who.user)))
        elif mention.intent == "check":
            post(
                check(deps, client, mention.who, mention.text, share=False, channel=mention.channel)
            )
        else:
            answer_in_dm(deps, client, target, mention.text)
