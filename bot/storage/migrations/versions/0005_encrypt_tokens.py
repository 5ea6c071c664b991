"""Workspace tokens encrypted at rest.

The token columns of slack_sdk's installation tables are widened to hold Fernet tokens, and
the tokens already stored are encrypted, when the key is at hand: `coach db upgrade` and the
start-up of `coach serve` / `coach socket` pass COACH_TOKEN_KEYS to the migration (as the
Alembic attribute "token_keys"). A migration run without a key (single-workspace mode, where
these tables stay empty) only widens the columns; then the first start in multi-workspace mode,
which refuses to run without a key, encrypts whatever is still plain (bot/slack/token_store.py
calls the same `seal_tokens`), as does `coach db encrypt-tokens`.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context, op

from bot.storage.token_cipher import STORED_TOKEN_LENGTH, TOKEN_COLUMNS, TokenCipher, seal_tokens

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_SLACK_LENGTH = 200  # slack_sdk's own column length


def upgrade() -> None:
    _resize(_SLACK_LENGTH, STORED_TOKEN_LENGTH)
    keys = context.config.attributes.get("token_keys")
    if keys:
        seal_tokens(op.get_bind(), TokenCipher(keys))


def downgrade() -> None:
    # Encrypted tokens do not fit slack_sdk's columns, and a plain copy is what this revision
    # exists to avoid: decrypt them first (there is no command for that on purpose).
    _resize(STORED_TOKEN_LENGTH, _SLACK_LENGTH)


def _resize(old: int, new: int) -> None:
    for name, columns in TOKEN_COLUMNS.items():
        with op.batch_alter_table(name) as batch:
            for column in columns:
                batch.alter_column(
                    column, type_=sa.String(new), existing_type=sa.String(old), nullable=True
                )
