"""`/coach digest subscribe #channel` as people type it, through the real app.

With should_escape true (manifest.json), Slack sends a channel typed or picked after # as
`<#C…|name>`; a plain `#name` still arrives from an install made with an older manifest, or
when the name is no channel Slack knows: that gets a clear way out, never a silent refusal.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.services.factory import Services
from bot.storage.db import Database
from bot.storage.subscriptions import find_subscription, list_subscriptions
from tests.fakes.slack_api import FakeSlack
from tests.slack.conftest import Harness, running_app

MANIFEST = Path(__file__).resolve().parents[3] / "manifest.json"


@pytest.fixture
def slack(fake: FakeSlack, services: Services, sqlite_database: Database) -> Iterator[Harness]:
    with running_app(fake, services, sqlite_database) as harness:
        yield harness


def reply_text(slack: Harness) -> str:
    (found,) = slack.fake.wait_for("response_url")
    slack.fake.state.calls.clear()
    return found.all_text()


def test_the_manifest_asks_slack_to_escape_channels() -> None:
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    (command,) = manifest["features"]["slash_commands"]
    assert command["should_escape"] is True


@pytest.mark.parametrize("typed", ["<#C222|marketing>", "<#C222>"])
def test_an_escaped_channel_is_subscribed(slack: Harness, typed: str) -> None:
    slack.command(f"digest subscribe {typed} friday 16:30")
    assert "<#C222> now gets the weekly digest: Fridays at 16:30" in reply_text(slack)
    record = find_subscription(slack.deps.database, "T111", "C222")
    assert record is not None and (record.weekday, record.hour) == (4, 16)


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("en-US", "I can't tell which channel “#marketing” is"),
        ("de-DE", "Welcher Channel „#marketing“ ist, kann ich nicht erkennen"),
        ("it-IT", "Non riesco a capire quale canale sia «#marketing»"),
    ],
)
def test_a_plain_channel_name_says_how_to_name_the_channel(
    slack: Harness, locale: str, expected: str
) -> None:
    slack.fake.set_locale("W111", locale)
    slack.command("digest subscribe #marketing friday 16:30")
    assert expected in reply_text(slack)
    assert list_subscriptions(slack.deps.database) == []
