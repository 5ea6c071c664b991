"""Teams' side of the reply queue (bot/services/jobs.py): what the endpoint queues for a
message, how any replica's worker answers it through the Bot Connector, and posts that happen
once.

A job carries the activity as the SDK parsed it (its `serviceUrl`, conversation and id are the
conversation reference the reply needs), the text with the bot's mention removed, and the
claims of the request's token that the SDK itself keeps for proactive messages
(`Conversation.claims_from_identity`). A worker rebuilds the identity from them and sends the
card with `continue_conversation_with_claims`, as a reply to the message, like the SDK does
inside a turn.

Teams' jobs have a huey queue of their own (`deps.QUEUE_NAME`) in the same tables as Slack's: a
worker that runs only Slack's kinds (a Slack-only replica, or an older one during a rolling
deploy) then never takes a Teams job it could not run.

Once: before it posts, a job claims `teams:reply:<job id>` in the de-duplication store. A job
run again after its worker died finds the claim and does not post again. Teams gives a bot no
way to read a conversation back (Slack's jobs look for their own earlier reply instead), so
the one case left is a worker killed between the claim and the connector taking the post (one
database write and one request): that reply is lost rather than sent twice. A post the
connector refuses with 5xx or 429, or cannot be reached for, is tried again for about half a
minute; one that still fails frees its claim, so a later run of the job may post it.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any, Literal

from aiohttp import ClientConnectionError, ClientResponseError
from microsoft_agents.activity import Activity
from microsoft_agents.hosting.aiohttp import CloudAdapter
from microsoft_agents.hosting.core import TurnContext
from microsoft_agents.hosting.core.app.proactive import Conversation
from microsoft_agents.hosting.core.authorization import ClaimsIdentity, Connections
from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_exponential

from bot.i18n import text
from bot.services.jobs import Job, JobQueue
from bot.teams.cards import Card, notice_card
from bot.teams.deps import TeamsDeps
from bot.teams.handlers.common import card_message
from bot.teams.incoming import fallback_language, who
from bot.teams.work import guarded, reply

log = logging.getLogger(__name__)


def _passing(error: BaseException) -> bool:
    """A connector failure worth another try: it was busy, down, or out of reach."""
    if isinstance(error, ClientResponseError):
        return error.status == 429 or error.status >= 500
    return isinstance(error, ClientConnectionError | TimeoutError)


# A passing connector outage (5xx, 429, a refused connection) delays a reply by up to about
# half a minute instead of losing it; a 4xx that is not 429 will not get better, so no retry.
SEND_RETRY: dict[str, Any] = {
    "retry": retry_if_exception(_passing),
    "wait": wait_exponential(multiplier=0.5, max=8),
    "stop": stop_after_attempt(6),
    "reraise": True,
}

MESSAGE = "teams.message"  # a mention or a 1:1 message: a review or an answer
POST_TIMEOUT = 60.0  # seconds a post may take before it counts as failed (and is retried)
Accepted = Literal["queued", "repeat", "busy", "unqueued"]


def delivery_keys(activity: Any) -> tuple[str, ...]:
    """Teams re-delivers with the same activity id in the same conversation."""
    return (f"teams:{activity.conversation.id}:{activity.id or activity.request_id}",)


def message_data(activity: Activity, identity: ClaimsIdentity | None, said: str) -> dict[str, Any]:
    return {
        "activity": activity.model_dump(mode="json", by_alias=True, exclude_none=True),
        "claims": Conversation.claims_from_identity(identity) if identity is not None else {},
        "said": said,
    }


def accept(deps: TeamsDeps, activity: Activity, job: Job) -> Accepted:
    """At ack time (blocking: run it off the event loop). A re-delivered activity is dropped
    here, so that every job is one message's first delivery."""
    keys = delivery_keys(activity)
    if not deps.dedup.claim(keys):
        return "repeat"
    try:
        if deps.jobs.submit(job):
            return "queued"
    except Exception as exc:  # the queue's database is away: the caller answers from here
        log.warning("could not queue a Teams reply (%s); running it in this process", exc)
        return "unqueued"
    deps.dedup.release(keys)  # nothing was done for it: a later delivery may try again
    log.warning("the reply queue is full (%d); told the user to try again", deps.jobs.max_backlog)
    return "busy"


def busy_card(activity: Activity, deps: TeamsDeps) -> Card:
    return notice_card(text("busy", fallback_language(activity, deps.settings.language)))


class _PostingLoop:
    """One event loop per process, on a thread of its own, for the worker threads' posts.
    A loop per post (`asyncio.run`) cost a new loop, its executor and its shutdown for every
    card: about a third of the time a post took in the worker."""

    _lock = threading.Lock()
    _loop: asyncio.AbstractEventLoop | None = None

    @classmethod
    def run(cls, work: Coroutine[Any, Any, None]) -> None:
        future = asyncio.run_coroutine_threadsafe(work, cls._running())
        try:
            future.result(POST_TIMEOUT)
        except TimeoutError:
            future.cancel()
            raise

    @classmethod
    def _running(cls) -> asyncio.AbstractEventLoop:
        with cls._lock:
            if cls._loop is None:
                loop = asyncio.new_event_loop()
                threading.Thread(
                    target=loop.run_forever, name="coach-teams-posts", daemon=True
                ).start()
                cls._loop = loop
            return cls._loop

    @classmethod
    def _forget(cls) -> None:  # a forked child has the loop but not its thread
        cls._lock = threading.Lock()
        cls._loop = None


os.register_at_fork(after_in_child=_PostingLoop._forget)


@dataclass
class TeamsReplies:
    """Runs `teams.message` jobs: the review or answer, then the card through the connector.
    `connections` hands out the bot's outbound tokens, as for the endpoint's own replies."""

    deps: TeamsDeps
    connections: Connections

    def __post_init__(self) -> None:
        self.adapter = CloudAdapter(connection_manager=self.connections)

    def register(self, queue: JobQueue) -> None:
        queue.register(MESSAGE, self.run, self.gave_up)

    def run(self, job: Job) -> None:
        activity = Activity.model_validate(job.data["activity"])
        language = fallback_language(activity, self.deps.settings.language)
        sender, said = who(activity), str(job.data.get("said") or "")
        card = guarded(lambda: reply(self.deps, sender, said, language), language)()
        self.post_once(job, activity, card)

    def gave_up(self, job: Job) -> None:
        activity = Activity.model_validate(job.data["activity"])
        language = fallback_language(activity, self.deps.settings.language)
        self.post_once(job, activity, notice_card(text("error", language)))

    def post_once(self, job: Job, activity: Activity, card: Card) -> None:
        key = (f"teams:reply:{job.id}",)
        if not self.deps.dedup.claim(key):
            log.info("job %s was answered before its worker died; not posting again", job.id)
            return
        claims = job.data.get("claims")
        identity = Conversation.identity_from_claims(claims if isinstance(claims, dict) else {})
        try:
            # Worker threads have no event loop: the posts share one (_PostingLoop).
            for attempt in Retrying(**SEND_RETRY):
                with attempt:
                    _PostingLoop.run(self._send(identity, activity, card))
        except BaseException:
            # The connector kept refusing, or never answered: the claim must not stop a later
            # run of this job (the sweeper's, after a crash) from posting.
            self.deps.dedup.release(key)
            raise

    async def _send(self, identity: ClaimsIdentity, activity: Activity, card: Card) -> None:
        async def send(turn: TurnContext) -> None:
            await turn.send_activity(card_message(card))

        await self.adapter.continue_conversation_with_claims(identity, activity, send)
