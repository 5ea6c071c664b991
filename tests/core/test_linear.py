"""The numpy runtime (bot.core.linear) computes exactly what scikit-learn computes at training time."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.corpus import load_questions
from bot.core.knowledge import KnowledgeBase
from bot.core.linear import Featurizer, part_counts, predict
from bot.core.resources import data_dir
from bot.core.train import TrainingFeaturizer, fit_router

SAMPLES = [
    ("en", "We never answer complaints, it's a promo channel."),
    ("de", "Wie viel Budget brauchen wir für Social Media?"),
    ("it", "Ogni post deve portare lead entro domani!"),
    ("en", "🎉 <@U1> ok"),
    ("en", ""),
]


@pytest.fixture(scope="module")
def fitted() -> TrainingFeaturizer:
    texts = [
        "We answer every comment.",
        "No budget, it is free.",
        "Jeder Post muss Umsatz bringen.",
        "Ogni post deve portare vendite.",
        "We never answer comments.",
        "Kein Budget nötig.",
    ]
    featurizer = TrainingFeaturizer(concept_weight=1.7)
    featurizer.fit_transform(texts * 3, ["en", "en", "de", "it", "en", "de"] * 3)
    return featurizer


def test_vectors_match_scikit_learn(fitted: TrainingFeaturizer) -> None:
    runtime: Featurizer = fitted.export()
    expected = fitted.transform([t for _, t in SAMPLES], [lang for lang, _ in SAMPLES]).toarray()
    for row, (language, text) in enumerate(SAMPLES):
        vector = runtime.vector(text, language)  # type: ignore[arg-type]
        dense = np.zeros(runtime.size)
        dense[vector.columns] = vector.values
        np.testing.assert_allclose(dense, expected[row], atol=1e-9)


def test_router_probabilities_match_scikit_learn() -> None:
    kb = KnowledgeBase.load(data_dir("knowledge"))
    questions = load_questions()[:120]
    model = fit_router(questions, kb)
    # rebuild the same scikit-learn model to compare against
    from sklearn.linear_model import LogisticRegression

    from bot.core.train import ROUTER_C, router_rows

    rows = router_rows(questions, kb)
    featurizer = TrainingFeaturizer()
    features = featurizer.fit_transform([r[1] for r in rows], [r[0] for r in rows])
    classifier = LogisticRegression(C=ROUTER_C, class_weight="balanced", max_iter=3000).fit(
        features, [r[2] for r in rows]
    )
    expected = classifier.predict_proba(
        featurizer.transform([t for _, t in SAMPLES], [lang for lang, _ in SAMPLES])
    )
    got = predict(model.head, [model.featurizer.vector(t, lang) for lang, t in SAMPLES])  # type: ignore[arg-type]
    np.testing.assert_allclose(got, expected, atol=1e-5)


def _dense(featurizer: Featurizer, vector) -> np.ndarray:  # type: ignore[no-untyped-def]
    dense = np.zeros(featurizer.size)
    dense[vector.columns] = vector.values
    return dense


@pytest.fixture(scope="module")
def shipped() -> Featurizer:
    from bot.core.model import OfflineModel
    from bot.core.resources import model_path

    return OfflineModel.load(model_path()).detector.featurizer


def test_joined_vector_equals_featurizing_the_joined_text(shipped: Featurizer) -> None:
    """The detector's shortcut (sums of the parts' counts) is exact, on our whole corpus."""
    from bot.core.corpus import load_drafts
    from bot.core.text import segments, to_plain

    for draft in load_drafts()[::7]:
        parts = [p.plain for p in segments(to_plain(draft.text))]
        if not parts:
            continue
        counts = [part_counts(part, draft.language) for part in parts]
        vectors = shipped.part_vectors(counts)
        joined = shipped.joined(parts, counts, draft.language)
        expected = shipped.vector(" ".join(parts), draft.language)
        np.testing.assert_allclose(_dense(shipped, joined), _dense(shipped, expected), atol=1e-12)
        for part, vector in zip(parts, vectors, strict=True):
            np.testing.assert_allclose(
                _dense(shipped, vector),
                _dense(shipped, shipped.vector(part, draft.language)),
                atol=1e-12,
            )


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.text(min_size=1, max_size=40), min_size=1, max_size=6),
    st.sampled_from(["en", "de", "it"]),
)
def test_joined_vector_is_exact_for_any_parts(
    shipped: Featurizer, parts: list[str], language: str
) -> None:
    parts = [p.strip() for p in parts if p.strip() and "\n" not in p]
    if not parts:
        return
    counts = [part_counts(part, language) for part in parts]  # type: ignore[arg-type]
    joined = shipped.joined(parts, counts, language)  # type: ignore[arg-type]
    expected = shipped.vector(" ".join(parts), language)  # type: ignore[arg-type]
    np.testing.assert_allclose(_dense(shipped, joined), _dense(shipped, expected), atol=1e-12)
