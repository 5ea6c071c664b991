"""The offline engine: knowledge base + language detection + trap detector + question router.

It needs no network and no keys. It is the embedded default, the fallback when an LLM fails,
and the fast first pass before any LLM call.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.core.detector import TrapDetector
from bot.core.knowledge import KnowledgeBase
from bot.core.language import LanguageDetector
from bot.core.model import OfflineModel
from bot.core.phrases import phrase
from bot.core.resources import data_dir, model_path
from bot.core.router import QuestionRouter
from bot.models import LANGUAGES, Answer, Language, Review

# A second misconception is cited too when it scores at least this share of the first.
_SEE_ALSO_SHARE = 0.6


@dataclass(frozen=True)
class OfflineEngine:
    knowledge: KnowledgeBase
    languages: LanguageDetector
    detector: TrapDetector
    router: QuestionRouter

    @classmethod
    def load(
        cls,
        knowledge_dir: Path | None = None,
        model_file: Path | None = None,
        default_language: Language = "en",
    ) -> OfflineEngine:
        knowledge = KnowledgeBase.load(knowledge_dir or data_dir("knowledge"))
        model = OfflineModel.load(model_file or model_path())
        languages = LanguageDetector(default_language)
        languages.warm_up()
        return cls(
            knowledge,
            languages,
            TrapDetector(model.detector, knowledge),
            QuestionRouter(model.router, knowledge),
        )

    def language(self, text: str, fallback: Language | None = None) -> Language:
        return self.languages.detect(text, fallback).language

    def review(self, text: str, fallback: Language | None = None) -> Review:
        detection = self.languages.detect(text, fallback)
        language = detection.language
        other = detection.detected if detection.detected not in (*LANGUAGES, "und") else None
        return Review(
            language=language,
            findings=self.detector.detect(text, language),
            other_language=other,
        )

    def answer(self, question: str, fallback: Language | None = None) -> Answer:
        language = self.language(question, fallback)
        topic, ranking = self.router.route(question, language)
        if topic is None:
            return Answer(
                language=language, topic=None, text=self.not_covered(language), ranking=ranking
            )
        item = self.knowledge[topic]
        entry = item.entry(language)
        citations = [item.citation(language)]
        text = (
            f"{entry.title}\n\n{phrase('why', language)}: {entry.why_wrong}\n\n"
            f"{phrase('instead', language)}: {entry.instead}"
        )
        runner_up = ranking[1]
        if runner_up.score >= _SEE_ALSO_SHARE * ranking[0].score:
            other = self.knowledge[runner_up.number]
            citations.append(other.citation(language))
            text += f"\n\n{phrase('see_also', language)}: {other.entry(language).summary}"
        return Answer(
            language=language, topic=topic, text=text, citations=tuple(citations), ranking=ranking
        )

    def not_covered(self, language: Language) -> str:
        topics = "\n".join(f"{m.number}. {m.entry(language).title}" for m in self.knowledge)
        return f"{phrase('not_covered', language)}\n{topics}\n\n{phrase('can_help', language)}"
