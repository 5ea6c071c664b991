"""A small numpy runtime for the linear text models trained with scikit-learn (bot.core.train).

Importing scikit-learn costs about a second (scipy.stats), more than the coach's whole start-up
budget, so the runtime only needs numpy: training exports each TF-IDF view's vocabulary and idf
weights and each linear head's coefficients to a plain .npz file (no pickle), and this module
recomputes exactly what scikit-learn computes — sublinear tf, idf, L2 norm per view, then a
sigmoid (one-vs-rest heads) or a softmax (multinomial heads). tests/test_linear.py checks the
equality against scikit-learn itself.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from bot.core.features import ANALYZERS, VIEWS, char_ngrams, concept_ngrams, word_ngrams
from bot.models import Language


@dataclass(frozen=True)
class View:
    vocabulary: dict[str, int]
    idf: np.ndarray
    offset: int
    weight: float


@dataclass(frozen=True)
class Head:
    coef: np.ndarray  # (n_features, n_outputs)
    intercept: np.ndarray  # (n_outputs,)
    softmax: bool  # multinomial (softmax over outputs) or one-vs-rest (sigmoid each)


@dataclass(frozen=True)
class PartCounts:
    """A part's token counts per view, and its stems in order (for bigrams across a join)."""

    views: dict[str, Counter[str]]
    stems: list[str]


@dataclass(frozen=True)
class Vector:
    columns: np.ndarray
    values: np.ndarray


class Featurizer:
    """Text → sparse TF-IDF vector over the stacked views."""

    def __init__(self, views: tuple[View, ...]) -> None:
        self.views = views
        self.size = views[-1].offset + len(views[-1].idf)

    def vector(self, text: str, language: Language) -> Vector:
        return self._vector({name: Counter(ANALYZERS[name](text, language)) for name in VIEWS})

    def vectors(self, parts: list[str], language: Language) -> list[Vector]:
        return [self.vector(part, language) for part in parts]

    def part_vectors(self, counts: list[PartCounts]) -> list[Vector]:
        return [self._vector(c.views) for c in counts]

    def joined(self, parts: list[str], counts: list[PartCounts], language: Language) -> Vector:
        """The vector of `parts` joined by spaces, from the parts' own counts.

        The joined text's character n-grams and word unigrams are exactly the sums of the
        parts' (both work word by word, and a space starts no new word); its word bigrams add
        the pairs across each join. Reusing them halves the work of a check; concepts are
        matched on the joined text itself, since a phrase may span a join.
        """
        whole: dict[str, Counter[str]] = {"chars": Counter(), "words": Counter()}
        last: str | None = None
        for part in counts:
            whole["chars"].update(part.views["chars"])
            whole["words"].update(part.views["words"])
            stems = part.stems
            if stems and last is not None:
                whole["words"][f"{last} {stems[0]}"] += 1
            last = stems[-1] if stems else last
        whole["concepts"] = Counter(concept_ngrams(" ".join(parts), language))
        return self._vector(whole)

    def _vector(self, counts: dict[str, Counter[str]]) -> Vector:
        columns, values = [], []
        for name, view in zip(VIEWS, self.views, strict=True):
            vocabulary = view.vocabulary
            known = [
                (column, count)
                for token, count in counts[name].items()
                if (column := vocabulary.get(token)) is not None
            ]
            if not known:
                continue
            cols = np.fromiter((c for c, _ in known), dtype=np.int64, count=len(known))
            tf = 1.0 + np.log(
                np.fromiter((n for _, n in known), dtype=np.float64, count=len(known))
            )
            weights = tf * view.idf[cols]
            weights *= view.weight / np.linalg.norm(weights)
            columns.append(cols + view.offset)
            values.append(weights)
        if not columns:
            return Vector(np.zeros(0, dtype=np.int64), np.zeros(0))
        return Vector(np.concatenate(columns), np.concatenate(values))


def part_counts(part: str, language: Language) -> PartCounts:
    words = word_ngrams(part, language)
    views = {
        "words": Counter(words),
        "chars": Counter(char_ngrams(part, language)),
        "concepts": Counter(concept_ngrams(part, language)),
    }
    return PartCounts(views, words[: (len(words) + 1) // 2])


def predict(head: Head, vectors: list[Vector]) -> np.ndarray:
    """Probabilities, one row per vector and one column per output."""
    logits = np.stack([v.values @ head.coef[v.columns] + head.intercept for v in vectors]).astype(
        np.float64
    )
    if head.softmax:
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        softmax: np.ndarray = exp / exp.sum(axis=1, keepdims=True)
        return softmax
    sigmoid: np.ndarray = 1.0 / (1.0 + np.exp(-logits))
    return sigmoid


# -- (de)serialisation: flat arrays in one .npz, names prefixed by the model part -------------


def views_to_arrays(prefix: str, views: tuple[View, ...]) -> dict[str, np.ndarray]:
    arrays: dict[str, np.ndarray] = {}
    for name, view in zip(VIEWS, views, strict=True):
        tokens = sorted(view.vocabulary, key=view.vocabulary.__getitem__)
        arrays[f"{prefix}.{name}.tokens"] = np.array(tokens, dtype=str)
        arrays[f"{prefix}.{name}.idf"] = view.idf.astype(np.float64)
        arrays[f"{prefix}.{name}.weight"] = np.array(view.weight)
    return arrays


def views_from_arrays(prefix: str, arrays: dict[str, np.ndarray]) -> tuple[View, ...]:
    views, offset = [], 0
    for name in VIEWS:
        tokens = arrays[f"{prefix}.{name}.tokens"].tolist()
        idf = arrays[f"{prefix}.{name}.idf"]
        views.append(
            View(
                {t: i for i, t in enumerate(tokens)},
                idf,
                offset,
                float(arrays[f"{prefix}.{name}.weight"]),
            )
        )
        offset += len(tokens)
    return tuple(views)


def head_to_arrays(prefix: str, head: Head) -> dict[str, np.ndarray]:
    return {
        f"{prefix}.coef": head.coef.astype(np.float32),
        f"{prefix}.intercept": head.intercept.astype(np.float64),
        f"{prefix}.softmax": np.array(head.softmax),
    }


def head_from_arrays(prefix: str, arrays: dict[str, np.ndarray]) -> Head:
    return Head(
        arrays[f"{prefix}.coef"], arrays[f"{prefix}.intercept"], bool(arrays[f"{prefix}.softmax"])
    )
