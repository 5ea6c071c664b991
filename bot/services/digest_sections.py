"""What the weekly digest shows, in what order, with what figures: one walk of the Digest
model for every front end.

Slack's blocks (bot/slack/digest/blocks.py) and Teams' card (bot/teams/digest/cards.py) both
render these sections; they decide only how a section looks (Block Kit or Adaptive Card
elements, emphasis, escaping, dates). So the two platforms cannot drift apart on which figures
a team sees. Sections name the shared catalogue's keys (bot.i18n) for their fixed phrases;
the preview note, the call to action and the workspace scope are each platform's own phrase
under the same key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.i18n import text
from bot.models import Digest, FeedbackCounts, Language, TrapTrend
from bot.services.chart import ChartLabels


@dataclass(frozen=True)
class Heading:
    key: str = "digest_header"


@dataclass(frozen=True)
class Period:
    start: datetime
    end: datetime
    channel_only: bool  # False: the whole workspace (or team)


@dataclass(frozen=True)
class PreviewNote:
    key: str = "digest_preview_note"  # each platform's own catalogue


@dataclass(frozen=True)
class Summary:
    text: str  # the LLM's prose: the coach did not write it, so renderers escape it
    note_key: str = "digest_summary_note"


@dataclass(frozen=True)
class QuietWeek:
    """Nobody checked a draft or asked a question: no figures, a line saying so."""

    key: str = "digest_quiet"


@dataclass(frozen=True)
class DraftFigures:
    checked: int
    last_week: int
    with_traps: int


@dataclass(frozen=True)
class TrapLine:
    number: int
    title: str
    this_week: int
    change: int  # against last week

    @property
    def arrow(self) -> str:
        change = self.change
        return f"▲ +{change}" if change > 0 else f"▼ −{-change}" if change < 0 else "= 0"


@dataclass(frozen=True)
class TrapFigures:
    lines: tuple[TrapLine, ...]  # the traps seen this week or last, in the digest's order
    empty_key: str = "digest_no_traps"  # shown instead of lines when there are none


@dataclass(frozen=True)
class TopicLine:
    number: int | None  # None: questions the knowledge base does not cover
    title: str | None
    count: int


@dataclass(frozen=True)
class QuestionFigures:
    count: int
    last_week: int
    topics: tuple[TopicLine, ...]
    uncovered_key: str = "digest_not_covered"  # the name of a TopicLine without a number


@dataclass(frozen=True)
class FeedbackFigures:
    counts: FeedbackCounts


@dataclass(frozen=True)
class ChartReference:
    """The week's trap chart goes with the digest (inside it, or after it in a thread)."""

    alt_text: str  # not yet cut to a platform's limit


@dataclass(frozen=True)
class FeaturedTrap:
    number: int
    title: str
    why: str
    instead: str
    title_key: str  # the misconception of the week, or (a quiet week) the tip of the week
    reason_key: str | None  # why this one was chosen; None for a tip


@dataclass(frozen=True)
class CallToAction:
    key: str = "digest_cta"  # each platform's own catalogue


Section = (
    Heading
    | Period
    | PreviewNote
    | Summary
    | QuietWeek
    | DraftFigures
    | TrapFigures
    | QuestionFigures
    | FeedbackFigures
    | ChartReference
    | FeaturedTrap
    | CallToAction
)


def digest_sections(digest: Digest, *, chart: bool, preview: bool) -> tuple[Section, ...]:
    """The digest's sections in reading order; `chart`: a chart can go with it (it does when
    some trap was seen this week or last)."""
    sections: list[Section] = [Heading(), Period(digest.start, digest.end, bool(digest.channel))]
    if preview:
        sections.append(PreviewNote())
    if digest.summary:
        sections.append(Summary(digest.summary))
    sections += [QuietWeek()] if digest.quiet else _figures(digest)
    if chart and digest.has_chart:
        sections.append(ChartReference(chart_alt_text(digest)))
    sections += [_featured(digest), CallToAction()]
    return tuple(sections)


def fallback_text(digest: Digest) -> str:
    """What a client that cannot show the digest (and the notification) says."""
    return text(
        "digest_fallback", digest.language, count=digest.drafts_checked, traps=digest.traps_flagged
    )


def chart_labels(language: Language) -> ChartLabels:
    return ChartLabels(
        title=text("digest_chart_title", language),
        this_week=text("digest_this_week", language),
        last_week=text("digest_last_week", language),
    )


def chart_alt_text(digest: Digest) -> str:
    """The chart's figures in words, for screen readers; each platform cuts it to its limit."""
    figures = "; ".join(
        f"#{t.number} {t.title}: {t.this_week} ({t.last_week})" for t in digest.traps
    )
    return text("digest_chart_alt", digest.language, figures=figures)


def _figures(digest: Digest) -> list[Section]:
    return [
        DraftFigures(digest.drafts_checked, digest.drafts_last_week, digest.drafts_with_traps),
        TrapFigures(tuple(_trap_line(t) for t in digest.traps if t.this_week or t.last_week)),
        QuestionFigures(
            digest.questions,
            digest.questions_last_week,
            tuple(TopicLine(t.number, t.title, t.count) for t in digest.topics),
        ),
        FeedbackFigures(digest.feedback),
    ]


def _trap_line(trap: TrapTrend) -> TrapLine:
    return TrapLine(trap.number, trap.title, trap.this_week, trap.change)


def _featured(digest: Digest) -> FeaturedTrap:
    featured = digest.featured
    tip = featured.reason == "quiet"
    return FeaturedTrap(
        number=featured.number,
        title=featured.title,
        why=featured.why,
        instead=featured.instead,
        title_key="digest_tip_title" if tip else "digest_featured_title",
        reason_key=None if tip else f"digest_featured_{featured.reason}",
    )
