"""Slack's side of the reply queue: what a listener queues, how a worker rebuilds the request's
client and `respond`, the busy reply past the backlog bound, and posts that happen once.

A job carries the request as Slack sent it (the event envelope or the command's form) plus
what Bolt had worked out at ack time (the bot's user id, the workspace); any replica's worker
can then do the work. Posts in a thread carry the job id as message metadata: a job run again
after a crash first looks in the thread for its own earlier reply (see `post_once`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.config import Settings
from bot.i18n import text
from bot.observability.context import current_request_id
from bot.services.jobs import Job, JobQueue
from bot.services.queue_backend import open_huey, queue_location
from bot.slack.blocks import Message, notice
from bot.slack.keepalive import Connections, KeepAliveWebClient
from bot.slack.oauth import WorkspaceClients
from bot.slack.retries import RetryingRespond, retry_handlers

if TYPE_CHECKING:
    from slack_sdk.oauth.installation_store import InstallationStore

    from bot.observability.metrics import Metrics
    from bot.slack.work import Deps

log = logging.getLogger(__name__)

EVENT, COMMAND, SHORTCUT, VIEW = "slack.event", "slack.command", "slack.shortcut", "slack.view"
MARK = "coach_reply"  # the metadata event_type of replies posted by a job
API_TIMEOUT = 10
MAX_CLIENTS = 1000  # Web API clients kept, one per workspace token


def open_queue(settings: Settings, metrics: Metrics | None = None) -> JobQueue:
    location = queue_location(settings.queue_url, settings.database_url, settings.data_dir)
    return JobQueue(
        open_huey(location),
        max_backlog=settings.queue_max_backlog,
        dead_after=settings.queue_dead_after,
        count=metrics.job if metrics is not None else None,
    )


def job_data(
    body: Mapping[str, Any], team: str | None, enterprise: str | None, **extra: Any
) -> dict[str, Any]:
    return {"body": dict(body), "team": team or "", "enterprise": enterprise, **extra}


def submit(deps: Deps, kind: str, data: dict[str, Any], busy: Callable[[Message], object]) -> None:
    """Queue the work; past the backlog bound, `busy` gets the polite "try again" instead."""
    job = Job.new(kind, data, current_request_id())
    try:
        if deps.jobs.submit(job):
            return
    except Exception as exc:  # the queue's database is away: answer from here, as before
        log.warning("could not queue a %s job (%s); running it in this process", kind, exc)
        deps.later(lambda: deps.jobs.run_here(job))
        return
    log.warning("the reply queue is full (%d); told the user to try again", deps.jobs.max_backlog)
    busy(notice(text("busy", deps.locales.cached(_user(data["body"])))))


def _user(body: Mapping[str, Any]) -> str:
    event = body.get("event")
    if isinstance(event, Mapping) and isinstance(event.get("user"), str):
        return str(event["user"])
    user = body.get("user")
    if isinstance(user, Mapping):
        return str(user.get("id") or "")
    return str(body.get("user_id") or "")


class JobClients:
    """Web API clients for jobs: the workspace's token (SLACK_BOT_TOKEN, or the installation
    store's in multi-workspace mode), with the same retries as the listeners' clients. One
    client per token, over each worker thread's kept-alive connections (bot/slack/keepalive.py):
    a client and a connection per job cost the worker more than the post itself."""

    def __init__(
        self, settings: Settings, store: InstallationStore | None, metrics: Metrics | None
    ) -> None:
        self.tokens = WorkspaceClients(settings, store)
        self.handlers = retry_handlers(metrics)
        self.respond_handlers = retry_handlers(metrics, "response_url")
        self.connections = Connections()
        self._clients: dict[tuple[str, str], WebClient] = {}
        self._lock = threading.Lock()

    def client(self, job: Job) -> WebClient:
        found = self.tokens.client(str(job.data.get("team") or ""), job.data.get("enterprise"))
        if found is None:
            raise LookupError(f"no bot token for workspace {job.data.get('team')}")
        key = (found.token or "", found.base_url)
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                if len(self._clients) >= MAX_CLIENTS:  # tokens rotate: keep the newest only
                    self._clients.clear()
                client = self._clients[key] = KeepAliveWebClient(
                    token=found.token,
                    base_url=found.base_url,
                    timeout=API_TIMEOUT,
                    retry_handlers=self.handlers,
                    connections=self.connections,
                )
        return client

    def close(self) -> None:
        self.connections.close()

    def respond(self, job: Job) -> RetryingRespond:
        body = job.data["body"]
        return RetryingRespond(body.get("response_url"), self.respond_handlers, self.connections)


def marked(job: Job) -> dict[str, Any]:
    return {"event_type": MARK, "event_payload": {"job_id": job.id}}


def post_once(client: WebClient, job: Job, channel: str, thread_ts: str, message: Message) -> None:
    """chat.postMessage into a thread, unless an earlier run of this job already did."""
    if job.attempts > 1 and _already_posted(client, job, channel, thread_ts):
        log.info("job %s was answered before its worker died; not posting again", job.id)
        return
    client.chat_postMessage(
        channel=channel, thread_ts=thread_ts, metadata=marked(job), **message.as_kwargs()
    )


def _already_posted(client: WebClient, job: Job, channel: str, thread_ts: str) -> bool:
    try:
        response = client.conversations_replies(
            channel=channel, ts=thread_ts, limit=200, include_all_metadata=True
        )
    except (SlackApiError, SlackClientError) as exc:
        log.warning("could not look for job %s's earlier reply: %s", job.id, exc)
        return False  # better a rare second answer than none
    for message in response.get("messages") or []:
        found = message.get("metadata") or {}
        if (
            found.get("event_type") == MARK
            and (found.get("event_payload") or {}).get("job_id") == job.id
        ):
            return True
    return False
