"""The labelled training corpus (training/drafts, training/questions) and the units the
detector learns from: every sentence of a draft, each evidence quote, and the knowledge base's
warning signs (positives) and advice (negatives).

`fingerprint` identifies what a model was built from: the corpus, the knowledge base, and the
code that turns them into features. The shipped model records it, and a test fails when they
no longer match (then run `python -m bot.core.train`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bot.core.knowledge import KnowledgeBase
from bot.core.negation import unsay
from bot.core.resources import data_dir
from bot.core.router import NOT_COVERED
from bot.core.text import segments, to_plain
from bot.models import LANGUAGES, Language

TRAINING = Path(__file__).resolve().parents[2] / "training"
# training/heldout/ is never read here: it is the default set `coach eval` scores, so the
# figures it gives are out of sample (see training/split_heldout.py).
# The modules whose changes change what a model learns (next to this file).
_MODEL_SOURCES = (
    "corpus.py",
    "train.py",
    "features.py",
    "concepts.py",
    "concepts.yaml",
    "text.py",
    "linear.py",
    "decision.py",
    "negation.py",
)


@dataclass(frozen=True)
class Draft:
    language: Language
    text: str
    traps: frozenset[int]
    evidence: dict[int, str]


@dataclass(frozen=True)
class Unit:
    """One training example: a sentence or a whole text, with its traps."""

    group: int  # the draft it came from (kept together in cross-validation)
    language: Language
    text: str
    traps: frozenset[int]


def _jsonl(paths: Iterable[Path]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for path in sorted(paths):
        rows += [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    return rows


def load_drafts(root: Path = TRAINING) -> list[Draft]:
    drafts = []
    for row in _jsonl((root / "drafts").glob("*.jsonl")):
        evidence: dict[str, str] = row.get("evidence", {})  # type: ignore[assignment]
        traps: list[int] = row["traps"]  # type: ignore[assignment]
        language: Language = row["lang"]  # type: ignore[assignment]
        drafts.append(
            Draft(
                language=language,
                text=str(row["text"]),
                traps=frozenset(traps),
                evidence={int(k): v for k, v in evidence.items()},
            )
        )
    return drafts


def load_questions(root: Path = TRAINING) -> list[tuple[Language, str, int]]:
    return [
        (row["lang"], str(row["question"]), int(row["topic"] or NOT_COVERED))  # type: ignore[misc, call-overload]
        for row in _jsonl((root / "questions").glob("*.jsonl"))
    ]


def fingerprint(root: Path = TRAINING, knowledge: Path | None = None) -> str:
    digest = hashlib.sha256()
    for path in sorted(
        [
            *root.glob("drafts/*.jsonl"),
            *root.glob("questions/*.jsonl"),
            *(knowledge or data_dir("knowledge")).glob("*.yaml"),
        ]
    ):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    here = Path(__file__).resolve().parent
    for module in _MODEL_SOURCES:
        digest.update((here / module).read_bytes())
    return digest.hexdigest()[:16]


def sentence_units(drafts: list[Draft], kb: KnowledgeBase) -> list[Unit]:
    units: list[Unit] = []
    for group, draft in enumerate(drafts):
        spans = {}
        for number, quote in draft.evidence.items():
            at = draft.text.find(quote)
            spans[number] = (at, at + len(quote))
        for part in segments(to_plain(draft.text)):
            hit = frozenset(n for n, (s, e) in spans.items() if part.start < e and s < part.end)
            units.append(Unit(group, draft.language, unsay(part.plain, draft.language), hit))
        for number, quote in draft.evidence.items():
            quoted = unsay(to_plain(quote).text, draft.language)
            units.append(Unit(group, draft.language, quoted, frozenset({number})))
    # The knowledge base: its title, misconception and warning signs state the trap outright
    # (positives, each sentence on its own); "what to do instead" is good practice.
    for item in kb:
        for language in LANGUAGES:
            entry = item.entry(language)
            stated = [entry.title, *entry.warning_signs]
            stated += [p.plain for p in segments(to_plain(entry.misconception))]
            for sign in stated:
                units.append(Unit(-item.number, language, sign, frozenset({item.number})))
            for part in segments(to_plain(entry.instead)):
                units.append(Unit(-item.number, language, unsay(part.plain, language), frozenset()))
    return units


def whole_units(drafts: list[Draft], kb: KnowledgeBase | None = None) -> list[Unit]:
    units = []
    for group, draft in enumerate(drafts):
        plain = " ".join(unsay(p.plain, draft.language) for p in segments(to_plain(draft.text)))
        units.append(Unit(group, draft.language, plain or draft.text, draft.traps))
    # A one-line draft is judged whole too: the trap stated in the knowledge base's own words
    # (title, misconception, warning signs) must carry there as well as sentence by sentence.
    for item in kb or ():
        for language in LANGUAGES:
            entry = item.entry(language)
            for text in (entry.title, entry.misconception, *entry.warning_signs):
                units.append(Unit(-item.number, language, text, frozenset({item.number})))
    return units
