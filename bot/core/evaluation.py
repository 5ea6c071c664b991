"""`coach eval`: score the detector and the router on a labelled set (default ../shared/eval).

Metrics follow the set's README: per-trap precision/recall/F1, micro and macro F1, the clean-text
false-positive rate, exact match, question top-1 (a null gold counts only when the coach says
"not covered"), in-scope and null accuracy, and time per item. The set only measures: nothing
here feeds training.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bot.models import TRAP_NUMBERS, Answer, Review


@dataclass
class TrapCounts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        return 2 * self.tp / (2 * self.tp + self.fp + self.fn) if self.tp else 0.0


@dataclass
class DraftScores:
    per_trap: dict[int, TrapCounts] = field(
        default_factory=lambda: {t: TrapCounts() for t in TRAP_NUMBERS}
    )
    items: int = 0
    clean: int = 0
    clean_flagged: int = 0
    exact: int = 0
    seconds: list[float] = field(default_factory=list)

    def add(self, gold: set[int], predicted: set[int], seconds: float) -> None:
        self.items += 1
        self.seconds.append(seconds)
        for t, counts in self.per_trap.items():
            counts.tp += t in gold and t in predicted
            counts.fp += t not in gold and t in predicted
            counts.fn += t in gold and t not in predicted
        self.exact += gold == predicted
        if not gold:
            self.clean += 1
            self.clean_flagged += bool(predicted)

    def summary(self) -> dict[str, object]:
        total = TrapCounts(
            sum(c.tp for c in self.per_trap.values()),
            sum(c.fp for c in self.per_trap.values()),
            sum(c.fn for c in self.per_trap.values()),
        )
        return {
            "items": self.items,
            "per_trap": {
                t: {"precision": c.precision, "recall": c.recall, "f1": c.f1}
                for t, c in self.per_trap.items()
            },
            "micro_f1": total.f1,
            "macro_f1": statistics.fmean(c.f1 for c in self.per_trap.values()),
            "clean_fpr": self.clean_flagged / self.clean if self.clean else 0.0,
            "exact_match": self.exact / self.items if self.items else 0.0,
            **_timing(self.seconds),
        }


@dataclass
class QuestionScores:
    correct: int = 0
    items: int = 0
    in_scope: list[bool] = field(default_factory=list)
    null: list[bool] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)

    def add(self, gold: int | None, predicted: int | None, seconds: float) -> None:
        ok = gold == predicted
        self.items += 1
        self.correct += ok
        (self.null if gold is None else self.in_scope).append(ok)
        self.seconds.append(seconds)

    def summary(self) -> dict[str, object]:
        return {
            "items": self.items,
            "top1_acc": self.correct / self.items if self.items else 0.0,
            "in_scope_acc": statistics.fmean(self.in_scope) if self.in_scope else 0.0,
            "null_acc": statistics.fmean(self.null) if self.null else 0.0,
            **_timing(self.seconds),
        }


def _timing(seconds: list[float]) -> dict[str, float]:
    if not seconds:
        return {"ms_per_item": 0.0, "ms_p95": 0.0}
    ordered = sorted(seconds)
    return {
        "ms_per_item": statistics.fmean(seconds) * 1000,
        "ms_p95": ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] * 1000,
    }


def read_jsonl(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def score_drafts(
    rows: Iterable[dict[str, object]], review: Callable[[str], Review]
) -> dict[str, DraftScores]:
    """Scores overall ("all") and per language."""
    scores: dict[str, DraftScores] = {"all": DraftScores()}
    for row in rows:
        started = time.perf_counter()
        result = review(str(row["text"]))
        elapsed = time.perf_counter() - started
        gold = set(row["traps"])  # type: ignore[call-overload]
        predicted = {f.number for f in result.findings}
        for key in ("all", str(row.get("lang", "?"))):
            scores.setdefault(key, DraftScores()).add(gold, predicted, elapsed)
    return scores


def score_questions(
    rows: Iterable[dict[str, object]], answer: Callable[[str], Answer]
) -> tuple[dict[str, QuestionScores], int]:
    """Scores overall and per language, and how often the answer's language matched."""
    scores: dict[str, QuestionScores] = {"all": QuestionScores()}
    language_ok = 0
    for row in rows:
        started = time.perf_counter()
        result = answer(str(row["question"]))
        elapsed = time.perf_counter() - started
        gold = row["topic"]
        for key in ("all", str(row.get("lang", "?"))):
            scores.setdefault(key, QuestionScores()).add(gold, result.topic, elapsed)  # type: ignore[arg-type]
        language_ok += result.language == row.get("lang")
    return scores, language_ok
