"""A quality floor: on the held-out tenth of our corpus (training/heldout, never trained on),
the shipped model must stay within a small margin of the figures it shipped with.

The hand-picked examples in the other tests cannot notice a model that got a little worse
everywhere; this can. After a deliberate change (new corpus, new features), retrain, run
`coach eval`, and move SHIPPED to the new figures in the same commit (docs/detection.md).
"""

from __future__ import annotations

from bot.core.engine import OfflineEngine
from bot.core.evaluation import (
    check_drafts,
    check_questions,
    read_jsonl,
    score_drafts,
    score_questions,
)
from bot.core.resources import heldout_dir

SHIPPED = {"macro_f1": 0.910, "clean_fpr": 0.014, "top1_acc": 0.921}
MARGIN = 0.02


def test_held_out_figures_stay_near_the_shipped_ones(engine: OfflineEngine) -> None:
    drafts, questions = heldout_dir() / "drafts.jsonl", heldout_dir() / "questions.jsonl"
    draft_rows, question_rows = read_jsonl(drafts), read_jsonl(questions)
    check_drafts(drafts, draft_rows)
    check_questions(questions, question_rows)
    assert len(draft_rows) >= 200 and len(question_rows) >= 80
    detection = score_drafts(draft_rows, engine.review)["all"].summary()
    routing = score_questions(question_rows, engine.answer)[0]["all"].summary()
    measured = {
        "macro_f1": detection["macro_f1"],
        "clean_fpr": detection["clean_fpr"],
        "top1_acc": routing["top1_acc"],
    }
    figures = ", ".join(f"{k} {v:.3f} (shipped {SHIPPED[k]:.3f})" for k, v in measured.items())
    assert measured["macro_f1"] >= SHIPPED["macro_f1"] - MARGIN, figures  # type: ignore[operator]
    assert measured["clean_fpr"] <= SHIPPED["clean_fpr"] + MARGIN, figures  # type: ignore[operator]
    assert measured["top1_acc"] >= SHIPPED["top1_acc"] - MARGIN, figures  # type: ignore[operator]
