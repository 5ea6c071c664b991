"""`coach eval`: score the detector and the router on a labelled set.

The default set is training/heldout/: a tenth of our own corpus that training never reads.

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

from bot.errors import CoachError
from bot.models import LANGUAGES, TRAP_NUMBERS, Answer, Review


class EvalSetError(CoachError):
    """An evaluation file is missing, unreadable or has a row that breaks the schema."""


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
    """Every row of a JSONL file; the error names the file and the (1-based) line."""
    try:
        lines = path.read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise EvalSetError(f"cannot read {path}: {exc}") from exc
    rows = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise EvalSetError(f"{path}:{number}: not JSON ({exc.msg})") from exc
        if not isinstance(row, dict):
            raise EvalSetError(f"{path}:{number}: expected a JSON object")
        rows.append({**row, _LINE: number})
    return rows


_LINE = "\x00line"  # where a row came from, for error messages; not a schema field


def _where(path: Path, row: dict[str, object]) -> str:
    return f"{path}:{row.get(_LINE, '?')}"


def check_drafts(path: Path, rows: list[dict[str, object]]) -> None:
    """Each row has a text, a known language and its traps as a list of 1-5."""
    for row in rows:
        missing = [k for k in ("text", "traps") if k not in row]
        if missing:
            raise EvalSetError(f"{_where(path, row)}: missing field {missing[0]!r}")
        traps = row["traps"]
        if not isinstance(row["text"], str):
            raise EvalSetError(f"{_where(path, row)}: text must be a string")
        if not isinstance(traps, list) or any(
            type(t) is not int or t not in TRAP_NUMBERS for t in traps
        ):
            raise EvalSetError(f"{_where(path, row)}: traps must be a list of numbers 1-5")
        _check_language(path, row)


def check_questions(path: Path, rows: list[dict[str, object]]) -> None:
    """Each row has a question and a topic that is 1-5 or null."""
    for row in rows:
        missing = [k for k in ("question", "topic") if k not in row]
        if missing:
            raise EvalSetError(f"{_where(path, row)}: missing field {missing[0]!r}")
        if not isinstance(row["question"], str):
            raise EvalSetError(f"{_where(path, row)}: question must be a string")
        topic = row["topic"]
        if topic is not None and (type(topic) is not int or topic not in TRAP_NUMBERS):
            raise EvalSetError(f"{_where(path, row)}: topic must be a number 1-5 or null")
        _check_language(path, row)


def _check_language(path: Path, row: dict[str, object]) -> None:
    if "lang" in row and row["lang"] not in LANGUAGES:
        raise EvalSetError(f"{_where(path, row)}: lang must be one of {', '.join(LANGUAGES)}")


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
