"""The catalogues: every shipped one loads under the strict rules, the rules catch each kind of
broken translation, and every key the code names exists in the catalogue it asks."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import pytest
from babel.messages.catalog import Message
from babel.messages.pofile import read_po

from bot import i18n
from bot.i18n.catalogue import (
    Catalogue,
    CatalogueError,
    load,
    placeholders,
    po_path,
    shipped,
)
from bot.i18n.template import template, template_path
from bot.models import LANGUAGES
from bot.slack import i18n as slack_i18n

BOT = Path(i18n.__file__).parents[1]


def test_the_shared_and_the_slack_catalogue_are_shipped() -> None:
    assert (i18n.LOCALES, "coach") in shipped()
    assert (slack_i18n.LOCALES, "slack") in shipped()


@pytest.mark.parametrize(("directory", "domain"), shipped())
def test_every_phrase_exists_in_every_language_with_the_same_placeholders(
    directory: Path, domain: str
) -> None:
    catalogue = load(directory, domain)
    keys = list(catalogue.keys())
    assert len(keys) >= (5 if domain == "teams" else 20)  # Teams has few of its own
    for key in keys:
        english = catalogue.messages["en"][key]
        for language in LANGUAGES:
            forms = catalogue.messages[language][key]
            assert all(form.strip() for form in forms), (language, key)
            assert {placeholders(form) for form in forms} == {placeholders(english[-1])}, key


def test_a_phrase_has_one_home() -> None:
    shared, slack = set(i18n.catalogue().keys()), set(slack_i18n.catalogue().keys())
    assert not shared & slack


# Slack's markup: *bold*, _italic_, `code`, <@user>, <#channel>, <!date…>, :emoji:.
SLACK_MARKUP = re.compile(r"\*\S|`|<[@#!]|:[a-z_]+:|(?:^|\s)_\S")


def test_shared_phrases_carry_no_slack_markup() -> None:
    catalogue = i18n.catalogue()
    for language in LANGUAGES:
        for key, forms in catalogue.messages[language].items():
            for form in forms:
                assert not SLACK_MARKUP.search(form), (language, key, form)


CALL = re.compile(r"(?<![\w.])(slack_text|text|plural)\(\s*(['\"])([a-z0-9_]+)\2")


def test_every_key_the_code_names_is_in_the_catalogue_it_asks() -> None:
    shared, slack = set(i18n.catalogue().keys()), set(slack_i18n.catalogue().keys())
    named = 0
    for path in BOT.rglob("*.py"):
        for function, _, key in CALL.findall(path.read_text(encoding="utf-8")):
            named += 1
            assert key in (slack if function == "slack_text" else shared), (path, key)
    assert named > 60  # the scan found the look-ups (it would pass vacuously otherwise)


def test_text_and_plural() -> None:
    assert i18n.text("advice", "de") == "Was hilft"
    assert i18n.plural("review_found", 1, "en") == "1 possible trap found"
    assert i18n.plural("review_found", 4, "de") == "4 mögliche Fallen gefunden"
    assert i18n.plural("review_found", 1, "it") == "1 possibile trappola trovata"
    assert i18n.plural("review_found", 2, "it") == "2 possibili trappole trovate"
    assert slack_i18n.slack_text("share", "it") == "Condividi nel canale"


def test_a_missing_placeholder_or_a_wrong_call_is_an_error() -> None:
    with pytest.raises(KeyError, match="limit"):
        i18n.text("too_long", "en", length="5")
    with pytest.raises(KeyError, match="plural"):
        i18n.text("review_found", "en", count=2)
    with pytest.raises(KeyError, match="no plural"):
        i18n.plural("advice", 2, "en")
    with pytest.raises(KeyError, match="nope"):
        i18n.text("nope", "en")


@pytest.mark.parametrize(
    ("locale", "language"),
    [
        ("de-DE", "de"),
        ("it-IT", "it"),
        ("en-GB", "en"),
        ("de_CH", "de"),
        ("fr-FR", None),
        (None, None),
    ],
)
def test_locale_to_language(locale: str | None, language: str | None) -> None:
    assert i18n.language_of_locale(locale) == language


# -- the rules, each broken once -------------------------------------------------------------
HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
GOOD = {
    "en": 'msgid "hello"\nmsgstr "Hello {name}"\n\nmsgid "n"\nmsgid_plural "n"\nmsgstr[0] "{count} trap"\nmsgstr[1] "{count} traps"\n',
    "de": 'msgid "hello"\nmsgstr "Hallo {name}"\n\nmsgid "n"\nmsgid_plural "n"\nmsgstr[0] "{count} Falle"\nmsgstr[1] "{count} Fallen"\n',
    "it": 'msgid "hello"\nmsgstr "Ciao {name}"\n\nmsgid "n"\nmsgid_plural "n"\nmsgstr[0] "{count} trappola"\nmsgstr[1] "{count} trappole"\n',
}


def write(directory: Path, bodies: dict[str, str]) -> Path:
    for language, body in bodies.items():
        path = po_path(directory, "test", language)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(HEADER + body, encoding="utf-8")
    return directory


def test_a_sound_catalogue_loads(tmp_path: Path) -> None:
    catalogue = load(write(tmp_path, GOOD), "test")
    assert isinstance(catalogue, Catalogue)
    assert catalogue.text("hello", "de", name="Ada") == "Hallo Ada"
    assert catalogue.plural("n", 1, "it") == "1 trappola"


@pytest.mark.parametrize(
    ("language", "body", "complaint"),
    [
        ("de", 'msgid "hello"\nmsgstr "Hallo {name}"\n', r"missing \['n'\]"),
        ("it", GOOD["it"] + '\nmsgid "extra"\nmsgstr "In più"\n', r"not in English \['extra'\]"),
        ("de", GOOD["de"].replace("{name}", "{nom}"), "placeholders"),
        (
            "it",
            GOOD["it"].replace('msgstr[1] "{count} trappole"', 'msgstr[1] "trappole"'),
            "placeholders",
        ),
        ("de", GOOD["de"].replace("Hallo {name}", ""), "no translation"),
        ("it", "#, fuzzy\n" + GOOD["it"], "fuzzy"),
        ("de", GOOD["de"].replace("{name}", "{name"), "malformed"),
        (
            "it",
            GOOD["it"].replace(
                'msgid "n"\nmsgid_plural "n"\nmsgstr[0] "{count} trappola"\nmsgstr[1] "{count} trappole"',
                'msgid "n"\nmsgstr "{count} trappole"',
            ),
            "plural",
        ),
        ("de", GOOD["de"] + "a line that is no gettext\n", "cannot read"),
        ("it", 'msgid "hello"\n', "cannot read"),
    ],
)
def test_each_broken_rule_stops_the_load(
    tmp_path: Path, language: str, body: str, complaint: str
) -> None:
    write(tmp_path, {**GOOD, language: body})
    with pytest.raises(CatalogueError, match=complaint):
        load(tmp_path, "test")


def test_a_missing_language_file_stops_the_load(tmp_path: Path) -> None:
    write(tmp_path, GOOD)
    po_path(tmp_path, "test", "it").unlink()
    with pytest.raises(CatalogueError, match="cannot read"):
        load(tmp_path, "test")


# -- the templates translators start from ------------------------------------------------------
def _entries(path: Path) -> list[tuple[object, str]]:
    with path.open("rb") as handle:
        return _comments(read_po(handle))


def _comments(catalog: Iterable[Message]) -> list[tuple[object, str]]:
    # Wrapping may differ (a comment is wrapped at write); the words may not.
    return [(m.id, " ".join(" ".join(m.auto_comments).split())) for m in catalog if m.id]


@pytest.mark.parametrize(("directory", "domain"), shipped())
def test_templates_and_translator_comments_follow_the_english_catalogue(
    directory: Path, domain: str
) -> None:
    """Fails after an English phrase changed until `make i18n` has been run."""
    expected = _comments(template(directory, domain))
    assert _entries(template_path(directory, domain)) == expected, "run `make i18n`"
    for language in LANGUAGES:
        found = sorted(_entries(po_path(directory, domain, language)), key=str)
        assert found == sorted(expected, key=str), f"{language}: run `make i18n`"
