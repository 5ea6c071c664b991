"""Text features shared by the trap detector and the question router.

Three views of a text, each an analyzer (text → tokens) used both by scikit-learn at training
time and by the small numpy runtime (bot.core.linear), so the two cannot drift apart:

- stemmed word uni/bi-grams: negations such as "no budget", "kein Budget", "nessun budget"
  survive as bigrams;
- character 3–5-grams within word boundaries: they carry across inflections, compounds and typos;
- cross-lingual concepts and concept pairs (bot.core.concepts).

Digits collapse to 0 so that "5 leads" and "10 leads" are the same feature.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from itertools import pairwise

import Stemmer

from bot.core.concepts import concept_tokens
from bot.models import Language

_STEMMERS = {"en": "english", "de": "german", "it": "italian"}
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?")
_DIGITS = re.compile(r"\d+")
_SPACES = re.compile(r"\s\s+")
_ELISION = re.compile(r"\b([^\W\d_]+)'(?=[^\W_])")  # Italian l'account, dell'azienda

# The views in the order their features are stacked; the concept view is up-weighted.
VIEWS = ("words", "chars", "concepts")
Analyzer = Callable[[str], list[str]]


@cache
def _stemmer(language: Language) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(_STEMMERS[language])


def normalise(text: str) -> str:
    return _DIGITS.sub("0", text.lower().replace("’", "'"))


def word_ngrams(text: str, language: Language) -> list[str]:
    """Stems, then the bigrams of neighbouring stems (so the first half are the stems)."""
    words = _WORD.findall(_ELISION.sub(r"\1 ", normalise(text)))
    stems: list[str] = _stemmer(language).stemWords(words)
    return stems + [f"{a} {b}" for a, b in pairwise(stems)]


def char_ngrams(text: str, language: Language) -> list[str]:
    """Character 3–5-grams inside space-padded words (scikit-learn's "char_wb" scheme)."""
    grams = []
    for word in _SPACES.sub(" ", normalise(text)).split():
        padded = f" {word} "
        for n in range(3, 6):
            if len(padded) <= n:
                grams.append(padded)  # a short word counts once, whole
                break
            grams += [padded[i : i + n] for i in range(len(padded) - n + 1)]
    return grams


def concept_ngrams(text: str, language: Language) -> list[str]:
    return concept_tokens(text, language).split()


ANALYZERS: dict[str, Callable[[str, Language], list[str]]] = {
    "words": word_ngrams,
    "chars": char_ngrams,
    "concepts": concept_ngrams,
}


def tag(text: str, language: Language) -> str:
    """Carry the language with the text through scikit-learn's single-argument analyzers."""
    return f"{language}\x00{text}"


def untag(tagged: str) -> tuple[str, Language]:
    language, _, text = tagged.partition("\x00")
    return text, language  # type: ignore[return-value]
