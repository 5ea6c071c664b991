"""The Teams app package: the manifest (filled in) and each of its translations validate against
the offline v1.22 schema, the icons are what Teams requires, the zip holds exactly the files
Teams reads, and the command ids and names are the ones the bot answers to."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from copy import deepcopy
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from jsonschema import Draft4Validator
from PIL import Image
from referencing import Registry

from bot import __version__
from bot.cli.teams import PackageError, build, manifest, package_files
from bot.services.intent import split_intent
from bot.teams.handlers.extension import DRAFT_FIELDS

ROOT = Path(__file__).resolve().parents[2]
TEAMS = ROOT / "teams"
# A copy of ../shared/reference/teams-manifest.schema.1.22.json (npm @microsoft/app-manifest),
# kept beside the test so that it never depends on a folder outside the repository.
SCHEMA_FILE = Path(__file__).with_name("teams-manifest.schema.1.22.json")
APP_ID = "0b7f3c2e-9a41-4f7e-b1d2-6c5a8e9f0a13"
VALUES = {"TEAMS_APP_ID": APP_ID, "TEAMS_BOT_DOMAIN": "coach.example.org", "VERSION": __version__}
LANGUAGES = ("de", "it")


@pytest.fixture(scope="module")
def validator() -> Draft4Validator:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    # Offline: every $ref must point inside the schema itself. An empty registry has nothing
    # to retrieve from, so a remote reference would fail here instead of reaching the network.
    refs = re.findall(r'"\$ref":\s*"([^"]*)"', SCHEMA_FILE.read_text(encoding="utf-8"))
    assert refs and all(ref.startswith("#/") for ref in refs)
    Draft4Validator.check_schema(schema)
    return Draft4Validator(schema, registry=Registry())


@pytest.fixture(scope="module")
def filled() -> dict[str, Any]:
    return manifest(TEAMS, VALUES)


def errors(validator: Draft4Validator, document: object) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator.iter_errors(document)
    ]


def test_the_filled_manifest_validates(validator: Draft4Validator, filled: dict[str, Any]) -> None:
    assert errors(validator, filled) == []
    assert filled["id"] == APP_ID and filled["bots"][0]["botId"] == APP_ID
    assert filled["composeExtensions"][0]["botId"] == APP_ID
    assert filled["validDomains"] == ["coach.example.org"]
    assert filled["version"] == __version__
    assert "{{" not in json.dumps(filled)


def test_the_schema_check_is_not_vacuous(validator: Draft4Validator) -> None:
    """The raw template (placeholders unfilled) is not a valid manifest: the id is no GUID."""
    template = json.loads((TEAMS / "manifest.json").read_text(encoding="utf-8"))
    assert any(message.startswith("id:") for message in errors(validator, template))
    too_long = deepcopy(manifest(TEAMS, VALUES))
    too_long["description"]["short"] = "x" * 81
    assert errors(validator, too_long)


def test_bot_scopes_and_message_extension_commands(filled: dict[str, Any]) -> None:
    (bot,) = filled["bots"]
    assert set(bot["scopes"]) == {"personal", "team", "groupChat"}
    assert {s for commands in bot["commandLists"] for s in commands["scopes"]} == set(bot["scopes"])
    (extension,) = filled["composeExtensions"]
    commands = {command["id"]: command for command in extension["commands"]}
    # The ids agreed with the bot (bot/teams): the message action and the compose command.
    assert set(commands) == {"checkMessage", "checkDraft"}
    action = commands["checkMessage"]
    assert (action["type"], action["context"], action["fetchTask"]) == ("action", ["message"], True)
    assert action["title"] == "Check for social-media traps"
    draft = commands["checkDraft"]
    assert draft["type"] == "action" and set(draft["context"]) == {"compose", "commandBox"}
    (parameter,) = draft["parameters"]
    assert parameter["name"] in DRAFT_FIELDS, "the bot must find the draft under this name"


def test_the_suggested_commands_are_what_the_bot_understands(filled: dict[str, Any]) -> None:
    titles = [c["title"] for lst in filled["bots"][0]["commandLists"] for c in lst["commands"]]
    assert split_intent("check this") == ("check", "")
    assert "check this" in titles
    for language in LANGUAGES:
        translated = translations(language)
        for key, value in translated.items():
            if key.endswith(".title") and key.startswith("bots[0].commandLists[0].commands[0]"):
                assert split_intent(value) == ("check", ""), (language, value)


# -- translations -----------------------------------------------------------------------------
# The keys Teams' localization schema (v1.22) allows for what this manifest has.
LOCALIZABLE = re.compile(
    r"^(name\.(short|full)|description\.(short|full)"
    r"|bots\[\d+\]\.commandLists\[\d+\]\.commands\[\d+\]\.(title|description)"
    r"|composeExtensions\[\d+\]\.commands\[\d+\]\.(title|description)"
    r"|composeExtensions\[\d+\]\.commands\[\d+\]\.parameters\[\d+\]\.(title|description))$"
)


def translations(language: str) -> dict[str, str]:
    document = json.loads((TEAMS / f"{language}.json").read_text(encoding="utf-8"))
    assert document.pop("$schema").endswith("/v1.22/MicrosoftTeams.Localization.schema.json")
    return document


def steps(key: str) -> list[str | int]:
    return [int(part) if part.isdigit() else part for part in re.findall(r"[^.\[\]]+", key)]


def localizable_paths(node: Any, prefix: str = "") -> set[str]:
    """Every string in the manifest that a language file may (and here must) translate."""
    found: set[str] = set()
    items = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else []
    )
    for name, value in items:
        path = f"{prefix}[{name}]" if isinstance(name, int) else f"{prefix}.{name}".lstrip(".")
        if isinstance(value, str) and LOCALIZABLE.match(path):
            found.add(path)
        found |= localizable_paths(value, path)
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_language_translates_every_visible_string(
    validator: Draft4Validator, filled: dict[str, Any], language: str
) -> None:
    translated = translations(language)
    assert set(translated) == localizable_paths(filled)
    localized = deepcopy(filled)
    for key, value in translated.items():
        *parents, last = steps(key)
        node: Any = localized
        for step in parents:
            node = node[step]
        assert isinstance(node[last], str) and value.strip(), key
        node[last] = value
    # The translated texts obey the same limits (name.short ≤ 30, titles ≤ 32 …).
    assert errors(validator, localized) == []


def test_the_manifest_lists_the_language_files(filled: dict[str, Any]) -> None:
    info = filled["localizationInfo"]
    assert info["defaultLanguageTag"] == "en"
    assert {(x["languageTag"], x["file"]) for x in info["additionalLanguages"]} == {
        ("de", "de.json"),
        ("it", "it.json"),
    }


# -- icons ------------------------------------------------------------------------------------
def test_the_colour_icon_is_192_pixels() -> None:
    with Image.open(TEAMS / "color.png") as image:
        assert image.format == "PNG" and image.size == (192, 192)


def test_the_outline_icon_is_32_pixels_white_on_transparent() -> None:
    with Image.open(TEAMS / "outline.png") as image:
        assert image.format == "PNG" and image.size == (32, 32) and image.mode == "RGBA"
        pixels = np.asarray(image)
    alpha, colour = pixels[..., 3], pixels[..., :3]
    assert (colour[alpha > 0] == 255).all(), "every visible pixel is white"
    assert (alpha == 0).mean() > 0.4, "mostly transparent"
    assert (alpha == 255).sum() > 40, "with a solid white motif"
    assert (alpha[0, 0], alpha[0, -1], alpha[-1, -1]) == (0, 0, 0)


def test_the_icons_are_what_the_script_draws(tmp_path: Path) -> None:
    """Edit scripts/teams_icons.py, then run it: the committed PNGs must follow."""
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "teams_icons.py"), "--out", str(tmp_path)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    for name in ("color.png", "outline.png"):
        with Image.open(tmp_path / name) as drawn, Image.open(TEAMS / name) as committed:
            assert drawn.size == committed.size and drawn.mode == committed.mode
            difference = np.abs(np.asarray(drawn, np.int16) - np.asarray(committed, np.int16))
            assert difference.max() <= 2, name  # room for resampling changes between Pillows


# -- the zip ----------------------------------------------------------------------------------
def test_the_zip_holds_the_manifest_icons_and_languages_at_its_root(tmp_path: Path) -> None:
    path = build(tmp_path / "coach.zip", APP_ID, "coach.example.org")
    with zipfile.ZipFile(path) as archive:
        assert sorted(archive.namelist()) == [
            "color.png",
            "de.json",
            "it.json",
            "manifest.json",
            "outline.png",
        ]
        inside = json.loads(archive.read("manifest.json"))
        assert archive.read("outline.png") == (TEAMS / "outline.png").read_bytes()
        assert archive.testzip() is None
    assert inside == manifest(TEAMS, VALUES)
    assert not list(tmp_path.glob("*.partial"))


def test_the_same_input_gives_the_same_zip(tmp_path: Path) -> None:
    first = build(tmp_path / "a.zip", APP_ID, "coach.example.org").read_bytes()
    second = build(tmp_path / "b.zip", APP_ID, "coach.example.org").read_bytes()
    assert first == second
    other = build(tmp_path / "c.zip", APP_ID.replace("0b7f", "1c8a"), "coach.example.org")
    assert other.read_bytes() != first


def test_a_file_the_manifest_names_must_exist(tmp_path: Path) -> None:
    for name in ("manifest.json", "color.png", "de.json", "it.json"):
        (tmp_path / name).write_bytes((TEAMS / name).read_bytes())
    with pytest.raises(PackageError, match=r"outline\.png"):
        package_files(tmp_path, VALUES)
    (tmp_path / "outline.png").write_bytes((TEAMS / "outline.png").read_bytes())
    files = package_files(tmp_path, VALUES)
    assert set(files) == {"manifest.json", "color.png", "outline.png", "de.json", "it.json"}
    assert json.loads(files["manifest.json"])["id"] == APP_ID
