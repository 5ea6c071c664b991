"""Feedback becomes a vote: one row per user and result.

Two clicks on a feedback button used to store two rows (and the digest counted clicks). The
rows that repeat a user's vote on the same result are collapsed to the newest one, which is the
vote the user left last; then a unique index on (user, reference) keeps it that way for the
upsert in bot/storage/records.py. Rows without a reference (none are written today) cannot be
told apart and stay as they are: the index leaves them out.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_HAS_REFERENCE = "reference <> ''"


def upgrade() -> None:
    feedback = sa.table("feedback", sa.column("id"), sa.column("user"), sa.column("reference"))
    newest = (
        sa.select(sa.func.max(feedback.c.id))
        .where(feedback.c.reference != "")
        .group_by(feedback.c.user, feedback.c.reference)
    )
    # In a subquery of its own: MySQL-style engines refuse a DELETE reading its own table, and
    # on SQLite and PostgreSQL it costs nothing.
    keep = sa.select(newest.subquery().c[0])
    op.execute(sa.delete(feedback).where(feedback.c.reference != "", feedback.c.id.not_in(keep)))
    op.create_index(
        "uq_feedback_vote",
        "feedback",
        ["user", "reference"],
        unique=True,
        sqlite_where=sa.text(_HAS_REFERENCE),
        postgresql_where=sa.text(_HAS_REFERENCE),
    )


def downgrade() -> None:
    # The collapsed duplicates are gone for good; they were repeated clicks, not votes.
    op.drop_index("uq_feedback_vote", table_name="feedback")
