"""A gettext domain read from its .po files with Babel and checked strictly as it loads.

Messages are keyed (msgid "review_clean"), not English sentences: code and tests name a phrase
without repeating its wording, and English is a translation like the others. English is the
reference: every other language must have exactly its keys, the same plural shape and the
same {placeholders}; an empty or fuzzy (unreviewed) translation is an error. A catalogue that
breaks these rules does not load, so a broken translation stops `coach serve` at start-up and
fails the tests, instead of surfacing as a KeyError in the middle of a reply.
"""

from __future__ import annotations

import gettext
import string
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import PoFileError, read_po

from bot.models import LANGUAGES, Language

REFERENCE: Language = "en"

Forms = tuple[str, ...]  # one form, or the plural forms in the language's gettext order


class CatalogueError(Exception):
    """A .po file is missing, unreadable, or breaks the rules above."""


def placeholders(template: str) -> frozenset[str]:
    """The {names} a template needs; ValueError for a malformed one (e.g. a lone brace)."""
    return frozenset(name for _, name, _, _ in string.Formatter().parse(template) if name)


@dataclass(frozen=True)
class Catalogue:
    domain: str
    messages: Mapping[Language, Mapping[str, Forms]]
    plural_index: Mapping[Language, Callable[[int], int]]

    def keys(self) -> Iterator[str]:
        return iter(self.messages[REFERENCE])

    def text(self, key: str, language: Language, **values: object) -> str:
        """The phrase `key` in `language`; every placeholder must be given (KeyError if not)."""
        forms = self._forms(key, language)
        if len(forms) != 1:
            raise KeyError(f"{self.domain}: {key!r} has plural forms; use plural()")
        return _fill(key, forms[0], values)

    def plural(self, key: str, count: int, language: Language, **values: object) -> str:
        """The form of `key` that suits `count`; `count` is also the {count} placeholder."""
        forms = self._forms(key, language)
        if len(forms) == 1:
            raise KeyError(f"{self.domain}: {key!r} has no plural forms; use text()")
        return _fill(key, forms[self.plural_index[language](count)], {"count": count, **values})

    def _forms(self, key: str, language: Language) -> Forms:
        try:
            return self.messages[language][key]
        except KeyError:
            raise KeyError(f"{self.domain}: no phrase {key!r} in {language!r}") from None


def _fill(key: str, template: str, values: Mapping[str, object]) -> str:
    missing = placeholders(template) - values.keys()
    if missing:
        raise KeyError(f"phrase {key!r} needs {sorted(missing)}")
    return template.format(**values)


def shipped() -> list[tuple[Path, str]]:
    """(locales directory, domain) of every catalogue in the package: the shared one and each
    transport's own, found by their English files so that a new one needs no registration."""
    package = Path(__file__).parents[1]
    found = package.glob(f"**/locales/{REFERENCE}/LC_MESSAGES/*.po")
    return sorted((path.parents[2], path.stem) for path in found)


def po_path(directory: Path, domain: str, language: str) -> Path:
    return directory / language / "LC_MESSAGES" / f"{domain}.po"


def load(directory: Path, domain: str) -> Catalogue:
    """Read and check `<directory>/<lang>/LC_MESSAGES/<domain>.po` for every language."""
    messages: dict[Language, dict[str, Forms]] = {}
    plural_index: dict[Language, Callable[[int], int]] = {}
    for language in LANGUAGES:
        catalog = read_catalog(po_path(directory, domain, language), language, domain)
        messages[language] = _messages(catalog, po_path(directory, domain, language))
        plural_index[language] = gettext.c2py(catalog.plural_expr)
    _check(domain, messages)
    return Catalogue(domain, messages, plural_index)


def read_catalog(path: Path, language: str, domain: str) -> Catalog:
    try:
        with path.open("rb") as handle:
            return read_po(handle, locale=language, domain=domain, abort_invalid=True)
    except (OSError, PoFileError, ValueError) as exc:
        raise CatalogueError(f"{path}: cannot read the catalogue ({exc})") from exc


def _messages(catalog: Catalog, path: Path) -> dict[str, Forms]:
    found: dict[str, Forms] = {}
    for message in catalog:
        if not message.id:
            continue  # the header entry
        key = message.id if isinstance(message.id, str) else message.id[0]
        if message.fuzzy:
            raise CatalogueError(f"{path}: {key!r} is marked fuzzy; review it, then drop the flag")
        string = message.string
        forms = (string,) if isinstance(string, str) else tuple(string or ())
        if not forms or not all(form.strip() for form in forms):
            raise CatalogueError(f"{path}: {key!r} has no translation")
        found[key] = forms
    return found


def _check(domain: str, messages: Mapping[Language, Mapping[str, Forms]]) -> None:
    reference = messages[REFERENCE]
    for language, table in messages.items():
        missing, extra = reference.keys() - table.keys(), table.keys() - reference.keys()
        if missing or extra:
            raise CatalogueError(
                f"{domain}/{language}: missing {sorted(missing)}, not in English {sorted(extra)}"
            )
        for key, forms in table.items():
            _check_phrase(f"{domain}/{language}: {key!r}", forms, reference[key])


def _check_phrase(where: str, forms: Forms, english: Forms) -> None:
    if (len(forms) == 1) != (len(english) == 1):
        raise CatalogueError(f"{where}: plural in one language, not in another")
    try:
        wanted = placeholders(english[-1])
        found = [placeholders(form) for form in forms]
    except ValueError as exc:
        raise CatalogueError(f"{where}: malformed placeholder ({exc})") from exc
    for names in found:
        if names != wanted:
            raise CatalogueError(
                f"{where}: placeholders {sorted(names)}, English has {sorted(wanted)}"
            )
