"""Feedback is a vote, through the real app on SQLite and PostgreSQL: one per user and result,
a changed vote replaces the old one, a repeated click is acked quietly, and the digest counts
votes, not clicks."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.services.factory import Services
from bot.storage.db import Database
from bot.storage.records import activity
from bot.storage.schema import FeedbackRow
from tests.fakes.slack_api import FakeSlack
from tests.slack.conftest import Harness, button, click, running_app

DRAFT = "Social media is free, so we need no budget and expect sales to double next week."


@pytest.fixture
def slack(fake: FakeSlack, services: Services, database: Database) -> Iterator[Harness]:
    with running_app(fake, services, database) as harness:
        yield harness


def _review_button(slack: Harness, rating: str) -> str:
    slack.command(f"check {DRAFT}")
    (review,) = slack.fake.wait_for("response_url")
    return button(review, f"coach_feedback_{rating}")


def _vote(slack: Harness, rating: str, value: str, user: str = "W111") -> None:
    payload = click(slack.fake, f"coach_feedback_{rating}", value)
    payload["user"]["id"] = user
    assert slack.interaction(payload).status == 200


def _thanks(slack: Harness) -> int:
    slack.fake.wait_quiet()
    return len([c for c in slack.fake.calls("response_url") if c.path == "/response/click"])


def _votes(database: Database) -> list[tuple[str, str]]:
    with database.transaction() as session:
        rows = session.execute(select(FeedbackRow.user, FeedbackRow.rating))
        return sorted((str(u), str(r)) for u, r in rows)


def _feedback_counts(database: Database) -> dict[str, int]:
    now = datetime.now(UTC)
    found = activity(database, "T111", None, now - timedelta(hours=1), now + timedelta(hours=1))
    return found.feedback


def test_the_same_vote_twice_is_one_vote_and_one_thanks(slack: Harness) -> None:
    value = _review_button(slack, "helpful")
    _vote(slack, "helpful", value)
    slack.fake.wait_for("response_url", where=lambda c: c.path == "/response/click")
    _vote(slack, "helpful", value)
    assert _thanks(slack) == 1
    assert _votes(slack.deps.database) == [("slack:T111:W111", "helpful")]


def test_a_changed_vote_replaces_the_old_one(slack: Harness) -> None:
    value = _review_button(slack, "helpful")
    _vote(slack, "helpful", value)
    slack.fake.wait_for("response_url", where=lambda c: c.path == "/response/click")
    _vote(slack, "false_alarm", value)  # the buttons of one result share its reference
    assert _thanks(slack) == 2
    assert _votes(slack.deps.database) == [("slack:T111:W111", "false_alarm")]


def test_two_simultaneous_clicks_store_one_vote(slack: Harness) -> None:
    value = _review_button(slack, "not_helpful")
    start = threading.Barrier(2)

    def click_now() -> None:
        start.wait()
        _vote(slack, "not_helpful", value)

    clicks = [threading.Thread(target=click_now) for _ in range(2)]
    for thread in clicks:
        thread.start()
    for thread in clicks:
        thread.join(10)
    assert _thanks(slack) == 1
    assert _votes(slack.deps.database) == [("slack:T111:W111", "not_helpful")]


def test_the_digest_counts_votes_not_clicks(slack: Harness) -> None:
    value = _review_button(slack, "helpful")
    for _ in range(3):
        _vote(slack, "helpful", value)
    _vote(slack, "helpful", value, user="W222")
    _vote(slack, "false_alarm", value, user="W333")
    slack.fake.wait_quiet()  # clicks are handled in parallel: let this one land first
    _vote(slack, "helpful", value, user="W333")  # changed their mind
    slack.fake.wait_quiet()
    assert _feedback_counts(slack.deps.database) == {"helpful": 3}
    with slack.deps.database.transaction() as session:
        assert session.scalar(select(func.count()).select_from(FeedbackRow)) == 3
