"""The metrics follow the evaluation README's reference scorer."""

from __future__ import annotations

import pytest

from bot.core.evaluation import DraftScores, QuestionScores


def test_draft_metrics_match_hand_counts() -> None:
    scores = DraftScores()
    scores.add({1}, {1}, 0.001)  # tp for 1
    scores.add({1, 2}, {1}, 0.001)  # tp 1, fn 2
    scores.add(set(), {3}, 0.001)  # clean flagged: fp 3
    scores.add(set(), set(), 0.001)  # clean ok
    scores.add({2}, {2, 4}, 0.001)  # tp 2, fp 4
    summary = scores.summary()
    per = summary["per_trap"]
    assert per[1] == {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    assert per[2]["recall"] == pytest.approx(0.5) and per[2]["precision"] == 1.0
    assert per[3]["f1"] == 0.0 and per[5]["f1"] == 0.0
    # micro: tp 3, fp 2, fn 1 → 6 / (6 + 3)
    assert summary["micro_f1"] == pytest.approx(6 / 9)
    assert summary["macro_f1"] == pytest.approx((1 + 2 / 3 + 0 + 0 + 0) / 5)
    assert summary["clean_fpr"] == pytest.approx(0.5)
    assert summary["exact_match"] == pytest.approx(2 / 5)


def test_question_metrics_count_null_only_when_refused() -> None:
    scores = QuestionScores()
    scores.add(1, 1, 0.0)
    scores.add(2, None, 0.0)
    scores.add(None, None, 0.0)
    scores.add(None, 3, 0.0)
    summary = scores.summary()
    assert summary["top1_acc"] == 0.5
    assert summary["in_scope_acc"] == 0.5
    assert summary["null_acc"] == 0.5
