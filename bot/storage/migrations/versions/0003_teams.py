"""Teams beside Slack: ids long enough for Teams, and digest subscriptions that know their
platform and keep what a proactive Teams post needs (service URL, tenant, team, bot id).

Teams ids do not fit the 32 characters Slack's did: a channel is "19:…@thread.tacv2", tenants
and users are GUIDs, 1:1 chats are longer still. Existing rows are all Slack's and become
`platform = 'slack'`.

Going down removes what the old schema cannot hold (Teams subscriptions and any row whose ids
are longer than 32 characters) before the columns shrink back; that is data loss by design,
because the older code could not use those rows anyway.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

OLD, NEW = 32, 255
# (table, columns) whose Slack-sized ids widen
WIDENED = (
    ("usage_events", ("workspace", "channel", "user")),
    ("feedback", ("workspace", "channel")),
    ("digest_subscriptions", ("workspace", "enterprise", "channel", "created_by")),
    ("digest_deliveries", ("workspace", "channel", "message_ts")),
)
NULLABLE = {"enterprise", "message_ts"}
TEAMS_COLUMNS = (("service_url", 512), ("tenant", NEW), ("team", NEW), ("bot_id", NEW))


def upgrade() -> None:
    _resize(OLD, NEW)
    with op.batch_alter_table("digest_subscriptions") as batch:
        batch.add_column(
            sa.Column("platform", sa.String(16), nullable=False, server_default="slack")
        )
        for name, length in TEAMS_COLUMNS:
            batch.add_column(sa.Column(name, sa.String(length), nullable=True))


def downgrade() -> None:
    subscriptions = sa.table("digest_subscriptions", sa.column("platform"))
    op.execute(sa.delete(subscriptions).where(subscriptions.c.platform != "slack"))
    for name, columns in WIDENED:
        table = sa.table(name, sa.column("id"), *(sa.column(c) for c in columns))
        too_long = sa.or_(*(sa.func.length(table.c[c]) > OLD for c in columns))
        if name == "usage_events":  # SQLite may not cascade: remove the children first
            traps = sa.table("usage_traps", sa.column("event_id"))
            doomed = sa.select(table.c.id).where(too_long)
            op.execute(sa.delete(traps).where(traps.c.event_id.in_(doomed)))
        op.execute(sa.delete(table).where(too_long))
    with op.batch_alter_table("digest_subscriptions") as batch:
        for name, _ in TEAMS_COLUMNS:
            batch.drop_column(name)
        batch.drop_column("platform")
    _resize(NEW, OLD)


def _resize(before: int, after: int) -> None:
    for table, columns in WIDENED:
        with op.batch_alter_table(table) as batch:
            for name in columns:
                batch.alter_column(
                    name,
                    existing_type=sa.String(before),
                    type_=sa.String(after),
                    existing_nullable=name in NULLABLE,
                )
