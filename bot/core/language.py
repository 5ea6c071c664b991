"""Which of the coach's languages (en, de, it) to answer in.

lingua ships its n-gram models inside the wheel (no download). Its low-accuracy mode loads in
tens of milliseconds and little memory, but on short Slack messages it wobbles ("What's the
wifi password in the Berlin office?" comes out Italian); its high-accuracy mode costs 200 MB and
0.6 s to load. Function words settle short texts instead: the stop-word lists of the
`stop-words` package, minus the words two of our languages share, decide when one language
clearly has more of them. A few other European languages are in lingua's model so that a French
or Spanish text is recognised as "other" instead of being forced into en/de/it; their own
function words keep such a text from being settled as Italian on "la" and "con".

Loanwords must not outvote a text's grammar: a German plan full of "Call-to-Action",
"Owned Media first" and "Community Management" is German. Only function words that stand as
words of the sentence count: lower-case (or opening a sentence) and not part of a hyphenated
compound. English nouns inside German are capitalised; English function words are not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, cached_property

from lingua import Language as LinguaLanguage
from lingua import LanguageDetector as LinguaDetector
from lingua import LanguageDetectorBuilder
from stop_words import get_stop_words

from bot.models import LANGUAGES, Language

_EXTRA_WORDS: dict[Language, frozenset[str]] = {
    "en": frozenset(
        "the and is are we our you your to of for not with this that it be will do don't "
        "can should how why what hi thanks today tomorrow".split()
    ),
    "de": frozenset(
        "der die das und ist sind wir unser unsere sie nicht mit für ein eine zu auf dem den "
        "wie ich es auch kein keine bei sollten können warum was hallo danke heute morgen "
        "nein ja bitte".split()
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
# A word that can be a function word: not glued to a hyphen on either side ("Call-to-Action").
_FREE_WORD = re.compile(r"(?<![-‐])\b[^\W\d_]+(?:'[^\W\d_]+)?\b(?![-‐])")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\n•*-]\s*)$")
# Spelling no English loanword has: umlauts and ß; Italian elisions (l'account, cos'è, dell').
_GERMAN_LETTERS = re.compile(r"[^\W\d_]*[äöüß][^\W\d_]*", re.IGNORECASE)
_ITALIAN_ELISION = re.compile(
    r"\b(?:[ldcsmtn]|un|all|dall|dell|nell|sull|quest|quell|cos|dov|com|anch|c)'(?=[^\W\d_])",
    re.IGNORECASE,
)
# A text's language shows in its first few thousand characters; a 40,000-character paste
# need not be read whole for it.
_SAMPLE_CHARS = 4000
# Languages we do not review, whose function words flag a text as probably not ours.
_FOREIGN = ("fr", "es", "pt", "nl")


@cache
def _function_words() -> dict[Language, frozenset[str]]:
    """Each language's stop words that the other two languages do not also use."""
    words = {lang: set(get_stop_words(lang)) | _EXTRA_WORDS[lang] for lang in LANGUAGES}
    return {
        lang: frozenset(words[lang].difference(*(words[o] for o in LANGUAGES if o != lang)))
        for lang in LANGUAGES
    }


@cache
def _foreign_words() -> frozenset[str]:
    ours = set().union(*(set(get_stop_words(lang)) | _EXTRA_WORDS[lang] for lang in LANGUAGES))
    theirs = set().union(*(set(get_stop_words(lang)) for lang in _FOREIGN))
    return frozenset(w for w in theirs - ours if len(w) > 1)


def _grammar_words(text: str) -> list[str]:
    """The words that may be function words: lower-case or sentence-initial, not in compounds."""
    found = []
    for match in _FREE_WORD.finditer(text):
        word = match.group()
        if word.islower() or _SENTENCE_START.search(
            text[max(0, match.start() - 3) : match.start()]
        ):
            found.append(word.lower())
    return found


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
        text = text[:_SAMPLE_CHARS]
        words = [w.lower() for w in _WORD.findall(text)]
        if not words:
            return Detection(fallback, "und", 0.0)
        function_words, grammar = _function_words(), _grammar_words(text)
        hits = {lang: sum(w in function_words[lang] for w in grammar) for lang in LANGUAGES}
        hits["de"] += len(_GERMAN_LETTERS.findall(text))
        hits["it"] += len(_ITALIAN_ELISION.findall(text))
        # English is where the loanwords come from ("first", "via", "to"): its function words
        # count half against the others; German and Italian ones never appear in English text.
        weighed = {lang: hits[lang] * (0.5 if lang == "en" else 1.0) for lang in LANGUAGES}
        ranked = sorted(LANGUAGES, key=lambda lang: -weighed[lang])
        best, second = weighed[ranked[0]], weighed[ranked[1]]
        foreign = sum(w in _foreign_words() for w in grammar)
        if hits[ranked[0]] >= 2 and best >= 2 * max(second, foreign):
            return Detection(ranked[0], ranked[0], min(1.0, 0.5 + best / len(words)))
        scores = {
            _LINGUA[c.language]: c.value
            for c in self._lingua.compute_language_confidence_values(" ".join(words))
        }
        for lang in LANGUAGES:  # a weaker nudge from function words when neither side is clear
            scores[lang] = scores.get(lang, 0.0) + hits[lang] / len(words)
        code = max(scores, key=lambda c: scores[c])
        if code not in LANGUAGES and foreign < 2:
            # lingua's guess alone is not enough to tell a user we cannot read the text
            code = max(LANGUAGES, key=lambda c: scores[c])
        confidence = min(1.0, scores[code])
        if code not in LANGUAGES or confidence < 0.3:
            return Detection(fallback, code, confidence)  # best effort: answer in the fallback
        return Detection(code, code, confidence)
