"""Prompt files: strict placeholders, checked at load; every shipped prompt renders."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.resources import data_dir
from bot.llm.prompts import EXPECTED, USER_MARKER, PromptError, load_prompts


def test_every_shipped_prompt_renders_completely() -> None:
    prompts = load_prompts()
    for task, (system_names, user_names) in EXPECTED.items():
        prompt = getattr(prompts, task)
        system = prompt.system.render(**{name: f"<{name} value>" for name in system_names})
        user = prompt.user.render(**{name: f"<{name} value>" for name in user_names})
        assert "{{" not in system + user
        for name in system_names:
            assert f"<{name} value>" in system
        for name in user_names:
            assert f"<{name} value>" in user
        assert "JSON" in system  # json_object mode requires the word in the messages


def write(folder: Path, task: str, text: str) -> Path:
    for other in EXPECTED:
        source = data_dir("prompts") / f"{other}.md"
        (folder / f"{other}.md").write_text(source.read_text("utf-8"), "utf-8")
    (folder / f"{task}.md").write_text(text, "utf-8")
    return folder


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (f"Rules {{{{knowledge}}}}\n{USER_MARKER}\n{{{{language}}}} {{{{hints}}}}", "missing"),
        (
            f"{{{{knowledge}}}} {{{{tone}}}}\n{USER_MARKER}\n{{{{language}}}} {{{{hints}}}} "
            "{{draft}}",
            "unknown placeholder {{tone}}",
        ),
        (
            f"{{{{knowledge}}}}\n{USER_MARKER}\n{{{{language}}}} {{{{hints}}}} {{{{draft}}}} "
            "{{ bad-name }}",
            "malformed",
        ),
        ("{{knowledge}} {{language}} {{hints}} {{draft}}", USER_MARKER),
    ],
)
def test_a_broken_prompt_stops_start_up(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(PromptError, match=r"review\.md") as raised:
        load_prompts(write(tmp_path, "review", text))
    assert message in str(raised.value)


def test_a_missing_prompt_file_stops_start_up(tmp_path: Path) -> None:
    with pytest.raises(PromptError, match=r"review\.md"):
        load_prompts(tmp_path)


def test_render_needs_exactly_the_declared_values() -> None:
    template = load_prompts().answer.user
    with pytest.raises(PromptError):
        template.render(language="English", ranking="none")
    with pytest.raises(PromptError):
        template.render(language="English", ranking="none", question="q", extra="x")


def test_values_are_not_expanded_again() -> None:
    user = load_prompts().answer.user.render(
        language="English", ranking="none", question="{{knowledge}} {{question}}"
    )
    assert "{{knowledge}} {{question}}" in user
