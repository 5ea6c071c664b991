"""Question routing: which misconception answers a question, or "not covered".

A multinomial linear model over six classes — the five misconceptions and "outside the
knowledge base" — trained on our own questions and on the knowledge base's text. A question is
covered only when its best misconception beats both the "outside" class and a calibrated floor,
so hashtags, posting times and the office wifi get an honest "not covered".
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.knowledge import KnowledgeBase
from bot.core.linear import Featurizer, Head, predict
from bot.models import Language, TopicScore

NOT_COVERED = 0
CLASSES = (NOT_COVERED, 1, 2, 3, 4, 5)  # the head's output order


@dataclass(frozen=True)
class RouterModel:
    featurizer: Featurizer
    head: Head  # softmax over CLASSES
    floor: float


class QuestionRouter:
    def __init__(self, model: RouterModel, knowledge: KnowledgeBase) -> None:
        self.model = model
        self.knowledge = knowledge

    def probabilities(self, question: str, language: Language) -> dict[int, float]:
        vector = self.model.featurizer.vector(question, language)
        return dict(zip(CLASSES, predict(self.model.head, [vector])[0].tolist(), strict=True))

    def route(self, question: str, language: Language) -> tuple[int | None, tuple[TopicScore, ...]]:
        """The topic (None = not covered) and all five misconceptions ranked by score."""
        by_class = self.probabilities(question, language)
        ranking = tuple(
            sorted(
                (
                    TopicScore(number=m.number, slug=m.slug, score=round(by_class[m.number], 4))
                    for m in self.knowledge
                ),
                key=lambda s: -s.score,
            )
        )
        best = ranking[0]
        if best.score < self.model.floor or by_class[NOT_COVERED] >= best.score:
            return None, ranking
        return best.number, ranking
