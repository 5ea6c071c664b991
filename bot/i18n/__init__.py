"""The one vocabulary every front end shows: findings, advice, feedback, digest headings, errors.

Phrases here are plain text with {placeholders}, no markup: each transport adds its own
(mrkdwn, Adaptive Card styles) around them or in the values it passes. Phrases that only
make sense on one platform (slash commands, Slack's "Share in channel") live in that
transport's own domain. See docs/translating.md.

    text("advice", "de")                     -> "Was hilft"
    plural("review_found", 3, "it")          -> "3 possibili trappole trovate"
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from bot.i18n.catalogue import Catalogue, CatalogueError, load, placeholders
from bot.models import LANGUAGES, Language

LOCALES = Path(__file__).parent / "locales"
DOMAIN = "coach"

_LOCALE_LANGUAGES: dict[str, Language] = {language: language for language in LANGUAGES}


@cache
def catalogue() -> Catalogue:
    """The shared catalogue, read and checked once; call it at start-up to fail early."""
    return load(LOCALES, DOMAIN)


def text(key: str, language: Language, **values: object) -> str:
    """The phrase `key` in `language`; every placeholder must be given (KeyError if not)."""
    return catalogue().text(key, language, **values)


def plural(key: str, count: int, language: Language, **values: object) -> str:
    """The form of `key` for `count` items ({count} is filled in too)."""
    return catalogue().plural(key, count, language, **values)


def language_of_locale(locale: str | None) -> Language | None:
    """`de-DE` (Slack, Teams) or `de_CH` → `de`; None for a locale the coach does not speak."""
    if not locale:
        return None
    return _LOCALE_LANGUAGES.get(locale.split("-")[0].split("_")[0].lower())


__all__ = [
    "DOMAIN",
    "LOCALES",
    "Catalogue",
    "CatalogueError",
    "catalogue",
    "language_of_locale",
    "placeholders",
    "plural",
    "text",
]
