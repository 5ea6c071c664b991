"""Prompts are data: `prompts/<task>.md`, loaded and checked once at start-up.

A prompt file has two parts. Everything before the line `<!-- user -->` is the system message:
instructions, then the knowledge base — identical across requests, so providers' prompt caching
applies. Everything after it is the user message, which ends with the user's text, fenced and
labelled as untrusted. Placeholders are `{{name}}`; each part must use exactly the names the
task expects, so a missing, unknown or misspelt one stops start-up instead of reaching a model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from bot.core.resources import data_dir
from bot.errors import CoachError

USER_MARKER = "<!-- user -->"
_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_]\w*)\s*\}\}")
_BRACES = re.compile(r"\{\{")

# task -> (system placeholders, user placeholders)
EXPECTED: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "review": (frozenset({"knowledge"}), frozenset({"language", "hints", "draft"})),
    "answer": (frozenset({"knowledge"}), frozenset({"language", "ranking", "question"})),
    # The weekly digest's prose: figures only (no user text reaches this prompt).
    "digest": (frozenset(), frozenset({"language", "figures"})),
}


class PromptError(CoachError):
    """A prompt file is missing or its placeholders do not match what the code fills in."""


@dataclass(frozen=True)
class Template:
    name: str
    text: str
    names: frozenset[str]

    def render(self, **values: str) -> str:
        if set(values) != self.names:
            expected, got = sorted(self.names), sorted(values)
            raise PromptError(f"prompt {self.name}: expected values for {expected}, got {got}")
        # One pass, so a value that itself contains "{{x}}" is left as it is.
        return _PLACEHOLDER.sub(lambda m: values[m.group(1)], self.text)


@dataclass(frozen=True)
class Prompt:
    system: Template
    user: Template


@dataclass(frozen=True)
class Prompts:
    review: Prompt
    answer: Prompt
    digest: Prompt


def load_prompts(directory: Path | None = None) -> Prompts:
    folder = directory or data_dir("prompts")
    return Prompts(**{task: _load(folder / f"{task}.md", task) for task in EXPECTED})


def _load(path: Path, task: str) -> Prompt:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PromptError(f"{path}: cannot read the prompt ({exc})") from exc
    if text.count(USER_MARKER) != 1:
        raise PromptError(f"{path}: needs exactly one line '{USER_MARKER}' before the user part")
    system, user = (part.strip() + "\n" for part in text.split(USER_MARKER))
    expected_system, expected_user = EXPECTED[task]
    return Prompt(
        system=_template(path, "system", system, expected_system),
        user=_template(path, "user", user, expected_user),
    )


def _template(path: Path, part: str, text: str, expected: frozenset[str]) -> Template:
    found = set(_PLACEHOLDER.findall(text))
    stray = _BRACES.findall(_PLACEHOLDER.sub("", text))
    if stray:
        raise PromptError(f"{path} ({part} part): malformed placeholder; use {{{{name}}}}")
    if unknown := sorted(found - expected):
        raise PromptError(f"{path} ({part} part): unknown placeholder {{{{{unknown[0]}}}}}")
    if missing := sorted(expected - found):
        raise PromptError(f"{path} ({part} part): missing placeholder {{{{{missing[0]}}}}}")
    return Template(f"{path.name}:{part}", text, frozenset(expected))
