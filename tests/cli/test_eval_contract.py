"""`coach eval`: the shipped default set, and one clear line (exit 2) for every broken input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.test_cli import ROOT, coach

GOOD_DRAFT = {"id": "x1", "lang": "en", "text": "Lunch is at noon.", "traps": []}
GOOD_QUESTION = {"id": "y1", "lang": "en", "question": "Where is the printer?", "topic": None}


def _write(path: Path, rows: list[object]) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows))
    return path


def test_a_plain_clone_scores_the_shipped_held_out_set() -> None:
    result = coach("eval", "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert "training/heldout" in report["set"]
    held_out = ROOT / "training" / "heldout" / "drafts.jsonl"
    assert report["drafts"]["all"]["items"] == len(held_out.read_text().splitlines())
    text = coach("eval")
    assert "held-out corpus" in text.stdout.splitlines()[0]


def test_coach_eval_dir_picks_the_set_and_is_named(tmp_path: Path) -> None:
    _write(tmp_path / "drafts.jsonl", [GOOD_DRAFT])
    _write(tmp_path / "questions.jsonl", [GOOD_QUESTION])
    result = coach("eval", "--format", "json", env={"COACH_EVAL_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert str(tmp_path) in report["set"] and report["drafts"]["all"]["items"] == 1


def test_coach_eval_dir_pointing_nowhere_is_an_error(tmp_path: Path) -> None:
    result = coach("eval", env={"COACH_EVAL_DIR": str(tmp_path / "missing")})
    assert result.returncode == 2
    assert "COACH_EVAL_DIR" in result.stderr and "missing" in result.stderr
    assert "Traceback" not in result.stderr and not result.stdout


@pytest.mark.parametrize(
    ("rows", "line", "words"),
    [
        ([GOOD_DRAFT, {"id": "x2", "lang": "en", "traps": []}], 2, "missing field 'text'"),
        ([GOOD_DRAFT, GOOD_DRAFT, "", '{"id": "x3", "text": '], 4, "not JSON"),
        ([{**GOOD_DRAFT, "traps": [6]}], 1, "traps must be a list of numbers 1-5"),
        ([{**GOOD_DRAFT, "traps": "3"}], 1, "traps must be a list of numbers 1-5"),
        ([{**GOOD_DRAFT, "lang": "fr"}], 1, "lang must be one of en, de, it"),
    ],
)
def test_a_broken_draft_row_names_file_and_line(
    tmp_path: Path, rows: list[object], line: int, words: str
) -> None:
    drafts = _write(tmp_path / "drafts.jsonl", rows)
    questions = _write(tmp_path / "questions.jsonl", [GOOD_QUESTION])
    result = coach("eval", "--drafts", str(drafts), "--questions", str(questions))
    assert result.returncode == 2
    (message,) = result.stderr.strip().splitlines()
    assert f"{drafts}:{line}:" in message and words in message
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("row", "words"),
    [
        ({"id": "y2", "lang": "en", "topic": 2}, "missing field 'question'"),
        ({**GOOD_QUESTION, "topic": 0}, "topic must be a number 1-5 or null"),
        ({**GOOD_QUESTION, "topic": True}, "topic must be a number 1-5 or null"),
    ],
)
def test_a_broken_question_row_names_file_and_line(
    tmp_path: Path, row: dict[str, object], words: str
) -> None:
    drafts = _write(tmp_path / "drafts.jsonl", [GOOD_DRAFT])
    questions = _write(tmp_path / "questions.jsonl", [GOOD_QUESTION, row])
    result = coach("eval", "--drafts", str(drafts), "--questions", str(questions))
    assert result.returncode == 2
    assert f"{questions}:2: {words}" in result.stderr


def test_a_missing_file_is_an_error(tmp_path: Path) -> None:
    questions = _write(tmp_path / "questions.jsonl", [GOOD_QUESTION])
    result = coach("eval", "--drafts", str(tmp_path / "nope.jsonl"), "--questions", str(questions))
    assert result.returncode == 2
    assert "nope.jsonl" in result.stderr and "Traceback" not in result.stderr


def test_check_says_which_languages_the_coach_reviews() -> None:
    text = "Notre plan: trois publications par semaine sur Instagram, avec des publicités."
    result = coach("check", "--lang", "de", text)
    assert "Französisch" in result.stdout and "Englisch, Deutsch und Italienisch" in result.stdout
