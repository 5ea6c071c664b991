"""Multi-workspace install (Slack's OAuth flow) and the bot token for each workspace.

With SLACK_CLIENT_ID and SLACK_CLIENT_SECRET set, Bolt serves /slack/install and
/slack/oauth_redirect, and keeps each workspace's bot token in the database through
slack_sdk's SQLAlchemy installation store; the OAuth `state` values live in the same database,
so any replica can finish an install another one started. Without them, the coach runs in
single-workspace mode with SLACK_BOT_TOKEN.
"""

from __future__ import annotations

import logging

from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from slack_sdk.oauth.installation_store import InstallationStore
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

from bot.config import Settings
from bot.slack.token_store import EncryptedInstallationStore
from bot.storage.db import Database
from bot.storage.token_cipher import GENERATE_HINT, TokenCipher, TokenKeyError

log = logging.getLogger(__name__)

# The bot scopes of manifest.json (a test keeps the two equal).
BOT_SCOPES = (
    "app_mentions:read",
    "assistant:write",
    "channels:history",
    "chat:write",
    "commands",
    "files:write",
    "groups:history",
    "im:history",
    "mpim:history",
    "users:read",
)
STATE_SECONDS = 600  # how long an "Add to Slack" click may take to come back
DIGEST_TIMEOUT = 10  # seconds per Web API call while posting a digest


def installation_store(settings: Settings, database: Database) -> SQLAlchemyInstallationStore:
    """The tables come from our migrations (never create_tables()), on the coach's database;
    the tokens in them are encrypted with COACH_TOKEN_KEYS, which this mode cannot run without.
    Raises TokenKeyError when the key is missing, malformed or cannot read the stored tokens."""
    assert settings.slack_client_id is not None
    if not settings.token_key_list:
        raise TokenKeyError(
            "COACH_TOKEN_KEYS is not set; multi-workspace mode (SLACK_CLIENT_ID and "
            "SLACK_CLIENT_SECRET) keeps every workspace's bot token encrypted with it; "
            + GENERATE_HINT
        )
    store = EncryptedInstallationStore(
        client_id=settings.slack_client_id,
        engine=database.engine,
        cipher=TokenCipher(settings.token_key_list),
        logger=logging.getLogger("bot.slack.installations"),
    )
    store.seal()
    return store


def oauth_settings(
    settings: Settings, store: InstallationStore, database: Database
) -> OAuthSettings:
    assert settings.slack_client_id is not None and settings.slack_client_secret is not None
    return OAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret.get_secret_value(),
        scopes=list(BOT_SCOPES),
        installation_store=store,
        # Only the bot token is used, so authorizing looks up the bot, not each user.
        installation_store_bot_only=True,
        state_store=SQLAlchemyOAuthStateStore(
            expiration_seconds=STATE_SECONDS,
            engine=database.engine,
            logger=logging.getLogger("bot.slack.oauth_states"),
        ),
        state_expiration_seconds=STATE_SECONDS,
    )


class WorkspaceClients:
    """A Web API client with the bot token of a workspace, for work outside a request (the
    digest): the installation store's token in multi-workspace mode, else SLACK_BOT_TOKEN."""

    def __init__(self, settings: Settings, store: InstallationStore | None = None) -> None:
        self.settings = settings
        self.store = store

    def client(self, workspace: str, enterprise: str | None = None) -> WebClient | None:
        token = self._token(workspace, enterprise)
        if token is None:
            return None
        base_url = self.settings.slack_api_url
        return WebClient(
            token=token,
            base_url=base_url if base_url.endswith("/") else base_url + "/",
            timeout=DIGEST_TIMEOUT,
            # No retries in the client: a dropped connection may hide a post that went
            # through, and a 429's wait belongs in the database (the delivery's next attempt
            # honours Retry-After), not in a thread holding the delivery's lease.
            retry_handlers=[],
        )

    def _token(self, workspace: str, enterprise: str | None) -> str | None:
        if self.store is None:
            secret = self.settings.slack_bot_token
            return secret.get_secret_value() if secret else None
        bot = self.store.find_bot(enterprise_id=enterprise, team_id=workspace)
        if bot is None and enterprise:  # an org-wide install holds one token for the org
            bot = self.store.find_bot(
                enterprise_id=enterprise, team_id=None, is_enterprise_install=True
            )
        return bot.bot_token if bot else None
