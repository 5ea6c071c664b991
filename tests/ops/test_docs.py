"""The docs stay honest: every setting and metric is documented, every `coach` command and
option they show exists, and every file, script, make target and link they name is there.
"""

from __future__ import annotations

import re
import shlex
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import typer

from bot.cli.app import app
from bot.config import Settings

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
NAMES = sorted(field.alias or name for name, field in Settings.model_fields.items())
CODE_BLOCK = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)
LINK = re.compile(r"\]\(([^)\s]+)\)")


def ids(pages: list[Path]) -> list[str]:
    return [str(page.relative_to(ROOT)) for page in pages]


@cache
def all_docs() -> str:
    return "\n".join(page.read_text(encoding="utf-8") for page in PAGES)


@cache
def commands() -> Any:
    return typer.main.get_command(app)


@pytest.mark.parametrize("name", NAMES)
def test_every_setting_is_documented(name: str) -> None:
    assert f"# {name}=" in (ROOT / ".env.example").read_text(encoding="utf-8")
    assert f"`{name}`" in all_docs()


def test_the_docs_list_every_metric() -> None:
    from bot.observability.metrics import Metrics

    operations = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    names = {family.name for family in Metrics().registry.collect()}
    missing = [
        name
        for name in sorted(names)
        if not any(f"`{name}{suffix}`" in operations for suffix in ("", "_total", "_info"))
    ]
    assert not missing


def shell_lines(page: Path) -> list[str]:
    """Command lines of the page's bash blocks, continuations joined, comments dropped."""
    lines = []
    for language, body in CODE_BLOCK.findall(page.read_text(encoding="utf-8")):
        if language in {"bash", "sh", "shell"}:
            joined = body.replace("\\\n", " ")
            lines += [line.split(" #")[0].strip() for line in joined.splitlines()]
    return [line for line in lines if line and not line.startswith("#")]


def coach_calls(line: str) -> list[list[str]]:
    """Each `coach …` in a shell line (after pipes, `&&`, `$(…)`), as its words."""
    calls = []
    for part in re.split(r"\|\||&&|\||;|\$\(", line):
        words = shlex.split(part.replace(")", " "), comments=False)
        while words and "=" in words[0]:  # VAR=value coach …
            words = words[1:]
        if words and words[0].endswith("coach") and not words[0].endswith("/.coach"):
            calls.append(words[1:])
    return calls


def check_call(words: list[str]) -> list[str]:
    """Problems with one `coach` call: an unknown subcommand or option."""
    command, path = commands(), ["coach"]
    while words and hasattr(command, "commands") and not words[0].startswith("-"):
        name = words.pop(0)
        if name not in command.commands:
            return [f"{' '.join(path)} has no subcommand {name!r}"]
        command, path = command.commands[name], [*path, name]
    options = {"--help"}
    for param in command.params:
        options.update(param.opts + param.secondary_opts)
    return [
        f"{' '.join(path)} has no option {word.split('=')[0]!r}"
        for word in words
        if word.startswith("-") and word != "-" and word.split("=")[0] not in options
    ]


@pytest.mark.parametrize("page", PAGES, ids=ids(PAGES))
def test_coach_commands_shown_exist(page: Path) -> None:
    calls = [call for line in shell_lines(page) for call in coach_calls(line)]
    problems = [problem for call in calls for problem in check_call(list(call))]
    assert not problems


@pytest.mark.parametrize("page", PAGES, ids=ids(PAGES))
def test_scripts_files_and_make_targets_shown_exist(page: Path) -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    problems = []
    for line in shell_lines(page):
        for path in re.findall(r"(?:^|\s)((?:scripts|bench|training|examples)/[\w./-]+)", line):
            if not (ROOT / path).exists():
                problems.append(f"{path} does not exist")
        for target in re.findall(r"(?:^|\s)make (\w+)", line):
            if not re.search(rf"^{target}:", makefile, re.M):
                problems.append(f"make has no target {target}")
    text = page.read_text(encoding="utf-8")
    for target in re.findall(r"`make (\w+)`", text):
        if not re.search(rf"^{target}:", makefile, re.M):
            problems.append(f"make has no target {target}")
    assert not problems


def anchors(page: Path) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens."""
    headings = re.findall(r"^#+ (.+)$", CODE_BLOCK.sub("", page.read_text(encoding="utf-8")), re.M)
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in headings}


@pytest.mark.parametrize("page", PAGES, ids=ids(PAGES))
def test_links_point_at_something_that_exists(page: Path) -> None:
    problems = []
    for target in LINK.findall(CODE_BLOCK.sub("", page.read_text(encoding="utf-8"))):
        if re.match(r"[a-z]+:", target):
            continue  # https:, mailto: — outside the repository
        path, _, anchor = target.partition("#")
        linked = (page.parent / path).resolve() if path else page
        if not linked.exists():
            problems.append(f"{target}: no such file")
        elif anchor and linked.suffix == ".md" and anchor not in anchors(linked):
            problems.append(f"{target}: no heading with that anchor")
    assert not problems


def test_no_stale_markers() -> None:
    assert not re.findall(r"<!--\s*section:", all_docs())
