"""The digest's figures come from the database: this week against last, per trap and topic,
feedback, one workspace (or channel) only; and the misconception of the week rotates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.core.engine import OfflineEngine
from bot.errors import CoachError
from bot.models import Answer, Digest, Finding, Review, TrapTrend
from bot.services.digest import DigestService, DigestUnavailable, pick_featured
from bot.services.feedback import DatabaseFeedbackStore, FeedbackService
from bot.services.usage import Origin, UsageService
from bot.storage.db import Database

END = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)  # Monday of ISO week 11


def check(
    database: Database, at: datetime, *traps: int, team: str = "T1", channel: str = "C1"
) -> None:
    findings = tuple(
        Finding(number=n, slug="s", confidence=0.9, evidence="x", start=0, end=1, advice="a")
        for n in traps
    )
    UsageService(database, clock=lambda: at).checked(
        Origin(team, channel, "U1"), Review(language="en", findings=findings), "draft"
    )


def ask(database: Database, at: datetime, topic: int | None, team: str = "T1") -> None:
    answer = Answer(language="en", topic=topic, text="…")
    UsageService(database, clock=lambda: at).asked(Origin(team, "C1", "U1"), answer, "q")


def rate(database: Database, at: datetime, rating: str, team: str = "T1") -> None:
    FeedbackService(DatabaseFeedbackStore(database), clock=lambda: at).record(
        rating, subject="review", user="u", language="en", workspace=team, channel="C1"
    )


@pytest.fixture
def service(database: Database, engine: OfflineEngine) -> DigestService:
    return DigestService(database, engine.knowledge, clock=lambda: END)


def test_a_week_of_figures(database: Database, service: DigestService) -> None:
    this_week, last_week = END - timedelta(days=2), END - timedelta(days=9)
    check(database, this_week, 5, 2)
    check(database, this_week, 5)
    check(database, this_week)
    check(database, last_week, 1)
    check(database, last_week, 5)
    ask(database, this_week, 3)
    ask(database, this_week, 3)
    ask(database, this_week, None)
    ask(database, last_week, 2)
    rate(database, this_week, "helpful")
    rate(database, this_week, "false_alarm")
    rate(database, last_week, "not_helpful")
    check(database, END - timedelta(days=20), 4)  # older than both weeks: not counted

    digest = service.build("T1", None, "de")
    assert (digest.week, digest.start, digest.end) == ("2026-W11", END - timedelta(days=7), END)
    assert (digest.drafts_checked, digest.drafts_last_week, digest.drafts_with_traps) == (3, 2, 2)
    trends = {t.number: (t.this_week, t.last_week, t.change) for t in digest.traps}
    assert trends == {1: (0, 1, -1), 2: (1, 0, 1), 3: (0, 0, 0), 4: (0, 0, 0), 5: (2, 1, 1)}
    assert [(t.number, t.count) for t in digest.topics] == [(3, 2), (None, 1)]
    assert (digest.questions, digest.questions_last_week) == (3, 1)
    assert (digest.feedback.helpful, digest.feedback.not_helpful, digest.feedback.false_alarm) == (
        1,
        0,
        1,
    )
    assert digest.featured.number == 5 and digest.featured.reason == "most"
    assert digest.featured.title == digest.traps[4].title  # in German, from the knowledge base
    assert not digest.quiet and digest.has_chart and digest.traps_flagged == 3


def test_only_the_workspace_and_the_channel_asked_for(
    database: Database, service: DigestService
) -> None:
    day = END - timedelta(days=1)
    check(database, day, 1, team="T1", channel="C1")
    check(database, day, 2, team="T1", channel="C2")
    check(database, day, 3, 4, 5, team="T2", channel="C1")
    ask(database, day, 4, team="T2")
    rate(database, day, "helpful", team="T2")
    whole = service.build("T1", None, "en")
    assert whole.drafts_checked == 2 and whole.traps_flagged == 2
    assert whole.questions == 0 and whole.feedback.total == 0
    channel = service.build("T1", "C2", "en")
    assert channel.drafts_checked == 1 and [t.number for t in channel.traps if t.this_week] == [2]
    assert service.build("T3", None, "en").quiet


def test_a_quiet_week_still_has_a_tip(service: DigestService) -> None:
    digest = service.build("T1", None, "it")
    assert digest.quiet and not digest.has_chart
    assert digest.featured.reason == "quiet" and digest.featured.instead


def trends(*counts: int) -> tuple[TrapTrend, ...]:
    return tuple(
        TrapTrend(number=n, slug="s", title="t", this_week=c, last_week=0)
        for n, c in enumerate(counts, 1)
    )


def test_the_misconception_of_the_week_rotates_among_ties_and_in_quiet_weeks() -> None:
    assert pick_featured(trends(0, 3, 1, 0, 0), 7) == (2, "most")
    tied = {pick_featured(trends(0, 3, 0, 3, 0), week)[0] for week in range(10, 14)}
    assert tied == {2, 4}
    assert pick_featured(trends(0, 3, 0, 3, 0), 10) != pick_featured(trends(0, 3, 0, 3, 0), 11)
    quiet = [pick_featured(trends(0, 0, 0, 0, 0), week) for week in range(20, 25)]
    assert sorted(n for n, _ in quiet) == [1, 2, 3, 4, 5]
    assert {reason for _, reason in quiet} == {"quiet"}


class Prose:
    def __init__(self, reply: str | None = None, error: CoachError | None = None) -> None:
        self.reply, self.error, self.seen = reply, error, []

    def summarize(self, digest: Digest) -> str | None:
        self.seen.append(digest)
        if self.error:
            raise self.error
        return self.reply


def test_an_llm_may_phrase_the_summary_but_not_the_figures(
    database: Database, engine: OfflineEngine
) -> None:
    check(database, END - timedelta(days=1), 5)
    prose = Prose("Budget remains the team's blind spot this week.")
    digest = DigestService(database, engine.knowledge, prose, clock=lambda: END).build(
        "T1", None, "en"
    )
    assert digest.summary == prose.reply and digest.engine == "llm"
    assert prose.seen[0].traps == digest.traps and digest.traps_flagged == 1


def test_a_failing_summary_leaves_the_digest_without_prose(
    database: Database, engine: OfflineEngine
) -> None:
    prose = Prose(error=CoachError("the model is down"))
    digest = DigestService(database, engine.knowledge, prose, clock=lambda: END).build(
        "T1", None, "en"
    )
    assert digest.summary is None and digest.engine == "offline"


def test_an_unreadable_database_is_a_clear_error(
    database: Database, service: DigestService
) -> None:
    database.downgrade("base")
    with pytest.raises(DigestUnavailable):
        service.build("T1", None, "en")
