"""The discreet notes a reply carries when the LLM path did not give the whole answer.

Their wording lives in the shared catalogue (bot/i18n) as `note_<key>`, beside every other
phrase a user sees."""

from __future__ import annotations

from bot.i18n import text
from bot.models import Language


def note(key: str, language: Language, **values: object) -> str:
    return text(f"note_{key}", language, **values)
