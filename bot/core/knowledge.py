"""The knowledge base: five misconceptions in en/de/it, loaded once into validated, frozen objects.

One YAML file per misconception in `knowledge/`. A missing language or field stops start-up
with a message naming the file and the field.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from bot.models import LANGUAGES, TRAP_NUMBERS, Citation, Language

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class KnowledgeError(Exception):
    """The knowledge base is missing, malformed or incomplete."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Entry(_Frozen):
    """One misconception in one language."""

    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=90)]
    summary: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=160)]
    misconception: Text
    why_wrong: Text
    instead: Text
    warning_signs: tuple[Text, ...] = Field(min_length=1)
    keywords: tuple[Text, ...] = Field(min_length=1)


class Source(_Frozen):
    author: Text
    publication: Text
    title: dict[Language, Text]
    section: int = Field(ge=1, le=5)


class Misconception(_Frozen):
    number: int = Field(ge=1, le=5)
    slug: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z-]+$")]
    source: Source
    en: Entry
    de: Entry
    it: Entry

    def entry(self, language: Language) -> Entry:
        entry: Entry = getattr(self, language)
        return entry

    def citation(self, language: Language) -> Citation:
        return Citation(number=self.number, slug=self.slug, title=self.entry(language).title)


class KnowledgeBase:
    """The five misconceptions, by number."""

    def __init__(self, items: dict[int, Misconception]) -> None:
        if sorted(items) != list(TRAP_NUMBERS):
            raise KnowledgeError(f"expected misconceptions 1-5, found {sorted(items)}")
        self._items = dict(sorted(items.items()))

    def __iter__(self) -> Iterator[Misconception]:
        return iter(self._items.values())

    def __getitem__(self, number: int) -> Misconception:
        return self._items[number]

    def slug(self, number: int) -> str:
        return self._items[number].slug

    @classmethod
    def load(cls, directory: Path) -> KnowledgeBase:
        files = sorted(directory.glob("*.yaml"))
        if not files:
            raise KnowledgeError(f"{directory}: no knowledge files (*.yaml) found")
        items: dict[int, Misconception] = {}
        for path in files:
            item = _load_file(path)
            if item.number in items:
                raise KnowledgeError(f"{path.name}: misconception {item.number} defined twice")
            items[item.number] = item
        return cls(items)


def _load_file(path: Path) -> Misconception:
    try:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: 15x faster
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506
    except (OSError, yaml.YAMLError) as exc:
        raise KnowledgeError(f"{path}: cannot read YAML ({exc})") from exc
    if not isinstance(raw, dict):
        raise KnowledgeError(f"{path}: expected a mapping at the top level")
    try:
        item = Misconception.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        raise KnowledgeError(f"{path}: field '{field}': {first['msg']}") from exc
    expected = f"{item.number}-{item.slug}.yaml"
    if path.name != expected:
        raise KnowledgeError(f"{path}: file name should be {expected}")
    missing = [lang for lang in LANGUAGES if lang not in item.source.title]
    if missing:
        raise KnowledgeError(f"{path}: field 'source.title.{missing[0]}': Field required")
    return item
