"""Clauses that deny a trap's belief, blanked before the detector reads a text.

"Social media is not just a marketing channel", "Social Media gibt es nicht umsonst", "un errore
non è la fine del mondo": each says the opposite of a trap in the trap's own words, and a bag of
words and character n-grams cannot tell it from the trap (a sentence head scored such lines at
0.98–1.0). The false alarms they cause cost more than their count: the thresholds rise to keep
the clean-text budget, and recall falls for every trap. Word features for negation scope were
tried and did not help (docs/detection.md): the corpus has too few denials to learn them from.

So the denial is recognised by its grammar, which is the same across topics: a negation
followed, with nothing but copulas, articles and a few adverbs between, by

- a word of exclusivity ("not just", "nicht nur", "non solo", "isn't only") — the belief of
  traps 1 and 3 is that social media is *only* marketing's channel or *only* marketing's job;
  "alone" / "allein" / "da solo" may also close the clause ("not marketing's job alone");
- a word for free ("isn't free", "nicht umsonst", "non sono gratis") — trap 5's belief;
- a word for catastrophe ("is not the end of the world", "kein Weltuntergang", "non è un
  dramma") — trap 4's belief.

The clause holding the denial (up to a comma, colon, semicolon, dash, bracket or the end of
a sentence) is replaced by spaces, so the text keeps its length and every offset; the rest of
the sentence is read as before ("Social is not free, and the intern runs it unpaid" still
shows trap 5). Only negation *before* the belief word counts: "we only post offers, we don't
reply" is untouched. Used for training and scoring alike (bot.core.corpus, bot.core.detector),
never for the question router:
"isn't social media just marketing?" is a question about trap 1.
"""

from __future__ import annotations

import re

from bot.models import Language

_CLAUSE = re.compile(r"[^,;:.!?()\[\]–—]+")
_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")

_NEGATIONS: dict[Language, frozenset[str]] = {
    "en": frozenset({"not", "never", "nothing", "no", "nor", "neither"}),
    "de": frozenset(
        {"nicht", "nie", "niemals", "nichts", "kein", "keine", "keinen", "keinem", "keiner"}
        | {"keines", "weder"}
    ),
    "it": frozenset({"non", "mai", "niente", "nulla", "né", "neanche", "nemmeno", "neppure"}),
}
# Words that may stand between the negation and the belief word: copulas, auxiliaries,
# articles, pronouns and a few adverbs of degree ("is not really just", "ist nicht mehr nur").
_BETWEEN: dict[Language, frozenset[str]] = {
    "en": frozenset(
        {"is", "are", "was", "were", "be", "been", "being", "it", "that", "this", "a", "an"}
        | {"the", "really", "even", "exactly", "all", "so", "quite", "for", "at", "any", "about"}
        | {"actually", "necessarily", "longer", "anymore", "always", "big", "huge"}
    ),
    "de": frozenset(
        {"ist", "sind", "war", "waren", "sein", "es", "das", "der", "die", "den", "dem", "ein"}
        | {"eine", "einen", "einem", "wirklich", "so", "gleich", "mehr", "für", "fuer", "ganz"}
        | {"zwingend", "unbedingt", "immer", "gibt", "wird", "werden", "bleibt", "sache"}
        | {"große", "grosse", "großes", "grosses"}
    ),
    "it": frozenset(
        {"è", "sono", "era", "erano", "essere", "sarà", "la", "il", "lo", "l", "un"}
        | {"una", "uno", "i", "gli", "le", "affatto", "proprio", "davvero", "per", "più", "mica"}
        | {"poi", "così", "sempre", "necessariamente", "ci", "si"}
    ),
}
_ONLY: dict[Language, frozenset[str]] = {
    "en": frozenset({"just", "only", "merely", "simply", "solely", "purely", "exclusively"}),
    "de": frozenset(
        {"nur", "bloß", "bloss", "allein", "alleine", "lediglich", "ausschließlich"}
        | {"ausschliesslich"}
    ),
    "it": frozenset(
        {"solo", "soltanto", "solamente", "semplicemente", "unicamente", "esclusivamente"}
        | {"puramente"}
    ),
}
_FREE: dict[Language, frozenset[str]] = {
    "en": frozenset({"free", "costless"}),
    "de": frozenset({"kostenlos", "umsonst", "gratis", "kostenfrei", "geschenkt"}),
    "it": frozenset({"gratis", "gratuito", "gratuita", "gratuiti", "gratuite", "regalato"}),
}
_DISASTER: dict[Language, frozenset[str]] = {
    "en": frozenset(
        {"end", "disaster", "catastrophe", "catastrophic", "fatal", "crisis", "tragedy"}
        | {"drama", "scandal", "deal"}  # "no big deal"
    ),
    "de": frozenset(
        {"weltuntergang", "katastrophe", "krise", "drama", "ende", "beinbruch", "skandal"}
        | {"schlimm", "tragisch", "tragödie", "desaster"}
    ),
    "it": frozenset(
        {"fine", "tragedia", "disastro", "catastrofe", "crisi", "dramma", "grave", "scandalo"}
    ),
}
# A clause may close on "alone" after the negation's object: "not marketing's job alone".
_ALONE_AFTER: dict[Language, tuple[str, ...]] = {
    "en": ("alone", "on its own", "on their own", "by itself", "by themselves"),
    "de": ("allein", "alleine"),
    # singular only: "non si ripagano da sole" (they do not pay for themselves) is trap 2
    "it": ("da solo", "da sola", "per conto suo"),
}
_ALONE_REACH = 8  # words between the negation and a closing "alone"


def _tokens(clause: str) -> list[str]:
    return [t.lower().replace("’", "'") for t in _TOKEN.findall(clause)]


def _is_negation(token: str, language: Language) -> bool:
    return token in _NEGATIONS[language] or (language == "en" and token.endswith("n't"))


def denies(clause: str, language: Language) -> bool:
    """Whether `clause` denies a trap's belief (see the module's docstring)."""
    words = _tokens(clause)
    between = _BETWEEN[language]
    beliefs = _ONLY[language] | _FREE[language] | _DISASTER[language]
    for at, word in enumerate(words):
        if not _is_negation(word, language):
            continue
        for follower in words[at + 1 :]:
            if follower in beliefs:
                return True
            if follower not in between:
                break
        reach = " ".join(words[at + 1 : at + 1 + _ALONE_REACH])
        if any(re.search(rf"\b{re.escape(a)}\b", reach) for a in _ALONE_AFTER[language]):
            return True
    return False


def unsay(text: str, language: Language) -> str:
    """`text` with every clause that denies a trap's belief replaced by spaces."""
    if not any(_is_negation(t, language) for t in _tokens(text)):
        return text
    out = list(text)
    for clause in _CLAUSE.finditer(text):
        if denies(clause.group(), language):
            out[clause.start() : clause.end()] = " " * (clause.end() - clause.start())
    return "".join(out)
