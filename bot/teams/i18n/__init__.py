"""Phrases only Teams shows (its own triggers, the welcome card's how-to, the message
extension); every phrase a Slack user sees too lives in `bot.i18n`. Same rules, same checks."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from bot import i18n
from bot.i18n.catalogue import Catalogue, load
from bot.models import Language

LOCALES = Path(__file__).parent / "locales"
DOMAIN = "teams"


@cache
def catalogue() -> Catalogue:
    return load(LOCALES, DOMAIN)


def teams_text(key: str, language: Language, **values: object) -> str:
    """The Teams-only phrase `key` in `language`; every placeholder must be given."""
    return catalogue().text(key, language, **values)


def load_catalogues() -> None:
    """Read and check both catalogues Teams shows (CatalogueError if one is broken), at
    start-up, so that a bad translation stops the server instead of failing a request."""
    i18n.catalogue()
    catalogue()
