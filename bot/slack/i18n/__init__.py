"""Phrases only Slack shows: slash-command help, Share in channel, thread notes, the digest's
subscription commands. They carry mrkdwn (`code`, *bold*, <#channel>) and Slack's own terms;
every phrase a Teams user would see too lives in `bot.i18n`. Same rules, same checks."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from bot import i18n
from bot.i18n.catalogue import Catalogue, load
from bot.models import Language

LOCALES = Path(__file__).parent / "locales"
DOMAIN = "slack"


@cache
def catalogue() -> Catalogue:
    return load(LOCALES, DOMAIN)


def slack_text(key: str, language: Language, **values: object) -> str:
    """The Slack-only phrase `key` in `language`; every placeholder must be given."""
    return catalogue().text(key, language, **values)


def load_catalogues() -> None:
    """Read and check both catalogues Slack shows (CatalogueError if one is broken): called at
    start-up, so a bad translation stops the app instead of failing a user's request."""
    i18n.catalogue()
    catalogue()
