"""The decision rule: the stacker's numpy runtime, and thresholds that keep the false-alarm budget."""

from __future__ import annotations

import numpy as np
from sklearn.linear_model import LogisticRegression

from bot.core.decision import (
    SURE,
    OutOfFold,
    choose_alone,
    choose_second,
    choose_thresholds,
    figures,
    flags,
    logit,
)
from bot.core.train import STACKER_C, fit_stacker
from bot.models import TRAP_NUMBERS

RNG = np.random.default_rng(12)


def _oof(rows: int = 600) -> OutOfFold:
    """Scores that mostly agree with the gold traps, with clean texts that sometimes score high."""
    truth = RNG.random((rows, len(TRAP_NUMBERS))) < 0.15
    noise = RNG.normal(0, 1.2, truth.shape)
    sentence = 1 / (1 + np.exp(-(np.where(truth, 2.0, -2.5) + noise)))
    whole = 1 / (1 + np.exp(-(np.where(truth, 1.5, -2.0) + RNG.normal(0, 1.2, truth.shape))))
    gold = [frozenset(t for t, hit in zip(TRAP_NUMBERS, row, strict=True) if hit) for row in truth]
    return OutOfFold(sentence, whole, gold)


def test_stacker_runtime_matches_scikit_learn() -> None:
    oof = _oof()
    stacker = fit_stacker(oof.sentence, oof.whole, oof.truth)
    features = np.hstack([logit(oof.sentence), logit(oof.whole)])
    for column in range(len(TRAP_NUMBERS)):
        reference = LogisticRegression(C=STACKER_C, max_iter=3000).fit(
            features, oof.truth[:, column]
        )
        expected = reference.predict_proba(features)[:, 1]
        np.testing.assert_allclose(stacker(oof.sentence, oof.whole)[:, column], expected, atol=1e-6)
    # one text at a time gives the same as the rows
    np.testing.assert_allclose(
        stacker(oof.sentence[3], oof.whole[3]), stacker(oof.sentence, oof.whole)[3]
    )


def test_thresholds_keep_the_clean_false_alarm_budget() -> None:
    oof = _oof()
    for budget in (0.03, 0.05):
        thresholds = choose_thresholds(oof, budget)
        _, fpr = figures(oof, flags(oof.score, oof.sentence, thresholds, 2.0))
        assert fpr <= budget
        alone = choose_alone(oof, thresholds, budget)
        _, with_alone = figures(oof, flags(oof.score, oof.sentence, thresholds, alone))
        assert with_alone <= budget


def test_a_trap_that_cannot_keep_its_share_is_left_to_the_sentence_alone_rule() -> None:
    oof = _oof()
    sentence, whole = oof.sentence.copy(), oof.whole.copy()
    sentence[:, 2] = whole[:, 2] = 0.999  # trap 3 scores high on every text, clean or not
    noisy = OutOfFold(sentence, whole, oof.gold)
    thresholds = choose_thresholds(noisy, 0.03)
    assert thresholds[3] > 1.0  # never on the score (it used to fall back to 0.5: all flagged)
    assert all(thresholds[t] < 1.0 for t in (1, 2, 4, 5))


def test_a_strong_trap_does_not_suppress_a_second() -> None:
    thresholds = dict.fromkeys(TRAP_NUMBERS, 0.6)
    combined = np.array([[0.99, 0.1, 0.1, 0.65, 0.1]])
    flagged = flags(combined, combined, thresholds, 2.0)
    assert flagged.tolist() == [[True, False, False, True, False]]


def test_beside_a_sure_trap_a_second_needs_only_the_lower_bar() -> None:
    thresholds = dict.fromkeys(TRAP_NUMBERS, 0.6)
    combined = np.array(
        [
            [0.95, 0.45, 0.1, 0.1, 0.1],  # trap 1 sure: trap 2 passes the lower bar
            [0.7, 0.45, 0.1, 0.1, 0.1],  # trap 1 reported, but not sure: trap 2 is not
            [0.1, 0.45, 0.1, 0.1, 0.1],  # nothing reported: the lower bar does not apply
            [0.95, 0.35, 0.1, 0.1, 0.1],  # below the lower bar
        ]
    )
    assert SURE <= 0.95
    flagged = flags(combined, combined, thresholds, 2.0, second=0.4)
    assert flagged[:, :2].tolist() == [[True, True], [True, False], [False, False], [True, False]]
    # one text at a time, as the detector calls it
    assert flags(combined[0], combined[0], thresholds, 2.0, 0.4).tolist() == flagged[0].tolist()
    # without the rule (the default) only the thresholds count
    assert flags(combined, combined, thresholds, 2.0)[:, 1].tolist() == [False] * 4


def test_the_second_trap_rule_never_adds_a_clean_false_alarm() -> None:
    oof = _oof()
    thresholds = choose_thresholds(oof, 0.03)
    alone = choose_alone(oof, thresholds, 0.03)
    second = choose_second(oof, thresholds, alone)
    before, fpr = figures(oof, flags(oof.score, oof.sentence, thresholds, alone))
    for bar in (second, 0.05):  # the chosen bar, and one far too low
        _, fpr_after = figures(oof, flags(oof.score, oof.sentence, thresholds, alone, bar))
        assert fpr_after == fpr
    after, _ = figures(oof, flags(oof.score, oof.sentence, thresholds, alone, second))
    assert np.mean(after) >= np.mean(before)
