"""`coach eval`: which labelled set to score, and the report of one engine or two side by side."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

from bot.cli.input import UsageProblem
from bot.core.evaluation import (
    check_drafts,
    check_questions,
    read_jsonl,
    score_drafts,
    score_questions,
)
from bot.core.resources import heldout_dir
from bot.models import Answer, Review
from bot.services.factory import Services

Rows = list[dict[str, object]]


def eval_set(
    configured: Path | None, drafts: Path | None, questions: Path | None
) -> tuple[Rows, Rows, str]:
    """The rows to score and a name for the set; every row checked against the schema first.

    `configured` is COACH_EVAL_DIR: a folder that does not exist is an error, never a silent
    fallback to another set.
    """
    if configured is None:
        folder, label = heldout_dir(), "held-out corpus (training/heldout, never trained on)"
    elif not configured.is_dir():
        raise UsageProblem(f"COACH_EVAL_DIR={configured} is not a folder")
    else:
        folder, label = configured, f"COACH_EVAL_DIR {configured}"
    if drafts or questions:
        drafts, questions = (
            drafts or folder / "drafts.jsonl",
            questions or folder / "questions.jsonl",
        )
        label = f"{drafts} + {questions}"
    else:
        drafts, questions = folder / "drafts.jsonl", folder / "questions.jsonl"
    draft_rows, question_rows = read_jsonl(drafts), read_jsonl(questions)
    check_drafts(drafts, draft_rows)
    check_questions(questions, question_rows)
    return draft_rows, question_rows, label


def scored(services: Services, drafts: Rows, questions: Rows) -> dict[str, object]:
    """One engine's figures; `results_by_engine` shows how often the LLM fell back."""
    engines: Counter[str] = Counter()

    def counted(run: Callable[[str], Review | Answer]) -> Callable[[str], Review | Answer]:
        def wrapped(text: str) -> Review | Answer:
            result = run(text)
            engines[result.engine] += 1
            return result

        return wrapped

    draft_scores = score_drafts(drafts, counted(services.review.review))  # type: ignore[arg-type]
    question_scores, language_ok = score_questions(questions, counted(services.answer.ask))  # type: ignore[arg-type]
    return {
        "engine": services.engine_name,
        "results_by_engine": dict(engines),
        "drafts": {key: value.summary() for key, value in draft_scores.items()},
        "questions": {key: value.summary() for key, value in question_scores.items()},
        "answer_language_acc": language_ok / max(1, len(questions)),
    }
