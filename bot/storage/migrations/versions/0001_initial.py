"""Usage, feedback, event de-duplication, digest subscriptions and deliveries, and the tables
of slack_sdk's SQLAlchemy installation and OAuth state stores (multi-workspace installs).

Revision ID: 0001
Revises:
Create Date: 2026-03-09
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
SHORT = 32


def upgrade() -> None:
    _usage()
    _digest()
    _slack_stores()


def _usage() -> None:
    op.create_table(
        "usage_events",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("workspace", sa.String(SHORT), nullable=False),
        sa.Column("channel", sa.String(SHORT), nullable=False),
        sa.Column("user", sa.String(SHORT), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("topic", sa.SmallInteger(), nullable=True),
        sa.Column("engine", sa.String(16), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
    )
    op.create_index("ix_usage_events_workspace_at", "usage_events", ["workspace", "at"])
    op.create_table(
        "usage_traps",
        sa.Column(
            "event_id",
            ID,
            sa.ForeignKey("usage_events.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("trap", sa.SmallInteger(), primary_key=True),
    )
    op.create_table(
        "feedback",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("workspace", sa.String(SHORT), nullable=False),
        sa.Column("channel", sa.String(SHORT), nullable=False),
        sa.Column("user", sa.String(200), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("rating", sa.String(16), nullable=False),
        sa.Column("subject", sa.String(16), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("topics", sa.String(64), nullable=False),
        sa.Column("reference", sa.String(64), nullable=False),
    )
    op.create_index("ix_feedback_workspace_at", "feedback", ["workspace", "at"])
    op.create_table(
        "dedup_keys",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_dedup_keys_expires_at", "dedup_keys", ["expires_at"])


def _digest() -> None:
    op.create_table(
        "digest_subscriptions",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("workspace", sa.String(SHORT), nullable=False),
        sa.Column("enterprise", sa.String(SHORT), nullable=True),
        sa.Column("channel", sa.String(SHORT), nullable=False),
        sa.Column("scope", sa.String(16), nullable=False),
        sa.Column("weekday", sa.SmallInteger(), nullable=False),
        sa.Column("hour", sa.SmallInteger(), nullable=False),
        sa.Column("minute", sa.SmallInteger(), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("created_by", sa.String(SHORT), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("workspace", "channel", name="uq_subscription_channel"),
    )
    op.create_table(
        "digest_deliveries",
        sa.Column("id", sa.String(SHORT), primary_key=True),
        sa.Column("workspace", sa.String(SHORT), nullable=False),
        sa.Column("channel", sa.String(SHORT), nullable=False),
        sa.Column("week", sa.String(8), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("owner", sa.String(SHORT), nullable=True),
        sa.Column("lease_until", sa.DateTime(), nullable=True),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("message_ts", sa.String(SHORT), nullable=True),
        sa.Column("chart_done", sa.Boolean(), nullable=False),
        sa.Column("last_error", sa.String(200), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("workspace", "channel", "week", name="uq_delivery_week"),
    )
    op.create_index("ix_digest_deliveries_state", "digest_deliveries", ["state", "week"])


def _slack_stores() -> None:
    """The tables slack_sdk's SQLAlchemyInstallationStore and SQLAlchemyOAuthStateStore use
    (slack_sdk 3.47), created here so that one migration history owns the whole schema."""
    op.create_table(
        "slack_bots",
        *_installed_by(),
        sa.Column("team_id", sa.String(32)),
        sa.Column("team_name", sa.String(200)),
        *_bot(),
        sa.Column("is_enterprise_install", sa.Boolean(), nullable=False),
        sa.Column("installed_at", sa.DateTime(), nullable=False),
    )
    op.create_index(
        "slack_bots_idx",
        "slack_bots",
        ["client_id", "enterprise_id", "team_id", "installed_at"],
    )
    op.create_table(
        "slack_installations",
        *_installed_by(),
        sa.Column("enterprise_url", sa.String(200)),
        sa.Column("team_id", sa.String(32)),
        sa.Column("team_name", sa.String(200)),
        *_bot(),
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("user_token", sa.String(200)),
        sa.Column("user_scopes", sa.String(1000)),
        sa.Column("user_refresh_token", sa.String(200)),
        sa.Column("user_token_expires_at", sa.DateTime()),
        sa.Column("incoming_webhook_url", sa.String(200)),
        sa.Column("incoming_webhook_channel", sa.String(200)),
        sa.Column("incoming_webhook_channel_id", sa.String(200)),
        sa.Column("incoming_webhook_configuration_url", sa.String(200)),
        sa.Column("is_enterprise_install", sa.Boolean(), nullable=False),
        sa.Column("token_type", sa.String(32)),
        sa.Column("installed_at", sa.DateTime(), nullable=False),
    )
    op.create_index(
        "slack_installations_idx",
        "slack_installations",
        ["client_id", "enterprise_id", "team_id", "user_id", "installed_at"],
    )
    op.create_table(
        "slack_oauth_states",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("state", sa.String(200), nullable=False),
        sa.Column("expire_at", sa.DateTime(), nullable=False),
    )


def _installed_by() -> list[sa.Column[object]]:
    return [
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("client_id", sa.String(32), nullable=False),
        sa.Column("app_id", sa.String(32), nullable=False),
        sa.Column("enterprise_id", sa.String(32)),
        sa.Column("enterprise_name", sa.String(200)),
    ]


def _bot() -> list[sa.Column[object]]:
    return [
        sa.Column("bot_token", sa.String(200)),
        sa.Column("bot_id", sa.String(32)),
        sa.Column("bot_user_id", sa.String(32)),
        sa.Column("bot_scopes", sa.String(1000)),
        sa.Column("bot_refresh_token", sa.String(200)),
        sa.Column("bot_token_expires_at", sa.DateTime()),
    ]


def downgrade() -> None:
    for table in (
        "slack_oauth_states",
        "slack_installations",
        "slack_bots",
        "digest_deliveries",
        "digest_subscriptions",
        "dedup_keys",
        "feedback",
        "usage_traps",
        "usage_events",
    ):
        op.drop_table(table)
