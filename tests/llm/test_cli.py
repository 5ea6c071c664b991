"""`coach check/ask/eval --llm/--offline` against the fake server, configured by environment."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app as cli
from tests.fakes.openai_server import FakeOpenAI, chat
from tests.llm.conftest import answer_json, finding, findings_json

DRAFT = "Comments stay switched off on launch posts so the feed looks clean."


@pytest.fixture
def env(
    fake_openai: FakeOpenAI, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[FakeOpenAI]:
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name, value in {
        "OPENAI_BASE_URL": fake_openai.url,
        "COACH_LLM_MODEL": "cli-model",
        "COACH_LLM_DEADLINE": "2",
        "COACH_LLM_TIMEOUT": "1",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("COACH_ENGINE", raising=False)
    cli._settings.cache_clear()
    cli._services.cache_clear()
    yield fake_openai
    cli._settings.cache_clear()
    cli._services.cache_clear()


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli.app, list(args))
    return result.exit_code, result.output


def test_check_llm_uses_the_model(env: FakeOpenAI) -> None:
    env.script(chat(findings_json(finding(1, DRAFT, why="Nobody can answer."))))
    code, output = run("check", "--llm", "--format", "json", DRAFT)
    assert code == 1
    review = json.loads(output)
    assert review["engine"] == "llm"
    assert review["findings"][0]["why"] == "Nobody can answer."
    assert env.chat_requests[0].body["model"] == "cli-model"


def test_check_offline_never_calls_the_model(env: FakeOpenAI) -> None:
    code, output = run("check", "--offline", "--format", "json", DRAFT)
    assert code == 1
    assert json.loads(output)["engine"] == "offline"
    assert env.requests == []


def test_ask_llm_prints_the_answer_and_its_source(env: FakeOpenAI) -> None:
    env.script(chat(answer_json([5], "It costs time and people.")))
    code, output = run("ask", "--llm", "Is social media free for companies?")
    assert code == 0
    assert "It costs time and people." in output
    assert "#5" in output


def test_eval_runs_with_the_llm_engine(env: FakeOpenAI, tmp_path: Path) -> None:
    drafts = tmp_path / "drafts.jsonl"
    drafts.write_text(json.dumps({"text": DRAFT, "traps": [1], "lang": "en"}) + "\n", "utf-8")
    questions = tmp_path / "questions.jsonl"
    row = {"question": "Is social media free?", "topic": 5, "lang": "en"}
    questions.write_text(json.dumps(row) + "\n", "utf-8")
    env.script(chat(findings_json(finding(1, DRAFT))), chat(answer_json([5], "No, it costs.")))
    args = ["eval", "--llm", "--drafts", str(drafts), "--questions", str(questions)]
    code, output = run(*args, "--format", "json")
    assert code == 0
    report = json.loads(output)
    assert report["engine"] == "llm"
    assert report["results_by_engine"] == {"llm": 2}
    assert report["drafts"]["all"]["micro_f1"] == 1.0
    assert report["questions"]["all"]["top1_acc"] == 1.0
