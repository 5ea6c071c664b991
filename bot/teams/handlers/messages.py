"""Messages: an @mention in a channel or group chat, or anything in the 1:1 chat, answers a
question or checks a draft (the same triggers as Slack's).

The endpoint only queues the work and answers 202 (an LLM answer may take far longer than
Teams waits for a POST); a worker sends the card through the connector (bot/teams/jobs.py).
Past the queue's bound the user gets the polite "busy, try again" at once instead.
"""

from __future__ import annotations

import asyncio
import logging

from microsoft_agents.activity import ActivityTypes
from microsoft_agents.hosting.core import AgentApplication, RouteRank, TurnContext, TurnState

from bot.observability.context import carried, current_request_id
from bot.services.jobs import Job
from bot.teams.deps import TeamsDeps
from bot.teams.handlers.common import card_message
from bot.teams.incoming import plain_text
from bot.teams.jobs import MESSAGE, accept, busy_card, message_data

log = logging.getLogger(__name__)


def is_text_message(context: TurnContext) -> bool:
    activity = context.activity
    return activity.type == ActivityTypes.message and not isinstance(activity.value, dict)


def register(app: AgentApplication[TurnState], deps: TeamsDeps) -> None:
    async def on_message(context: TurnContext, state: TurnState) -> None:
        activity = context.activity
        data = message_data(activity, context.identity, plain_text(activity.text or ""))
        job = Job(kind=MESSAGE, data=data, request_id=current_request_id())
        # The claim and the enqueue wait on the database: off the event loop, and off the
        # executor too, so that invokes being checked there never hold up an ack. (asyncio's
        # default executor has only cores + 4 threads: a burst's acks then shared commits
        # of at most six.)
        loop = asyncio.get_running_loop()
        accepted = await loop.run_in_executor(
            deps.acks, carried(lambda: accept(deps, activity, job))
        )
        if accepted == "repeat":
            log.info("ignored a repeated Teams delivery %s", activity.id)
        elif accepted == "unqueued":
            loop.run_in_executor(deps.executor, lambda: deps.jobs.run_here(job))
        elif accepted == "busy":
            try:
                await context.send_activity(card_message(busy_card(activity, deps)))
            except Exception:
                log.exception("could not tell a Teams user the coach is busy")

    # Last, so that commands (the digest) registered before it are tried first.
    app.add_route(is_text_message, on_message, rank=RouteRank.LAST)
