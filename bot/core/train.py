"""Build the offline model from our own labelled corpus (training/) and the knowledge base.

    python -m bot.core.train            # rebuild bot/core/artifacts/offline-model.npz
    python -m bot.core.train --cv       # 5-fold cross-validation on the corpus, no artefact

The evaluation set in ../shared/eval is never read here: it only measures (coach eval).
Thresholds are chosen on out-of-fold predictions of the training corpus itself.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, KFold

from bot.core.corpus import (
    Draft,
    fingerprint,
    load_drafts,
    load_questions,
    sentence_units,
    whole_units,
)
from bot.core.decision import (
    OutOfFold,
    Stacker,
    choose_alone,
    choose_second,
    choose_thresholds,
    figures,
    flags,
    logit,
    report,
)
from bot.core.detector import DetectorModel, TrapDetector
from bot.core.features import ANALYZERS, VIEWS, tag, untag
from bot.core.knowledge import KnowledgeBase
from bot.core.linear import Featurizer, Head, View
from bot.core.model import OfflineModel
from bot.core.resources import data_dir, model_path
from bot.core.router import CLASSES, NOT_COVERED, QuestionRouter, RouterModel
from bot.models import LANGUAGES, TRAP_NUMBERS, Language

SEED = 7


CONCEPT_WEIGHT = 1.0
# Regularisation of the stacker (bot.core.decision.Stacker): ten inputs, thousands of rows.
STACKER_C = 1.0
# The clean-text false-positive budget out of fold (issue 12: at most 3 %). The thresholds may
# spend a fifth of it per trap; reporting a trap on one sentence alone may use what they leave,
# never more. (It was 5 % plus half a point for the sentence-alone rule: the held-out split
# then showed 5.6 % false alarms.)
MAX_CLEAN_FPR = 0.03
# The router's regularisation: five-fold CV on our questions prefers 20 to 8 (top-1 0.903 ->
# 0.908, "not covered" right 0.910 -> 0.924 at the same floor).
ROUTER_C = 20.0
_MIN_DF = {"words": 2, "chars": 3, "concepts": 2}


class TrainingFeaturizer:
    """scikit-learn's TF-IDF over our analyzers; exported to bot.core.linear for the runtime."""

    def __init__(self, concept_weight: float = CONCEPT_WEIGHT) -> None:
        self.weights = {"words": 1.0, "chars": 1.0, "concepts": concept_weight}
        self.vectorizers = {
            name: TfidfVectorizer(
                analyzer=_analyzer(name), min_df=_MIN_DF[name], sublinear_tf=True, lowercase=False
            )
            for name in VIEWS
        }

    def fit_transform(self, texts: list[str], languages: list[Language]) -> csr_matrix:
        docs = [tag(t, lang) for t, lang in zip(texts, languages, strict=True)]
        for vectorizer in self.vectorizers.values():
            vectorizer.fit(docs)
        return self.transform(texts, languages)

    def transform(self, texts: list[str], languages: list[Language]) -> csr_matrix:
        docs = [tag(t, lang) for t, lang in zip(texts, languages, strict=True)]
        blocks = [self.vectorizers[n].transform(docs) * self.weights[n] for n in VIEWS]
        return hstack(blocks, format="csr")

    def export(self) -> Featurizer:
        views, offset = [], 0
        for name in VIEWS:
            vectorizer = self.vectorizers[name]
            vocabulary = {str(k): int(v) for k, v in vectorizer.vocabulary_.items()}
            views.append(View(vocabulary, vectorizer.idf_.copy(), offset, self.weights[name]))
            offset += len(vocabulary)
        return Featurizer(tuple(views))


def _analyzer(name: str):  # type: ignore[no-untyped-def]
    analyze = ANALYZERS[name]
    return lambda tagged: analyze(*untag(tagged))


def _binary_head(models: list[LogisticRegression]) -> Head:
    coef = np.column_stack([m.coef_[0] for m in models])
    return Head(coef, np.array([m.intercept_[0] for m in models]), softmax=False)


def _classifier(c: float) -> LogisticRegression:
    return LogisticRegression(C=c, class_weight="balanced", max_iter=3000, solver="liblinear")


