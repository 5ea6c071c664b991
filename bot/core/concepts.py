"""Cross-lingual concepts: words in en/de/it mapped onto the ideas the five traps are made of.

"kein Budget", "no budget" and "nessun budget" become the same concept pair NEG+BUDGET, so what
the detector learns in one language carries to the other two and to wordings it never saw.
Entries match at the start of a word (so "answer" covers "answered", "answering"); an entry
starting with "*" also matches inside a word, for German compounds ("Kommentarfunktion").
The lexicon is data (bot/core/concepts.yaml, loaded once) and follows the labelling guide
(shared/spec/traps.md), not any evaluation text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from itertools import combinations
from pathlib import Path

import yaml

from bot.models import LANGUAGES, Language

LEXICON_FILE = Path(__file__).with_name("concepts.yaml")


class LexiconError(Exception):
    """The concept lexicon is malformed."""


@cache
def _lexicon() -> dict[str, dict[str, str]]:
    # libyaml when available: the pure-Python loader alone took 50 ms of the start-up budget
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    raw = yaml.load(LEXICON_FILE.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506
    if not isinstance(raw, dict):
        raise LexiconError(f"{LEXICON_FILE}: expected a mapping of concepts")
    lexicon = {}
    for concept, by_language in raw.items():
        missing = [lang for lang in LANGUAGES if not (by_language or {}).get(lang)]
        if missing:
            raise LexiconError(f"{LEXICON_FILE}: concept {concept} has no entries for {missing[0]}")
        lexicon[str(concept)] = {str(k): str(v) for k, v in by_language.items()}
    return lexicon


def _pattern(words: str) -> str:
    """One regex per concept: entries at a word start, and "*" entries anywhere in a word.

    The entries are folded into a character trie ("com(?:ment|plain)…"): Python's regex engine
    tries alternatives one by one, and a flat list of a hundred literals made concept matching
    the slowest part of a check.
    """
    inner: dict[str, object] = {}
    starts: dict[str, object] = {}
    for entry in set(_split(words)):
        node = inner if entry.startswith("*") else starts
        text = entry.lstrip("*")
        for char in text:
            node = node.setdefault(char, {})  # type: ignore[assignment]
        # "pr", "per", "all": only as whole words
        node[""] = len(entry) <= 3
    parts = []
    if starts:
        parts.append(r"(?<![^\W_])" + _emit(starts))
    if inner:
        parts.append(_emit(inner))
    return "|".join(parts)


def _emit(node: dict[str, object]) -> str:
    options = [re.escape(char) + _emit(child) for char, child in sorted(node.items()) if char]  # type: ignore[arg-type]
    if "" in node:
        options.append(r"(?![^\W_])" if node[""] else "")
    if len(options) == 1:
        return options[0]
    return "(?:" + "|".join(options) + ")"


def _split(words: str) -> list[str]:
    return [w.strip() for w in words.split(",") if w.strip()]


# Pre-check keys: up to the first six letters of an entry's first word. Longer keys let fewer
# concepts through to their regex; every prefix of a text's words up to this length is indexed.
_KEY_LETTERS = 6
_KEY = re.compile(rf"[^\W_]{{1,{_KEY_LETTERS}}}")
_WORDS = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class _Concept:
    """A concept's regex plus a cheap exact pre-check: the word-start keys its entries need."""

    name: str
    pattern: re.Pattern[str]
    keys: frozenset[str]  # first letters (up to six) of entries that must start a word
    inner: tuple[str, ...]  # first letters of entries that may sit inside a word
    always: bool  # some entry starts with a symbol ("€0"): no pre-check possible


def _concept(name: str, words: str) -> _Concept:
    keys, inner, always = set(), [], False
    for entry in _split(words):
        key = _KEY.match(entry.lstrip("*"))
        if key is None:
            always = True
        elif entry.startswith("*"):
            inner.append(key.group())
        else:
            keys.add(key.group())
    return _Concept(name, re.compile(_pattern(words)), frozenset(keys), tuple(inner), always)


@cache
def _compiled(language: Language) -> tuple[_Concept, ...]:
    return tuple(
        _concept(concept, by_language[language] + ", " + by_language.get("universal", ""))
        for concept, by_language in _lexicon().items()
    )


def concepts(text: str, language: Language) -> list[str]:
    """The concepts a text mentions, in order of first appearance."""
    lowered = text.lower()
    starts: set[str] = set()
    for word in _WORDS.findall(lowered):
        starts.update(word[:n] for n in range(1, min(len(word), _KEY_LETTERS) + 1))
    found = []
    for concept in _compiled(language):
        if not (
            concept.always
            or not concept.keys.isdisjoint(starts)
            or any(key in lowered for key in concept.inner)
        ):
            continue
        match = concept.pattern.search(lowered)
        if match:
            found.append((match.start(), concept.name))
    return [name for _, name in sorted(found)]


# What a text does *not* mention matters too: a launch plan with promotion and no replies.
_ABSENCE = ("REPLY", "FRONTLINE", "BUDGET", "NOBODY")


def concept_tokens(text: str, language: Language) -> str:
    """Concepts, concept pairs and notable absences as space-separated vectorizer tokens."""
    found = concepts(text, language)
    found += [f"no-{c}" for c in _ABSENCE if c not in found]
    pairs = [f"{a}+{b}" for a, b in combinations(sorted(found), 2)]
    return " ".join([*found, *pairs])
