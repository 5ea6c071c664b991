"""Usage and feedback records: what is stored (never the text unless asked), counted per
workspace, pruned, and deleted with a workspace."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import StatementError

from bot.models import Answer, Finding, Review
from bot.services.feedback import DatabaseFeedbackStore, FeedbackService
from bot.services.usage import Origin, UsageService
from bot.storage.db import Database
from bot.storage.records import UsageRecord, activity, add_usage, delete_workspace, prune
from bot.storage.schema import UsageEvent
from bot.storage.subscriptions import SubscriptionRecord, list_subscriptions, save_subscription

NOW = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)
DRAFT = "Social media is free, so we need no budget."


def review(*traps: int) -> Review:
    findings = tuple(
        Finding(number=n, slug="s", confidence=0.9, evidence="x", start=0, end=1, advice="a")
        for n in traps
    )
    return Review(language="en", findings=findings)


def usage(database: Database, at: datetime = NOW, *, store_text: bool = False) -> UsageService:
    return UsageService(database, store_text=store_text, clock=lambda: at)


def test_a_check_is_recorded_without_its_text(database: Database) -> None:
    usage(database).checked(Origin("T1", "C1", "U1"), review(5, 2), DRAFT)
    with database.transaction() as session:
        (event,) = session.scalars(select(UsageEvent))
        assert (event.workspace, event.channel, event.user, event.kind) == (
            "T1",
            "C1",
            "U1",
            "check",
        )
        assert (event.language, event.engine, event.at) == ("en", "offline", NOW)
        assert event.text is None
    found = activity(database, "T1", None, NOW - timedelta(days=7), NOW + timedelta(seconds=1))
    assert found.traps == {2: 1, 5: 1} and found.checks == 1 and found.checks_with_traps == 1


def test_the_text_is_kept_only_when_the_settings_say_so(database: Database) -> None:
    usage(database, store_text=True).checked(Origin("T1", "C1", "U1"), review(), DRAFT)
    with database.transaction() as session:
        assert session.scalars(select(UsageEvent.text)).one() == DRAFT


def test_a_question_records_its_topic_and_engine(database: Database) -> None:
    answer = Answer(language="de", topic=3, text="…", engine="llm")
    usage(database).asked(Origin("T1", "D1", "U1"), answer, "Wer antwortet?")
    not_covered = Answer(language="it", topic=None, text="…")
    usage(database).asked(Origin("T1", "C1", "U1"), not_covered, "Hashtag?")
    found = activity(database, "T1", None, NOW - timedelta(days=1), NOW + timedelta(days=1))
    assert found.questions == {3: 1, None: 1}
    only_c1 = activity(database, "T1", "C1", NOW - timedelta(days=1), NOW + timedelta(days=1))
    assert only_c1.questions == {None: 1}


def test_counts_never_mix_workspaces(database: Database) -> None:
    usage(database).checked(Origin("T1", "C1", "U1"), review(1), DRAFT)
    usage(database).checked(Origin("T2", "C1", "U1"), review(4, 4, 5), DRAFT)
    FeedbackService(DatabaseFeedbackStore(database), clock=lambda: NOW).record(
        "false_alarm", subject="review", user="slack:T2:U1", language="en", workspace="T2"
    )
    period = (NOW - timedelta(days=7), NOW + timedelta(seconds=1))
    one, two = activity(database, "T1", None, *period), activity(database, "T2", None, *period)
    assert one.traps == {1: 1} and one.feedback == {}
    assert two.traps == {4: 1, 5: 1} and two.feedback == {"false_alarm": 1}


def test_the_period_is_half_open(database: Database) -> None:
    usage(database, NOW).checked(Origin("T1", "C1", "U1"), review(1), DRAFT)
    assert activity(database, "T1", None, NOW - timedelta(days=7), NOW).checks == 0
    assert activity(database, "T1", None, NOW, NOW + timedelta(days=7)).checks == 1


def test_prune_deletes_only_what_is_older(database: Database) -> None:
    old, recent = NOW - timedelta(days=200), NOW - timedelta(days=10)
    for at in (old, recent):
        usage(database, at).checked(Origin("T1", "C1", "U1"), review(2), DRAFT)
        FeedbackService(DatabaseFeedbackStore(database), clock=lambda at=at: at).record(
            "helpful", subject="answer", user="u", language="en", workspace="T1"
        )
    pruned = prune(database, NOW - timedelta(days=180), NOW)
    assert (pruned.usage, pruned.feedback) == (1, 1)
    left = activity(database, "T1", None, old - timedelta(days=1), NOW)
    assert left.checks == 1 and left.traps == {2: 1} and left.feedback == {"helpful": 1}


def test_deleting_a_workspace_leaves_the_others(database: Database) -> None:
    for team in ("T1", "T2"):
        usage(database).checked(Origin(team, "C1", "U1"), review(3), DRAFT)
        save_subscription(
            database,
            SubscriptionRecord(team, "C1", "workspace", 0, 9, 0, "UTC", "en", "U1", NOW),
        )
    assert delete_workspace(database, "T1") == 2
    period = (NOW - timedelta(days=1), NOW + timedelta(days=1))
    assert activity(database, "T1", None, *period).checks == 0
    assert activity(database, "T2", None, *period).checks == 1
    assert [s.workspace for s in list_subscriptions(database)] == ["T2"]


def test_naive_times_are_refused(database: Database) -> None:
    record = UsageRecord("T1", "C1", "U1", datetime(2026, 1, 1), "check", "en", "offline")
    with pytest.raises(StatementError, match="naive"):
        add_usage(database, record)


def test_a_failed_write_costs_a_count_not_the_reply(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    database.downgrade("base")  # the tables are gone: every write fails
    usage(database).checked(Origin("T1", "C1", "U1"), review(1), DRAFT)
    assert "could not record a check" in caplog.text
