"""Post a digest to Slack exactly once: the message, then its chart in the thread.

The scheduler holds the claim; this module makes each step safe to repeat:

1. The message carries Slack message metadata (event_type "coach_digest", the digest id).
   When an earlier attempt's outcome is unknown (the process died, or the connection dropped
   after Slack may have taken the post), conversations.history is searched for that mark
   first, and a message found there is the digest: it is not posted again.
2. The message's ts is recorded in the database as soon as Slack returns it.
3. The chart goes into the message's thread with files_upload_v2, under a file name carrying
   the digest id; after an unknown outcome the thread is searched for it first.

A 429 or a dropped connection fails the attempt (it is retried later); a refusal that will not
change (say the token lacks files:write) drops only the chart, after logging why.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.models import Digest
from bot.services.chart import trap_chart
from bot.services.digest_sections import chart_labels
from bot.services.scheduler import PublishError
from bot.slack.digest.blocks import EVENT_TYPE, chart_alt_text, digest_message, metadata
from bot.slack.oauth import WorkspaceClients
from bot.storage.deliveries import Claim
from bot.storage.subscriptions import SubscriptionRecord

log = logging.getLogger(__name__)

HISTORY_PAGES = 10  # 2,000 messages since the first attempt: far more than a retry lets pass
PAGE_SIZE = 200
# Our own messages are never older than the first attempt; a minute covers clock skew.
SKEW_SECONDS = 60
_TRANSIENT = {
    "ratelimited",
    "internal_error",
    "fatal_error",
    "service_unavailable",
    "request_timeout",
}


def chart_filename(digest_id: str) -> str:
    return f"coach-digest-{digest_id}.png"


class SlackDigestPublisher:
    def __init__(self, clients: WorkspaceClients) -> None:
        self.clients = clients

    def publish(
        self,
        claim: Claim,
        digest: Digest,
        posted: Callable[[str], object],
        subscription: SubscriptionRecord,
    ) -> bool:
        client = self.clients.client(claim.workspace, subscription.enterprise)
        if client is None:
            raise PublishError(f"no bot token for workspace {claim.workspace}")
        ts = claim.message_ts
        if ts is None and claim.retried:
            ts = _find_message(client, claim)
        fresh = ts is None
        if ts is None:
            ts = _post(client, claim, digest)
        if ts != claim.message_ts:
            posted(ts)
        if claim.chart_done or not digest.has_chart:
            return True
        if not fresh and _chart_in_thread(client, claim, ts):
            return True
        return _upload_chart(client, claim, digest, ts)


def _post(client: WebClient, claim: Claim, digest: Digest) -> str:
    message = digest_message(digest, chart=True)
    with _failing("chat.postMessage"):
        response = client.chat_postMessage(
            channel=claim.channel,
            metadata=metadata(claim.id, claim.week),
            unfurl_links=False,
            unfurl_media=False,
            **message.as_kwargs(),
        )
    return str(response["ts"])


def _find_message(client: WebClient, claim: Claim) -> str | None:
    oldest = f"{claim.created_at.timestamp() - SKEW_SECONDS:.6f}"
    for message in _pages(client, "conversations.history", channel=claim.channel, oldest=oldest):
        found = message.get("metadata") or {}
        payload = found.get("event_payload") or {}
        if found.get("event_type") == EVENT_TYPE and payload.get("digest_id") == claim.id:
            log.info(
                "digest %s was already posted (%s); not posting it again", claim.id, message["ts"]
            )
            return str(message["ts"])
    return None


def _chart_in_thread(client: WebClient, claim: Claim, ts: str) -> bool:
    name = chart_filename(claim.id)
    for message in _pages(client, "conversations.replies", channel=claim.channel, ts=ts):
        if any(f.get("name") == name for f in message.get("files") or []):
            return True
    return False


def _pages(client: WebClient, method: str, **arguments: Any) -> Iterator[dict[str, Any]]:
    cursor = None
    for _ in range(HISTORY_PAGES):
        with _failing(method):
            if method == "conversations.history":
                response = client.conversations_history(
                    limit=PAGE_SIZE, include_all_metadata=True, cursor=cursor, **arguments
                )
            else:
                response = client.conversations_replies(limit=PAGE_SIZE, cursor=cursor, **arguments)
        yield from response.get("messages") or []
        cursor = (response.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            return


def _upload_chart(client: WebClient, claim: Claim, digest: Digest, ts: str) -> bool:
    labels = chart_labels(digest.language)
    chart = trap_chart(digest.traps, labels)
    try:
        with _failing("files_upload_v2"):
            client.files_upload_v2(
                channel=claim.channel,
                thread_ts=ts,
                file=chart.png,
                filename=chart_filename(claim.id),
                title=labels.title,
                alt_txt=chart_alt_text(digest),
            )
    except PublishError as exc:
        if exc.transient:
            raise  # the message stays recorded; the next attempt only uploads the chart
        log.warning("digest %s: posted without its chart (%s)", claim.id, exc)
        return False
    return True


@contextmanager
def _failing(method: str) -> Iterator[None]:
    """Slack errors → PublishError; transient ones say so (with Retry-After when given)."""
    try:
        yield
    except SlackApiError as exc:
        error = str(exc.response.get("error") or exc.response.status_code)
        retry_after = exc.response.headers.get("Retry-After")
        seconds = float(retry_after) if str(retry_after or "").isdigit() else None
        transient = error in _TRANSIENT or exc.response.status_code >= 500 or seconds is not None
        raise PublishError(f"{method}: {error}", seconds, transient=transient) from exc
    except (SlackClientError, OSError) as exc:
        # A timeout or dropped connection: Slack may or may not have taken the call.
        raise PublishError(f"{method}: {type(exc).__name__}", transient=True) from exc