def fit_detector(drafts: list[Draft], kb: KnowledgeBase, c: float = 40.0) -> DetectorModel:
    """Both heads; the stacker and thresholds come from out-of-fold scores (see `build`)."""
    sentences, wholes = sentence_units(drafts, kb), whole_units(drafts, kb)
    featurizer = TrainingFeaturizer()
    featurizer.fit_transform(
        [u.text for u in sentences + wholes], [u.language for u in sentences + wholes]
    )
    xs = featurizer.transform([u.text for u in sentences], [u.language for u in sentences])
    xw = featurizer.transform([u.text for u in wholes], [u.language for u in wholes])
    sentence = [_classifier(c).fit(xs, [t in u.traps for u in sentences]) for t in TRAP_NUMBERS]
    whole = [_classifier(c).fit(xw, [t in u.traps for u in wholes]) for t in TRAP_NUMBERS]
    return DetectorModel(
        featurizer.export(),
        _binary_head(sentence),
        _binary_head(whole),
        dict.fromkeys(TRAP_NUMBERS, 0.5),
        _half_and_half(),
    )


def _half_and_half() -> Stacker:
    """A stand-in until the stacker is fitted: the mean of both heads' logits."""
    n = len(TRAP_NUMBERS)
    return Stacker(np.vstack([np.eye(n), np.eye(n)]) / 2, np.zeros(n))


def fit_stacker(sentence: np.ndarray, whole: np.ndarray, truth: np.ndarray) -> Stacker:
    features = np.hstack([logit(sentence), logit(whole)])
    models = [
        LogisticRegression(C=STACKER_C, max_iter=3000).fit(features, truth[:, c])
        for c in range(len(TRAP_NUMBERS))
    ]
    coef = np.column_stack([m.coef_[0] for m in models])
    return Stacker(coef, np.array([m.intercept_[0] for m in models]))


def stack(oof: OutOfFold) -> tuple[OutOfFold, Stacker]:
    """The stacker's own out-of-fold probabilities (thresholds are chosen on those), and the
    stacker fitted on all out-of-fold scores (the one shipped)."""
    truth, combined = oof.truth, np.zeros(oof.sentence.shape)
    for train_idx, test_idx in KFold(5, shuffle=True, random_state=SEED).split(oof.sentence):
        stacker = fit_stacker(oof.sentence[train_idx], oof.whole[train_idx], truth[train_idx])
        combined[test_idx] = stacker(oof.sentence[test_idx], oof.whole[test_idx])
    return replace(oof, combined=combined), fit_stacker(oof.sentence, oof.whole, truth)


def router_rows(
    questions: list[tuple[Language, str, int]], kb: KnowledgeBase
) -> list[tuple[Language, str, int]]:
    rows = list(questions)
    for item in kb:
        for language in LANGUAGES:
            entry = item.entry(language)
            for text in (entry.title, entry.summary, entry.misconception, *entry.warning_signs):
                rows.append((language, text, item.number))
            rows.append((language, " ".join(entry.keywords), item.number))
    return rows


def choose_floor(questions: list[tuple[Language, str, int]], kb: KnowledgeBase) -> float:
    """The "not covered" floor that best balances in-scope and null accuracy out of fold."""
    predictions: list[tuple[int, dict[int, float]]] = []
    index = np.arange(len(questions))
    for train_idx, test_idx in GroupKFold(n_splits=5).split(index, groups=index):
        router = QuestionRouter(fit_router([questions[i] for i in train_idx], kb), kb)
        for i in test_idx:
            language, text, gold = questions[i]
            predictions.append((gold, router.probabilities(text, language)))
    best = (-1.0, 0.3)
    for floor in np.arange(0.15, 0.7, 0.01):
        scope: list[bool] = []
        null: list[bool] = []
        for gold, probs in predictions:
            topic = max((t for t in probs if t != NOT_COVERED), key=probs.__getitem__)
            covered = probs[topic] >= floor and probs[topic] > probs[NOT_COVERED]
            predicted = topic if covered else NOT_COVERED
            (null if gold == NOT_COVERED else scope).append(predicted == gold)
        balanced = (np.mean(scope) + np.mean(null)) / 2
        if balanced > best[0]:
            best = (float(balanced), float(round(floor, 2)))
    print(f"router: floor {best[1]:.2f}, balanced out-of-fold accuracy {best[0]:.3f}")
    return best[1]


def fit_router(
    questions: list[tuple[Language, str, int]],
    kb: KnowledgeBase,
    c: float = ROUTER_C,
    floor: float = 0.3,
) -> RouterModel:
    rows = router_rows(questions, kb)
    featurizer = TrainingFeaturizer()
    features = featurizer.fit_transform([r[1] for r in rows], [r[0] for r in rows])
    classifier = LogisticRegression(C=c, class_weight="balanced", max_iter=3000).fit(
        features, [r[2] for r in rows]
    )
    assert tuple(classifier.classes_) == CLASSES
    head = Head(classifier.coef_.T.copy(), classifier.intercept_.copy(), softmax=True)
    return RouterModel(featurizer.export(), head, floor)


