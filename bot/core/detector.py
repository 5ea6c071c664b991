"""Offline trap detector: text → findings with evidence quoted at exact offsets.

Two linear heads score the text: one judges each sentence on its own (it finds the evidence),
one judges the whole text (it sees plans whose trap lies in what is missing, such as a launch
plan with nothing about replies). A stacking model (bot.core.decision.Stacker) combines both
heads' scores into one probability per trap; a trap is reported when that passes the trap's
threshold; the evidence is the sentence that scored highest.

The whole-text head learned from drafts of up to a dozen sentences. In a longer text (a
40,000-character plan) one trapped sentence would be drowned out by everything else, so there
it judges the passage around each trap's best sentence instead: a draft-sized window.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field

import numpy as np

from bot.core.decision import Stacker, flags
from bot.core.knowledge import KnowledgeBase
from bot.core.linear import Featurizer, Head, PartCounts, part_counts, predict
from bot.core.negation import unsay
from bot.core.text import Plain, Segment, segments, to_plain
from bot.models import TRAP_NUMBERS, Finding, Language

# Texts of up to this many sentences are judged whole (every training draft has at most 12);
# longer ones through windows of 2 * WINDOW_RADIUS + 1 sentences around each trap's best one.
LONGEST_WHOLE = 12
WINDOW_RADIUS = 4
# Evidence is the clause around the cue, not a whole run-on "sentence": a text without
# punctuation is one segment however long. Longer segments are cut at clause marks (or, where
# there are none, between words) into pieces of at most this many characters, and the piece
# the sentence head scores highest is quoted.
LONGEST_EVIDENCE = 240
_CLAUSE_END = re.compile(r"[,:()]\s*|\s+")


@dataclass(frozen=True)
class DetectorModel:
    featurizer: Featurizer
    sentence: Head  # one sigmoid output per trap
    whole: Head
    thresholds: dict[int, float]
    stacker: Stacker
    # Per trap, the sentence score a quote needs before a finding the offline engine did not
    # make (an LLM's) is believed: chosen out of fold so that 9 in 10 true evidence quotes pass.
    support_floor: dict[int, float] = field(default_factory=dict)
    # A sentence scoring this much reports its trap whatever the whole text says (see
    # bot.core.decision); above 1 it never does.
    alone: float = 2.0
    # Beside a trap reported with at least decision.SURE, another needs only this probability
    # (bot.core.decision.choose_second); above 1 there is no such rule.
    second: float = 2.0


@dataclass(frozen=True)
class Scores:
    combined: np.ndarray  # per trap: the stacker's probability, what is decided on
    whole: np.ndarray  # per trap: the whole-text head's score
    plain: Plain
    parts: list[Segment]
    per_segment: np.ndarray  # (segments, traps)

    @property
    def best_sentence(self) -> np.ndarray:
        if not len(self.per_segment):
            return np.zeros(len(TRAP_NUMBERS))
        return self.per_segment.max(axis=0)  # type: ignore[no-any-return]


class TrapDetector:
    def __init__(self, model: DetectorModel, knowledge: KnowledgeBase) -> None:
        self.model = model
        self.knowledge = knowledge

    def scores(self, text: str, language: Language) -> Scores:
        plain = to_plain(text)
        parts = segments(plain)
        if not parts:
            empty = np.zeros((0, len(TRAP_NUMBERS)))
            nothing = np.zeros(len(TRAP_NUMBERS))
            return Scores(nothing, nothing, plain, parts, empty)
        plains = [unsay(p.plain, language) for p in parts]
        featurizer = self.model.featurizer
        counts = [part_counts(plain, language) for plain in plains]
        per_segment = predict(self.model.sentence, featurizer.part_vectors(counts))
        if len(parts) <= LONGEST_WHOLE:
            whole = predict(self.model.whole, [featurizer.joined(plains, counts, language)])[0]
        else:
            whole = self._around_best(plains, counts, per_segment, language)
        combined = self.model.stacker(per_segment.max(axis=0), whole)
        return Scores(combined, whole, plain, parts, per_segment)

    def _around_best(
        self,
        plains: list[str],
        counts: list[PartCounts],
        per_segment: np.ndarray,
        language: Language,
    ) -> np.ndarray:
        """Per trap, the whole-text head's score of the window around that trap's best sentence."""
        whole = np.zeros(len(TRAP_NUMBERS))
        judged: dict[int, np.ndarray] = {}  # window start -> scores (traps may share a window)
        size = 2 * WINDOW_RADIUS + 1
        for column in range(len(TRAP_NUMBERS)):
            start = max(0, int(per_segment[:, column].argmax()) - WINDOW_RADIUS)
            start = min(start, len(plains) - size)
            if start not in judged:
                window = slice(start, start + size)
                vector = self.model.featurizer.joined(plains[window], counts[window], language)
                judged[start] = predict(self.model.whole, [vector])[0]
            whole[column] = judged[start][column]
        return whole

    def support(self, quote: str, language: Language) -> np.ndarray:
        """Per trap, the sentence head's best score over the quote's sentences."""
        plains = [unsay(p.plain, language) for p in segments(to_plain(quote))]
        if not plains:
            return np.zeros(len(TRAP_NUMBERS))
        vectors = self.model.featurizer.vectors(plains, language)
        return predict(self.model.sentence, vectors).max(axis=0)  # type: ignore[no-any-return]

    def supports(self, quote: str, number: int, language: Language) -> bool:
        """Whether `quote` on its own reads as trap `number` (above the corpus-chosen floor)."""
        score = self.support(quote, language)[TRAP_NUMBERS.index(number)]
        return bool(score >= self.model.support_floor.get(number, 0.5))

    def detect(self, text: str, language: Language) -> tuple[Finding, ...]:
        scores = self.scores(text, language)
        model = self.model
        reported = flags(
            scores.combined, scores.best_sentence, model.thresholds, model.alone, model.second
        )
        findings = []
        for column, number in enumerate(TRAP_NUMBERS):
            if not reported[column]:
                continue
            confidence = float(scores.combined[column])
            stated = float(scores.best_sentence[column])
            if confidence < model.thresholds[number] and stated >= model.alone:
                confidence = max(confidence, stated)  # reported on the sentence alone
            best = scores.parts[int(scores.per_segment[:, column].argmax())]
            if len(best.plain) > LONGEST_EVIDENCE:
                best = self._clause(scores.plain, best, column, language)
            item = self.knowledge[number]
            findings.append(
                Finding(
                    number=number,
                    slug=item.slug,
                    confidence=round(confidence, 3),
                    evidence=text[best.start : best.end],
                    start=best.start,
                    end=best.end,
                    advice=item.entry(language).instead,
                )
            )
        return tuple(findings)

    def _clause(self, plain: Plain, part: Segment, column: int, language: Language) -> Segment:
        """The piece of an over-long segment that the sentence head finds most telling."""
        pieces = _pieces(plain, part)
        vectors = self.model.featurizer.vectors([p.plain for p in pieces], language)
        return pieces[int(predict(self.model.sentence, vectors)[:, column].argmax())]


def _pieces(plain: Plain, part: Segment) -> list[Segment]:
    """`part` cut into pieces of at most LONGEST_EVIDENCE characters at clause marks or spaces."""
    base = bisect_left(plain.starts, part.start)  # where the segment starts in the plain text
    cuts = [m.end() for m in _CLAUSE_END.finditer(part.plain)]
    pieces, begin, last = [], 0, 0
    for cut in [*cuts, len(part.plain)]:
        if cut - begin > LONGEST_EVIDENCE and last > begin:
            pieces.append((begin, last))
            begin = last
        last = cut
    pieces.append((begin, len(part.plain)))
    found = []
    for begin, end in pieces:
        # cuts fall after separators: a piece may only carry some at its end
        body = part.plain[begin:end].rstrip(" \t,:(")[:LONGEST_EVIDENCE]
        if body:
            found.append(Segment(body, *plain.span(base + begin, base + begin + len(body))))
    return found
