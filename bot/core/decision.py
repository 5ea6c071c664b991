"""How the detector's scores become findings, chosen on out-of-fold predictions of our corpus.

Two heads score a text per trap: its best sentence and the whole text. A small stacking model
(`Stacker`, one logistic regression per trap over the logits of all ten scores) turns them into
one probability per trap. It is fitted on out-of-fold scores of our corpus, so it learns how
far each head can be trusted where it was not trained, and that another trap's strong sentence
explains a sentence away or not (a plan that leaves out replies scores on the whole-text head
for trap 1 and 3 alike). Out of fold it finds more traps than the fixed half-and-half blend it
replaces at the same false-alarm rate (docs/detection.md).

Each trap is still decided on its own (its own sigmoid and threshold), so a strong first trap
never suppresses a second; a trap is also reported when one sentence alone states it beyond
doubt (`alone`): the whole-text head, trained on plans, must not veto a one-line draft that says
the trap outright.

Beside a trap reported with near certainty, another trap needs less (`second`): the stacker is
fitted per trap, and on our corpus it learned that one trap's strong scores explain the others'
away, which is right for the many one-trap texts and wrong for a text with two. Out of fold it
found both traps of two-trap texts 0.696 -> 0.838 of the time and raised macro-F1 0.885 -> 0.896;
it cannot add a clean-text false alarm, as it only ever adds to a text already flagged
(docs/detection.md, "the decision layer, squeezed").
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.models import TRAP_NUMBERS

# Never report on a sentence alone below this, whatever the corpus seems to allow.
_LOWEST_ALONE = 0.9
_EPSILON = 1e-4
# Candidate thresholds; a trap whose clean-text false alarms exceed its share of the budget
# at every one of them is only reported on a sentence alone (threshold above 1).
_GRID = np.arange(0.05, 0.995, 0.01)
_NEVER = 1.01
# A trap reported with at least this probability lowers the bar for the others to `second`.
# Not tuned: 0.9 to 0.99 and "any trap reported" gave the same out-of-fold macro-F1 within
# 0.005; a high bar keeps a shaky first finding from pulling in a second.
SURE = 0.9


def logit(p: np.ndarray) -> np.ndarray:
    q = np.clip(p, _EPSILON, 1 - _EPSILON)
    return np.log(q / (1 - q))  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Stacker:
    """Per trap, a logistic regression over the logits of both heads' scores for all traps."""

    coef: np.ndarray  # (2 * traps, traps): best-sentence logits first, then whole-text logits
    intercept: np.ndarray  # (traps,)

    def __call__(self, sentence: np.ndarray, whole: np.ndarray) -> np.ndarray:
        """Probabilities per trap, for one text (traps,) or for rows of texts (n, traps)."""
        features = np.concatenate([logit(sentence), logit(whole)], axis=-1)
        return 1.0 / (1.0 + np.exp(-(features @ self.coef + self.intercept)))  # type: ignore[no-any-return]


@dataclass(frozen=True)
class OutOfFold:
    sentence: np.ndarray  # (drafts, traps): the best sentence's score
    whole: np.ndarray  # (drafts, traps): the whole-text head's score
    gold: list[frozenset[int]]
    # the stacker's out-of-fold probability (the decision score); set by bot.core.train
    combined: np.ndarray | None = None

    @property
    def truth(self) -> np.ndarray:
        return np.array([[t in g for t in TRAP_NUMBERS] for g in self.gold], dtype=bool)

    @property
    def score(self) -> np.ndarray:
        return self.combined if self.combined is not None else (self.sentence + self.whole) / 2

    def save(self, path: Path) -> None:
        np.savez_compressed(path, sentence=self.sentence, whole=self.whole, truth=self.truth)

    @staticmethod
    def load(path: Path) -> OutOfFold:
        with np.load(path) as data:
            gold = [
                frozenset(t for t, hit in zip(TRAP_NUMBERS, row, strict=True) if hit)
                for row in data["truth"]
            ]
            return OutOfFold(data["sentence"], data["whole"], gold)


def flags(
    combined: np.ndarray,
    sentence: np.ndarray,
    thresholds: dict[int, float],
    alone: float,
    second: float = 2.0,
) -> np.ndarray:
    """Which traps are reported, for one text (traps,) or rows of texts (n, traps).

    A trap passes its threshold, or one sentence states it (`alone`), or another trap is
    reported with at least SURE and this one reaches `second` (above 1: never).
    """
    limits = np.array([thresholds[t] for t in TRAP_NUMBERS])
    first = (combined >= limits) | (sentence >= alone)
    sure = first & (combined >= SURE)
    beside_sure = sure.sum(axis=-1, keepdims=True) - sure > 0
    flagged: np.ndarray = first | (beside_sure & (combined >= second))
    return flagged


