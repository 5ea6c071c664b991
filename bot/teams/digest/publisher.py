"""Post a digest to a Teams channel: each week a new top-level post, through the Bot Connector.

A bot reaches a channel only through the connector that sent it the subscribing message, so
the subscription keeps that `serviceUrl`, the tenant and the bot's id. The post is a new
conversation in the channel (`POST {serviceUrl}v3/conversations` with the channel in
`channelData` and the card as its first activity): that is how Teams starts a new thread,
where sending to the channel's conversation id would reply in whatever thread it names.

The scheduler holds the claim (bot/services/scheduler.py); this module maps the connector's
answers onto it:

- accepted (201): the new activity's id is recorded at once (`posted`); the chart is inside
  the card, so the delivery is complete;
- 429 and 5xx, timeouts, dropped connections: transient — retried with backoff, and after
  the scheduler's last attempt recorded as failed with the error;
- other 4xx (the bot was removed from the team, the channel was deleted): a refusal, retried
  all the same (a person may fix it) but logged as such.

Unlike Slack, Teams gives a bot no way to read a channel's history, so after an attempt whose
outcome is unknown (the process died after the connector took the post but before the id was
written, or the answer was lost on the way back) the digest cannot be looked for: it is
posted again. That window is the few milliseconds between the connector's answer and the
database write, or a lost response; the delivery row still keeps every other case exactly
once, across any number of replicas.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping

from aiohttp import ClientError, ClientResponseError, ClientSession, ClientTimeout
from microsoft_agents.activity import (
    Activity,
    ActivityTypes,
    ChannelAccount,
    ConversationParameters,
)
from microsoft_agents.hosting.core import CardFactory
from microsoft_agents.hosting.core.authorization import AuthenticationConstants, Connections
from microsoft_agents.hosting.core.connector.client import ConnectorClient

from bot.models import Digest
from bot.services.chart import trap_chart
from bot.services.digest_sections import chart_labels, fallback_text
from bot.services.scheduler import PublishError
from bot.storage.deliveries import Claim
from bot.storage.subscriptions import SubscriptionRecord, TeamsReference
from bot.teams.digest.cards import Card, digest_card

log = logging.getLogger(__name__)

AUDIENCE = AuthenticationConstants.AGENTS_SDK_SCOPE  # https://api.botframework.com
TIMEOUT_SECONDS = 30.0
_TRANSIENT = {408, 425, 429}


class TeamsDigestPublisher:
    """`connections` hands out the bot's outbound tokens (the app's MSAL connection manager);
    None means the anonymous development mode, where the connector gets no token."""

    def __init__(
        self, connections: Connections | None, *, timeout: float = TIMEOUT_SECONDS
    ) -> None:
        self.connections = connections
        self.timeout = timeout

    def publish(
        self,
        claim: Claim,
        digest: Digest,
        posted: Callable[[str], object],
        subscription: SubscriptionRecord,
    ) -> bool:
        reference = subscription.teams
        if subscription.platform != "teams" or reference is None:
            raise PublishError(f"{claim.channel} has no Teams conversation reference")
        if claim.message_ts is not None:
            return True  # an earlier attempt posted it and recorded the id; the card is whole
        card = digest_card(digest, render_chart(digest))
        # The scheduler runs on a thread of its own; each post gets a short-lived event loop.
        activity_id = asyncio.run(self._post(reference, claim.channel, card, digest))
        posted(activity_id)
        return True

    async def _post(
        self, reference: TeamsReference, channel: str, card: Card, digest: Digest
    ) -> str:
        token = await self._token()
        base = reference.service_url.rstrip("/") + "/"
        try:
            async with ClientSession(
                base_url=base, timeout=ClientTimeout(total=self.timeout)
            ) as session:
                client = ConnectorClient(base, token, session=session)
                created = await client.conversations.create_conversation(
                    _new_thread(reference, channel, card, digest)
                )
        except ClientResponseError as exc:
            raise _refused(exc) from exc
        except (ClientError, TimeoutError) as exc:
            raise PublishError(f"connector: {type(exc).__name__}", transient=True) from exc
        activity_id = created.activity_id or created.id
        if not activity_id:
            raise PublishError("connector: the new post has no id", transient=True)
        return str(activity_id)

    async def _token(self) -> str:
        if self.connections is None:
            return ""
        provider = self.connections.get_default_connection()
        try:
            return str(await provider.get_access_token(AUDIENCE, [f"{AUDIENCE}/.default"]))
        except Exception as exc:  # MSAL raises its own types; any of them means "no token"
            raise PublishError(
                f"no token for the Bot Connector ({type(exc).__name__})", transient=True
            ) from exc


def _new_thread(
    reference: TeamsReference, channel: str, card: Card, digest: Digest
) -> ConversationParameters:
    activity = Activity(
        type=ActivityTypes.message,
        attachments=[CardFactory.adaptive_card(card)],
        summary=fallback_text(digest),
    )
    # The wire names: the model's own field for the bot is aliased ("agent" → "bot").
    return ConversationParameters.model_validate(
        {
            "isGroup": True,
            "bot": ChannelAccount(id=reference.bot_id),
            "channelData": {"channel": {"id": channel}, "tenant": {"id": reference.tenant}},
            "activity": activity,
            "tenantId": reference.tenant,
        }
    )


def render_chart(digest: Digest) -> bytes | None:
    """The chart's PNG, or None when no trap moved in either week (nothing to draw)."""
    if not digest.has_chart:
        return None
    return trap_chart(digest.traps, chart_labels(digest.language)).png


def _refused(exc: ClientResponseError) -> PublishError:
    found = exc.headers.get("Retry-After") if isinstance(exc.headers, Mapping) else None
    retry_after = str(found or "")
    seconds = float(retry_after) if retry_after.isdigit() else None
    transient = exc.status >= 500 or exc.status in _TRANSIENT or seconds is not None
    if not transient:
        log.warning(
            "the Bot Connector refused a digest (%s): check the bot is in the team", exc.status
        )
    return PublishError(f"connector: HTTP {exc.status}", seconds, transient=transient)
