"""The digest's sections, the one walk both front ends render: which sections, in what order,
with the model's figures, and catalogue keys that exist in every language."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.i18n import text
from bot.models import LANGUAGES, Digest, Featured, FeedbackCounts, Language, TopicCount, TrapTrend
from bot.services.digest_sections import (
    CallToAction,
    ChartReference,
    DraftFigures,
    FeaturedTrap,
    FeedbackFigures,
    Heading,
    Period,
    PreviewNote,
    QuestionFigures,
    QuietWeek,
    Summary,
    TopicLine,
    TrapFigures,
    TrapLine,
    chart_alt_text,
    digest_sections,
)

END = datetime(2026, 3, 9, 8, 0, tzinfo=UTC)


def digest(**changes: Any) -> Digest:
    trends = [(4, 1), (0, 3), (2, 2), (0, 0), (7, 0)]
    values: dict[str, Any] = {
        "workspace": "T1",
        "channel": None,
        "language": "en",
        "week": "2026-W11",
        "start": END - timedelta(days=7),
        "end": END,
        "drafts_checked": 9,
        "drafts_last_week": 4,
        "drafts_with_traps": 6,
        "traps": tuple(
            TrapTrend(number=n, slug=f"trap-{n}", title=f"Trap {n}", this_week=now, last_week=was)
            for n, (now, was) in enumerate(trends, 1)
        ),
        "questions": 5,
        "questions_last_week": 2,
        "topics": (TopicCount(number=2, title="Trap 2", count=4), TopicCount(number=None, count=1)),
        "feedback": FeedbackCounts(helpful=3, not_helpful=1, false_alarm=2),
        "featured": Featured(
            number=5, slug="trap-5", title="Trap 5", why="w", instead="i", reason="most"
        ),
        **changes,
    }
    return Digest(**values)


def test_a_busy_week_shows_every_figure_in_reading_order() -> None:
    week = digest()
    sections = digest_sections(week, chart=True, preview=False)
    assert [type(s) for s in sections] == [
        Heading,
        Period,
        DraftFigures,
        TrapFigures,
        QuestionFigures,
        FeedbackFigures,
        ChartReference,
        FeaturedTrap,
        CallToAction,
    ]
    assert sections[1] == Period(week.start, week.end, channel_only=False)
    assert sections[2] == DraftFigures(checked=9, last_week=4, with_traps=6)
    # Only the traps seen this week or last, each with its change.
    assert sections[3] == TrapFigures(
        (
            TrapLine(1, "Trap 1", 4, 3),
            TrapLine(2, "Trap 2", 0, -3),
            TrapLine(3, "Trap 3", 2, 0),
            TrapLine(5, "Trap 5", 7, 7),
        )
    )
    traps = sections[3]
    assert isinstance(traps, TrapFigures)
    assert [line.arrow for line in traps.lines] == ["▲ +3", "▼ −3", "= 0", "▲ +7"]
    assert sections[4] == QuestionFigures(
        5, 2, (TopicLine(2, "Trap 2", 4), TopicLine(None, None, 1))
    )
    assert sections[5] == FeedbackFigures(FeedbackCounts(helpful=3, not_helpful=1, false_alarm=2))
    assert sections[7] == FeaturedTrap(
        5, "Trap 5", "w", "i", "digest_featured_title", "digest_featured_most"
    )


def test_preview_and_summary_follow_the_period_and_the_chart_only_when_asked() -> None:
    week = digest(channel="C1", summary="A calm week.")
    sections = digest_sections(week, chart=False, preview=True)
    assert sections[:4] == (
        Heading(),
        Period(week.start, week.end, channel_only=True),
        PreviewNote(),
        Summary("A calm week."),
    )
    assert not any(isinstance(s, ChartReference) for s in sections)


def test_a_quiet_week_is_a_line_and_a_tip_with_no_figures_and_no_chart() -> None:
    still = tuple(t.model_copy(update={"this_week": 0, "last_week": 0}) for t in digest().traps)
    tip = Featured(number=2, slug="trap-2", title="Trap 2", why="w", instead="i", reason="quiet")
    quiet = digest(drafts_checked=0, drafts_with_traps=0, questions=0, traps=still, featured=tip)
    sections = digest_sections(quiet, chart=True, preview=False)
    assert sections == (
        Heading(),
        Period(quiet.start, quiet.end, channel_only=False),
        QuietWeek(),
        FeaturedTrap(2, "Trap 2", "w", "i", "digest_tip_title", None),
        CallToAction(),
    )


def test_no_trap_seen_in_either_week_leaves_the_trap_lines_empty_and_no_chart() -> None:
    still = tuple(t.model_copy(update={"this_week": 0, "last_week": 0}) for t in digest().traps)
    sections = digest_sections(digest(traps=still), chart=True, preview=False)
    (traps,) = [s for s in sections if isinstance(s, TrapFigures)]
    assert traps == TrapFigures(())
    assert not any(isinstance(s, ChartReference) for s in sections)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_keys_the_sections_name_are_in_the_shared_catalogue(language: Language) -> None:
    sections = digest_sections(digest(summary="s"), chart=True, preview=False)
    fixed = [Heading().key, QuietWeek().key, TrapFigures(()).empty_key, Summary("s").note_key]
    fixed.append(QuestionFigures(0, 0, ()).uncovered_key)
    fixed += [f"digest_featured_{reason}" for reason in ("most", "tied")]
    assert all(text(key, language) for key in fixed)
    for featured in [s for s in sections if isinstance(s, FeaturedTrap)]:
        assert text(featured.title_key, language, number=featured.number, title=featured.title)


def test_the_chart_alt_text_names_every_traps_figures() -> None:
    alt = chart_alt_text(digest())
    for figures in ("#1 Trap 1: 4 (1)", "#2 Trap 2: 0 (3)", "#4 Trap 4: 0 (0)", "#5 Trap 5: 7 (0)"):
        assert figures in alt
