"""Which of the coach's languages (en, de, it) to answer in.

lingua ships its n-gram models inside the wheel (no download). Its low-accuracy mode loads in
tens of milliseconds and little memory; on very short Slack messages it wobbles, so a handful of
function words per language settle those cases. A few other European languages are in the
model so that a French or Spanish text is recognised as "other" instead of being forced into
en/de/it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from lingua import Language as LinguaLanguage
from lingua import LanguageDetector as LinguaDetector
from lingua import LanguageDetectorBuilder

from bot.models import LANGUAGES, Language

_FUNCTION_WORDS: dict[Language, frozenset[str]] = {
    "en": frozenset(
        "the and is are we our you your to of for not with this that it be will do don't "
        "can should how why what hi thanks today tomorrow".split()
    ),
    "de": frozenset(
        "der die das und ist sind wir unser unsere sie nicht mit für ein eine zu auf dem den "
        "wie ich es auch kein keine bei sollten können warum was hallo danke heute morgen".split()
    ),
    "it": frozenset(
        "il lo la gli le e è sono noi nostro nostra non con per un una di che del della "
        "come io anche nessun alla ai dobbiamo possiamo perché cosa ciao grazie oggi domani".split()
    ),
}
_LINGUA = {
    LinguaLanguage.ENGLISH: "en",
    LinguaLanguage.GERMAN: "de",
    LinguaLanguage.ITALIAN: "it",
    LinguaLanguage.FRENCH: "fr",
    LinguaLanguage.SPANISH: "es",
    LinguaLanguage.PORTUGUESE: "pt",
    LinguaLanguage.DUTCH: "nl",
}
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


@dataclass(frozen=True)
class Detection:
    language: Language  # the language to answer in
    detected: str  # what the text looks like (ISO 639-1, or "und"); may be outside en/de/it
    confidence: float


class LanguageDetector:
    def __init__(self, default: Language = "en") -> None:
        self.default = default

    @cached_property
    def _lingua(self) -> LinguaDetector:
        return (
            LanguageDetectorBuilder.from_languages(*_LINGUA)
            .with_low_accuracy_mode()
            .with_preloaded_language_models()
            .build()
        )

    def warm_up(self) -> None:
        self.detect("warm up the language models")

    def detect(self, text: str, fallback: Language | None = None) -> Detection:
        """Detect the language; `fallback` (e.g. a Slack locale) wins when the text says little."""
        fallback = fallback or self.default
        words = [w.lower() for w in _WORD.findall(text)]
        if not words:
            return Detection(fallback, "und", 0.0)
        scores = {
            _LINGUA[c.language]: c.value
            for c in self._lingua.compute_language_confidence_values(" ".join(words))
        }
        # Function words are strong evidence in short texts, weaker as the text grows.
        weight = 3.0 / (len(words) + 3)
        for lang in LANGUAGES:
            share = sum(w in _FUNCTION_WORDS[lang] for w in words) / len(words)
            scores[lang] = scores.get(lang, 0.0) + weight * share * 2
        best = max(scores, key=lambda code: scores[code])
        confidence = min(1.0, scores[best])
        if best not in LANGUAGES:
            return Detection(fallback, best, confidence)  # best effort: answer in the fallback
        if confidence < 0.3:
            return Detection(fallback, best, confidence)
        return Detection(best, best, confidence)  # type: ignore[arg-type]
