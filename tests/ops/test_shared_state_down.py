"""The database stops while people click and ask: feedback clicks wait in the outbox and reach
the database once it is back (also from a process that stopped meanwhile), and results for
Share and the LLM limits are kept in this replica's memory. Through the app as `coach serve` composes it, over a
proxy that plays the outage (see tests/ops/outage.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from bot.services.factory import build_services
from bot.services.ratelimit import Caller, RateLimiter
from bot.services.ratelimit_shared import DatabaseRateLimiter, FallbackRateLimiter
from bot.services.resilience import durable_feedback
from bot.storage.db import Database
from bot.storage.records import FeedbackRecord
from bot.storage.schema import FeedbackRow, RateCounter, SharedResult
from tests.fakes.slack_api import FakeSlack
from tests.ops.conftest import ops_settings, serving
from tests.ops.outage import Outage, eventually
from tests.slack.conftest import button, click

FAST = (0.05, 0.1)  # the outbox's waits between attempts, shortened
DRAFT = "We don't need a budget, social media is free."


def test_a_feedback_click_during_an_outage_reaches_the_database_after_it(
    outage: Outage, tmp_path: Path
) -> None:
    with FakeSlack() as fake:
        settings = ops_settings(fake.api_url, tmp_path, DATABASE_URL=outage.url)
        with serving(fake, settings, build_services(settings)) as app:
            outbox = app.deps.feedback.store.outbox  # type: ignore[attr-defined]
            outbox._retry = FAST
            app.command(f"check {DRAFT}")
            (review,) = fake.wait_for("response_url")
            value = button(review, "coach_feedback_false_alarm")
            outage.proxy.down()
            app.interaction(click(fake, "coach_feedback_false_alarm", value))
            (thanks,) = fake.wait_for("response_url", where=lambda c: c.path == "/response/click")
            assert "Thanks" in thanks.all_text()
            (spool,) = (tmp_path / "outbox").glob("feedback-*.jsonl")
            assert "false_alarm" in spool.read_text()  # on disk while the database is away
            assert outbox.pending == 1 and outage.rows(FeedbackRow) == 0
            outage.proxy.up()
            eventually(lambda: outage.rows(FeedbackRow) == 1)
    with outage.admin.transaction() as session:
        row = session.scalars(select(FeedbackRow)).one()
        assert (row.rating, row.subject, row.workspace, row.user) == (
            "false_alarm",
            "review",
            "T111",
            "slack:T111:W111",
        )
        assert "5" in row.topics.split(",")


def test_feedback_of_a_process_that_stopped_during_the_outage_is_adopted(
    outage: Outage, tmp_path: Path
) -> None:
    database = Database.connect(outage.url)
    at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    outage.proxy.down()
    try:
        stopped = durable_feedback(database, tmp_path)
        for user in ("U1", "U2"):
            stopped.outbox.add(
                FeedbackRecord("T1", "C1", user, at, "helpful", "answer", "en", (1,), "r")
            )
        stopped.outbox.close()  # stops while the database is away: its spool stays behind
        restarted = durable_feedback(database, tmp_path)
        assert restarted.outbox.pending == 2
        outage.proxy.up()
        eventually(lambda: restarted.outbox.flush() >= 0 and outage.rows(FeedbackRow) == 2)
        restarted.outbox.close()
    finally:
        database.dispose()
    assert list((tmp_path / "outbox").iterdir()) == []


def test_results_rendered_during_an_outage_are_shared_from_this_replica(
    outage: Outage, tmp_path: Path
) -> None:
    def share(value: str) -> dict[str, object]:
        fake.state.calls.clear()
        app.interaction(click(fake, "coach_share", value))
        shared, removed = fake.wait_for(
            "response_url", 2, where=lambda c: c.path == "/response/click"
        )
        assert removed["delete_original"] is True
        return shared.body

    with FakeSlack() as fake:
        settings = ops_settings(fake.api_url, tmp_path, DATABASE_URL=outage.url)
        with serving(fake, settings, build_services(settings)) as app:
            outage.proxy.down()
            app.command("ask is social media free for a company?")
            app.command(f"check {DRAFT}")
            answer, review = sorted(
                fake.wait_for("response_url", 2),
                key=lambda c: "coach_feedback_false" in c.all_text(),
            )
            assert share(button(answer, "coach_share"))["response_type"] == "in_channel"
            outage.proxy.up()
            assert share(button(review, "coach_share"))["response_type"] == "in_channel"
    assert outage.rows(SharedResult) == 0


def test_llm_limits_are_counted_in_this_process_while_the_database_is_away(
    outage: Outage,
) -> None:
    alice = Caller("slack:T1:UALICE", "slack:T1")
    database = Database.connect(outage.url)
    limiter = FallbackRateLimiter(DatabaseRateLimiter(database, 2, 0), RateLimiter(2, 0))
    try:
        assert limiter.acquire(alice).allowed  # counted in the database
        outage.proxy.down()
        assert [limiter.acquire(alice).allowed for _ in range(3)] == [True, True, False]
        outage.proxy.up()
        assert [limiter.acquire(alice).allowed for _ in range(2)] == [True, False]
    finally:
        database.dispose()
    with outage.admin.transaction() as session:
        assert session.scalars(select(RateCounter.hits)).one() == 2