def _f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def figures(oof: OutOfFold, flagged: np.ndarray) -> tuple[list[float], float]:
    """Per-trap F1 and the clean-text false-positive rate."""
    truth = oof.truth
    f1s = [
        _f1(
            int((flagged[:, c] & truth[:, c]).sum()),
            int((flagged[:, c] & ~truth[:, c]).sum()),
            int((~flagged[:, c] & truth[:, c]).sum()),
        )
        for c in range(len(TRAP_NUMBERS))
    ]
    clean = ~truth.any(axis=1)
    return f1s, float(flagged[clean].any(axis=1).mean())


def choose_thresholds(oof: OutOfFold, max_clean_fpr: float) -> dict[int, float]:
    """Per trap, the threshold with the best F1 whose false alarms on clean texts stay rare.

    Each trap may spend a fifth of the clean-text false-positive budget, so that all five
    together stay within it: a false alarm costs the coach its credibility.
    """
    truth, score = oof.truth, oof.score
    clean = ~truth.any(axis=1)
    chosen = {}
    for column, t in enumerate(TRAP_NUMBERS):
        best = (-1.0, _NEVER)
        for threshold in _GRID:
            flagged = score[:, column] >= threshold
            if flagged[clean].mean() > max_clean_fpr / len(TRAP_NUMBERS):
                continue
            hit = truth[:, column]
            f1 = _f1(
                int((flagged & hit).sum()), int((flagged & ~hit).sum()), int((~flagged & hit).sum())
            )
            if f1 > best[0]:
                best = (f1, float(round(threshold, 2)))
        chosen[t] = best[1]
    return chosen


def choose_alone(oof: OutOfFold, thresholds: dict[int, float], max_clean_fpr: float) -> float:
    """The sentence score that reports a trap on its own: best macro-F1 within the FPR budget."""
    never = figures(oof, flags(oof.score, oof.sentence, thresholds, 2.0))[0]
    best = (float(np.mean(never)), 2.0)
    for alone in np.arange(_LOWEST_ALONE, 1.0, 0.005):
        f1s, fpr = figures(oof, flags(oof.score, oof.sentence, thresholds, alone))
        if fpr <= max_clean_fpr and np.mean(f1s) > best[0]:
            best = (float(np.mean(f1s)), float(round(alone, 3)))
    return best[1]


def choose_second(oof: OutOfFold, thresholds: dict[int, float], alone: float) -> float:
    """The bar for a trap beside a sure one: best out-of-fold macro-F1, the highest on a tie.

    No budget to keep: the rule only adds a trap to a text already reported, so the clean-text
    false-positive rate is the same whatever it is; its cost is a wrong second trap on a
    one-trap text, which macro-F1 counts.
    """
    best = (float(np.mean(figures(oof, flags(oof.score, oof.sentence, thresholds, alone))[0])), 2.0)
    for second in _GRID[::-1]:
        f1s, _ = figures(oof, flags(oof.score, oof.sentence, thresholds, alone, second))
        if np.mean(f1s) > best[0]:
            best = (float(np.mean(f1s)), float(round(second, 2)))
    return best[1]


def report(oof: OutOfFold, thresholds: dict[int, float], alone: float, second: float = 2.0) -> str:
    flagged = flags(oof.score, oof.sentence, thresholds, alone, second)
    f1s, fpr = figures(oof, flagged)
    truth = oof.truth
    lines = [
        f"trap {t}: thr {thresholds[t]:.2f} F1 {f:.3f} recall "
        f"{(flagged[:, c] & truth[:, c]).sum() / max(1, truth[:, c].sum()):.3f}"
        for c, (t, f) in enumerate(zip(TRAP_NUMBERS, f1s, strict=True))
    ]
    multi = truth.sum(axis=1) >= 2
    both = float((flagged[multi] | ~truth[multi]).all(axis=1).mean()) if multi.any() else 0.0
    lines.append(
        f"sentence alone {alone:.3f}  second trap {second:.2f}  "
        f"macro-F1 {np.mean(f1s):.3f}  clean FPR {fpr:.3f}  "
        f"all traps of multi-trap texts {both:.3f} ({int(multi.sum())})"
    )
    return "\n".join(lines)
