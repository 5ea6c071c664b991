"""`/coach digest …` arguments: the grammar is transport-neutral and lives in
bot/services/digest_args.py (Teams' `@Coach digest …` shares it); re-exported here."""

from bot.services.digest_args import (
    WEEKDAYS,
    Action,
    DigestArgs,
    DigestUsageError,
    parse_digest,
)

__all__ = ["WEEKDAYS", "Action", "DigestArgs", "DigestUsageError", "parse_digest"]