def out_of_fold(
    drafts: list[Draft], kb: KnowledgeBase, c: float
) -> tuple[OutOfFold, dict[int, list[float]]]:
    """Scores per draft, and per trap the sentence scores of its evidence quotes."""
    whole = np.zeros((len(drafts), len(TRAP_NUMBERS)))
    sentence = np.zeros((len(drafts), len(TRAP_NUMBERS)))
    quotes: dict[int, list[float]] = {t: [] for t in TRAP_NUMBERS}
    groups = np.arange(len(drafts))
    for train_idx, test_idx in GroupKFold(n_splits=5).split(groups, groups=groups):
        model = fit_detector([drafts[i] for i in train_idx], kb, c)
        detector = TrapDetector(model, kb)
        for i in test_idx:
            scores = detector.scores(drafts[i].text, drafts[i].language)
            whole[i] = scores.whole
            sentence[i] = scores.best_sentence
            for number, quote in drafts[i].evidence.items():
                support = detector.support(quote, drafts[i].language)
                quotes[number].append(float(support[TRAP_NUMBERS.index(number)]))
    return OutOfFold(sentence, whole, [d.traps for d in drafts]), quotes


def choose_support_floor(quotes: dict[int, list[float]], oof: OutOfFold) -> dict[int, float]:
    """Per trap, the sentence score an LLM's quote needs, out of fold: one that 9 in 10 true
    evidence quotes reach, but not below what the best sentence of 1 in 20 clean drafts reaches.
    """
    clean = np.array([not g for g in oof.gold])
    floor = {}
    for column, t in enumerate(TRAP_NUMBERS):
        true = float(np.quantile(quotes[t], 0.1)) if quotes[t] else 0.5
        false = float(np.quantile(oof.sentence[clean, column], 0.95)) if clean.any() else 0.5
        floor[t] = round(max(true, false), 3)
    return floor


@dataclass(frozen=True)
class Decision:
    stacker: Stacker
    thresholds: dict[int, float]
    alone: float
    second: float


def decide(oof: OutOfFold) -> Decision:
    """The stacker and every bar of the rule, all chosen on out-of-fold scores."""
    oof, stacker = stack(oof)
    thresholds = choose_thresholds(oof, MAX_CLEAN_FPR)
    _, fpr = figures(oof, flags(oof.score, oof.sentence, thresholds, 2.0))
    alone = choose_alone(oof, thresholds, max(fpr, MAX_CLEAN_FPR))
    second = choose_second(oof, thresholds, alone)
    print(report(oof, thresholds, alone, second))
    return Decision(stacker, thresholds, alone, second)


def build(c: float = 40.0, save_oof: Path | None = None) -> OfflineModel:
    kb = KnowledgeBase.load(data_dir("knowledge"))
    drafts = load_drafts()
    oof, quotes = out_of_fold(drafts, kb, c)
    if save_oof:
        oof.save(save_oof)
    decision = decide(oof)
    floor = choose_support_floor(quotes, oof)
    print(f"support floor for LLM-added traps: {floor}")
    detector = replace(
        fit_detector(drafts, kb, c),
        stacker=decision.stacker,
        thresholds=decision.thresholds,
        alone=decision.alone,
        second=decision.second,
        support_floor=floor,
    )
    questions = load_questions()
    router = fit_router(questions, kb, floor=choose_floor(questions, kb))
    return OfflineModel(detector, router, fingerprint())


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cv", action="store_true", help="cross-validate only")
    parser.add_argument("-C", type=float, default=40.0)
    parser.add_argument("--save-oof", type=Path, help="keep out-of-fold scores (.npz)")
    args = parser.parse_args()
    if args.cv:
        kb = KnowledgeBase.load(data_dir("knowledge"))
        oof, _ = out_of_fold(load_drafts(), kb, args.C)
        if args.save_oof:
            oof.save(args.save_oof)
        decide(oof)
        return
    model = build(args.C, args.save_oof)
    model.save(model_path())
    size = model_path().stat().st_size // 1024
    print(f"wrote {model_path()} ({size} KiB), fingerprint {model.fingerprint}")


if __name__ == "__main__":
    main()
