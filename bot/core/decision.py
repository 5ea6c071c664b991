"""How the detector's scores become findings, chosen on out-of-fold predictions of our corpus.

Each trap is decided on its own (one sigmoid per trap, its own threshold), so a strong first
trap never suppresses a second. A trap is reported when the blend of best sentence and whole
text passes its threshold, or when one sentence alone states it beyond doubt (`alone`): the
whole-text head, trained on plans, can otherwise veto a one-line draft that says the trap
outright, or the second trap of a plan whose bulk is about the first.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.models import TRAP_NUMBERS

# Never report on a sentence alone below this, whatever the corpus seems to allow.
_LOWEST_ALONE = 0.9


@dataclass(frozen=True)
class OutOfFold:
    blended: np.ndarray  # (drafts, traps)
    sentence: np.ndarray  # (drafts, traps): the best sentence's score
    gold: list[frozenset[int]]

    def save(self, path: Path) -> None:
        truth = np.array([[t in g for t in TRAP_NUMBERS] for g in self.gold])
        np.savez_compressed(path, blended=self.blended, sentence=self.sentence, truth=truth)

    @staticmethod
    def load(path: Path) -> OutOfFold:
        with np.load(path) as data:
            gold = [
                frozenset(t for t, hit in zip(TRAP_NUMBERS, row, strict=True) if hit)
                for row in data["truth"]
            ]
            return OutOfFold(data["blended"], data["sentence"], gold)


def flags(
    blended: np.ndarray, sentence: np.ndarray, thresholds: dict[int, float], alone: float
) -> np.ndarray:
    """Which traps are reported, for rows of scores (the detector's rule, vectorised)."""
    limits = np.array([thresholds[t] for t in TRAP_NUMBERS])
    flagged: np.ndarray = (blended >= limits) | (sentence >= alone)
    return flagged


def _f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def figures(oof: OutOfFold, flagged: np.ndarray) -> tuple[list[float], float]:
    """Per-trap F1 and the clean-text false-positive rate."""
    truth = np.array([[t in g for t in TRAP_NUMBERS] for g in oof.gold])
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
    """Per trap, the blend threshold with the best F1 whose false alarms on clean texts stay rare.

    Each trap may spend a fifth of the clean-text false-positive budget, so that all five
    together stay within it: a false alarm costs the coach its credibility.
    """
    truth = np.array([[t in g for t in TRAP_NUMBERS] for g in oof.gold])
    clean = ~truth.any(axis=1)
    chosen = {}
    for column, t in enumerate(TRAP_NUMBERS):
        best = (-1.0, 0.5)
        for threshold in np.arange(0.30, 0.95, 0.01):
            flagged = oof.blended[:, column] >= threshold
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
    never = figures(oof, flags(oof.blended, oof.sentence, thresholds, 2.0))[0]
    best = (float(np.mean(never)), 2.0)
    for alone in np.arange(_LOWEST_ALONE, 1.0, 0.005):
        f1s, fpr = figures(oof, flags(oof.blended, oof.sentence, thresholds, alone))
        if fpr <= max_clean_fpr and np.mean(f1s) > best[0]:
            best = (float(np.mean(f1s)), float(round(alone, 3)))
    return best[1]


def report(oof: OutOfFold, thresholds: dict[int, float], alone: float) -> str:
    f1s, fpr = figures(oof, flags(oof.blended, oof.sentence, thresholds, alone))
    lines = [
        f"trap {t}: thr {thresholds[t]:.2f} F1 {f:.3f}"
        for t, f in zip(TRAP_NUMBERS, f1s, strict=True)
    ]
    lines.append(f"sentence alone {alone:.3f}  macro-F1 {np.mean(f1s):.3f}  clean FPR {fpr:.3f}")
    return "\n".join(lines)
