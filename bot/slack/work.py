"""The slow half of the listeners, run after the ack: call a service, render, and the one error
boundary that turns any failure into a friendly, localized reply (never a stack trace)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.oauth.installation_store import InstallationStore

from bot.config import Settings
from bot.core.knowledge import KnowledgeBase
from bot.errors import CoachError, EmptyInput, InputTooLong
from bot.i18n import text
from bot.models import Language, Review
from bot.observability.context import carried
from bot.services.dedup import DedupStore
from bot.services.digest import DigestService
from bot.services.factory import Services
from bot.services.feedback import FeedbackService
from bot.services.jobs import JobQueue
from bot.services.ratelimit import Caller
from bot.services.subscriptions import SubscriptionService
from bot.services.usage import Origin, UsageService
from bot.slack.blocks import Message, answer_message, notice, review_message
from bot.slack.i18n import slack_text
from bot.slack.jobs import JobClients
from bot.slack.locales import LocaleCache
from bot.slack.payloads import Mention, Who
from bot.slack.pool import ReplyPool
from bot.slack.results import ResultStore, new_reference
from bot.slack.threads import read_parent
from bot.storage.db import Database

log = logging.getLogger(__name__)

Kind = Literal["check", "ask"]
THREAD_READ_TIMEOUT = 5  # seconds; a slow thread read must not hold the reply for long


@dataclass(frozen=True)
class Deps:
    """What every listener needs, built once per app from the settings."""

    settings: Settings
    services: Services
    feedback: FeedbackService
    dedup: DedupStore
    results: ResultStore  # what the Share button finds, on any replica
    locales: LocaleCache
    executor: ReplyPool  # runs the slow half of every listener, after the ack
    database: Database
    usage: UsageService  # what the coach checked and answered, for the digest
    subscriptions: SubscriptionService
    digests: DigestService
    jobs: JobQueue  # the reply queue: acked mentions and commands, run by any replica's workers
    job_clients: JobClients  # a job's Web API client and respond, rebuilt from its payload
    installations: InstallationStore | None = None  # multi-workspace mode only

    @property
    def knowledge(self) -> KnowledgeBase:
        return self.services.engine.knowledge

    def later(self, work: Callable[[], object]) -> None:
        """Run `work` on the executor; the listener returns (and Slack gets its ack) at once.

        Bolt's lazy listeners would do the same, but they deep-copy the whole request for
        each one, which was most of the cost of an ack. The work runs in a copy of the
        request's context, so its log lines carry the request's id.
        """
        self.executor.post(carried(work))

    def shutdown(self, timeout: float | None = None) -> None:
        """Finish the jobs being run (queued ones wait in the queue for any worker), then the
        light work on the executor."""
        self.jobs.stop(timeout)
        self.executor.shutdown(wait=True, cancel_futures=False)
        self.jobs.close()
        self.job_clients.close()


def caller(who: Who) -> Caller:
    """Who asked, for the per-user and per-workspace LLM limits."""
    return Caller(user=who.key, workspace=f"slack:{who.team}")


def failure(exc: CoachError, language: Language, kind: Kind) -> Message:
    if isinstance(exc, EmptyInput):
        return notice(slack_text("empty_check" if kind == "check" else "empty_question", language))
    if isinstance(exc, InputTooLong):
        return notice(text("too_long", language, length=f"{exc.length:,}", limit=f"{exc.limit:,}"))
    log.warning("the coach could not %s: %s", kind, exc)
    return notice(text("error", language))


def check(
    deps: Deps,
    client: WebClient,
    who: Who,
    draft: str,
    note: Callable[[Language], str] | None = None,
    *,
    share: bool = True,
    channel: str = "",
) -> Message:
    fallback = deps.locales.language(client, who.user)
    try:
        review = deps.services.review.review(draft, fallback, caller=caller(who))
    except CoachError as exc:
        return failure(exc, fallback, "check")
    deps.usage.checked(Origin(who.team, channel, who.user), review, draft)
    if note:
        review = _with_note(review, note(review.language))
    reference = new_reference()
    message = review_message(review, deps.knowledge, reference, share=share)
    if share:  # only a Share button ever looks it up
        deps.results.put(reference, message)
    return message


def ask(
    deps: Deps,
    client: WebClient,
    who: Who,
    question: str,
    *,
    share: bool = True,
    channel: str = "",
) -> Message:
    fallback = deps.locales.language(client, who.user)
    try:
        answer = deps.services.answer.ask(question, fallback, caller=caller(who))
    except CoachError as exc:
        return failure(exc, fallback, "ask")
    deps.usage.asked(Origin(who.team, channel, who.user), answer, question)
    reference = new_reference()
    message = answer_message(answer, deps.knowledge, reference, share=share)
    if share:
        deps.results.put(reference, message)
    return message


def _with_note(review: Review, note: str) -> Review:
    return review.model_copy(update={"notes": (note, *review.notes)})


def reply_to_mention(deps: Deps, client: WebClient, mention: Mention) -> Message:
    """A question is answered; "check this" in a thread checks the thread's first message."""
    if mention.intent == "ask":
        return ask(deps, client, mention.who, mention.text, share=False, channel=mention.channel)
    if not mention.in_thread:
        if mention.text:
            return check(
                deps, client, mention.who, mention.text, share=False, channel=mention.channel
            )
        return notice(
            slack_text("nothing_to_check_here", deps.locales.language(client, mention.who.user))
        )
    return _check_thread(deps, client, mention)


def _check_thread(deps: Deps, client: WebClient, mention: Mention) -> Message:
    thread_ts = mention.thread_ts or mention.ts
    parent = read_parent(client, mention.channel, thread_ts, THREAD_READ_TIMEOUT)
    if isinstance(parent, str) and parent:
        return check(deps, client, mention.who, parent, share=False, channel=mention.channel)
    language = deps.locales.language(client, mention.who.user)
    if isinstance(parent, str):
        return notice(text("no_message_text", language))
    if mention.text:  # the thread could not be read: check what the mention itself says
        return check(
            deps,
            client,
            mention.who,
            mention.text,
            parent.note,
            share=False,
            channel=mention.channel,
        )
    return notice(parent.ask_for_draft(language))


def quick_client(client: WebClient, timeout: int) -> WebClient:
    """The same token and API, without retries: for calls that must not wait out a 429."""
    return WebClient(
        token=client.token, base_url=client.base_url, timeout=timeout, retry_handlers=[]
    )


def once(deps: Deps, keys: tuple[str, ...], work: Callable[[], None]) -> None:
    """Run `work` only for the first delivery known by any of `keys`."""
    if not deps.dedup.claim(keys):
        log.info("ignored a repeated delivery %s", keys)
        return
    try:
        work()
    except Exception:
        deps.dedup.release(keys)  # let Slack's retry try again
        raise


@contextmanager
def replying_on_failure(post: Callable[[Message], object], language: Language) -> Iterator[None]:
    """The error boundary of every listener: log with context, tell the user kindly."""
    try:
        yield
    except Exception:
        log.exception("a Slack listener failed")
        try:
            post(notice(text("error", language)))
        except (SlackApiError, SlackClientError, OSError):
            log.exception("could not tell the user about the failure either")
