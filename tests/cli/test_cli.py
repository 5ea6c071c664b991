"""The real `coach` command, run as a subprocess: output, JSON shapes and exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PLAN = ROOT / "examples" / "launch-plan.md"


def coach(
    *args: str, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "COLUMNS": "200", "COACH_ENGINE": "offline", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        env=environment,
        cwd=ROOT,
        check=False,
    )


def test_check_the_shipped_example_plan_finds_traps_and_exits_1() -> None:
    result = coach("check", "--file", str(PLAN))
    assert result.returncode == 1, result.stderr
    for slug in ("marketing-only", "instant-roi", "marketing-owns-it", "its-free"):
        assert slug in result.stdout
    assert "Traceback" not in result.stderr


def test_clean_text_exits_0() -> None:
    result = coach("check", "Our stand is at hall 4, booth 12 — come say hi at the fair!")
    assert result.returncode == 0
    assert "No traps found" in result.stdout


def test_json_review_has_exact_offsets() -> None:
    text = "Ci vediamo giovedì!\nPer i social non serve nessun budget: sono gratis."
    result = coach("check", "--format", "json", "-", stdin=text)
    assert result.returncode == 1
    review = json.loads(result.stdout)
    assert review["language"] == "it"
    (finding,) = review["findings"]
    assert finding["number"] == 5 and finding["slug"] == "its-free"
    assert text[finding["start"] : finding["end"]] == finding["evidence"]


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (("check",), None, "nothing to check"),
        (("check", "-"), "   \n", "there is no text to check"),
        (("check", "--file", "/nonexistent/plan.txt"), None, "cannot read /nonexistent/plan.txt"),
        (("check", "x" * 40_001), None, "the limit is 40,000"),
        (("check", "hi", "--file", str(PLAN)), None, "either TEXT or --file"),
        (("ask", "-"), "", "no question"),
        (("check", "--jsonl", "/nonexistent.jsonl"), None, "cannot read /nonexistent.jsonl"),
    ],
)
def test_bad_usage_is_one_line_and_exit_2(
    args: tuple[str, ...], stdin: str | None, message: str
) -> None:
    result = coach(*args, stdin=stdin)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_unknown_option_is_exit_2_without_traceback() -> None:
    result = coach("check", "--bogus")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_bad_setting_names_the_setting() -> None:
    result = coach("check", "hello", env={"COACH_LANGUAGE": "fr"})
    assert result.returncode == 2
    assert "COACH_LANGUAGE" in result.stderr
    assert "Traceback" not in result.stderr


def test_ask_prints_answer_and_citation() -> None:
    result = coach("ask", "Brauchen wir wirklich ein Budget für Social Media?")
    assert result.returncode == 0
    assert "Quelle: #5" in result.stdout


def test_ask_json_not_covered() -> None:
    result = coach("ask", "--format", "json", "What time is the team lunch on Friday?")
    answer = json.loads(result.stdout)
    assert answer["topic"] is None and answer["citations"] == []
    assert answer["language"] == "en"


def test_check_jsonl_keeps_order_and_survives_bad_lines(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(
        "\n".join(
            [
                json.dumps({"id": "a", "text": "We never reply to complaints on Facebook."}),
                "{broken json",
                json.dumps({"id": "b", "text": ""}),
                json.dumps({"id": "c", "text": 42}),
                json.dumps({"id": "d", "text": "Schönes Wochenende allerseits!"}),
                json.dumps(["not", "an", "object"]),
            ]
        ),
        "utf-8",
    )
    result = coach("check", "--jsonl", str(source))
    assert result.returncode == 1
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in rows] == ["a", "line-2", "b", "c", "d", "line-6"]
    assert rows[0]["language"] == "en" and [t["slug"] for t in rows[0]["traps"]] == [
        "marketing-only"
    ]
    assert set(rows[0]["traps"][0]) == {
        "number",
        "slug",
        "confidence",
        "evidence",
        "start",
        "end",
        "advice",
    }
    assert "not valid JSON" in rows[1]["error"]
    assert "no text" in rows[2]["error"]
    assert '"text" must be a string' in rows[3]["error"]
    assert rows[4]["id"] == "d" and rows[4]["language"] == "de"
    assert rows[4]["findings"] == rows[4]["traps"] == []
    assert "not a JSON object" in rows[5]["error"]


def test_ask_jsonl_shape(tmp_path: Path) -> None:
    source = tmp_path / "q.jsonl"
    source.write_text(
        json.dumps({"id": "q1", "question": "Quanto budget dobbiamo prevedere per i social media?"})
        + "\n"
        + json.dumps({"id": "q2", "question": "Where is the printer?"})
        + "\n",
        "utf-8",
    )
    result = coach("ask", "--jsonl", str(source))
    assert result.returncode == 0
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert set(first) == {"id", "language", "topic", "answer", "citations"}
    assert first["topic"] == 5 and first["language"] == "it"
    assert first["citations"][0] == {
        "number": 5,
        "slug": "its-free",
        "title": first["citations"][0]["title"],
    }
    assert second["topic"] is None


def test_eval_on_a_small_labelled_set(tmp_path: Path) -> None:
    drafts = tmp_path / "drafts.jsonl"
    questions = tmp_path / "questions.jsonl"
    drafts.write_text(
        json.dumps(
            {
                "id": "x1",
                "lang": "en",
                "text": "We don't need a budget, social is free.",
                "traps": [5],
            }
        )
        + "\n"
        + json.dumps({"id": "x2", "lang": "en", "text": "Lunch is at noon.", "traps": []})
        + "\n",
        "utf-8",
    )
    questions.write_text(
        json.dumps(
            {
                "id": "y1",
                "lang": "en",
                "question": "Do we need to pay for social media?",
                "topic": 5,
            }
        )
        + "\n"
        + json.dumps({"id": "y2", "lang": "en", "question": "Where is the printer?", "topic": None})
        + "\n",
        "utf-8",
    )
    result = coach(
        "eval", "--drafts", str(drafts), "--questions", str(questions), "--format", "json"
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["drafts"]["all"]["per_trap"]["5"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    assert report["drafts"]["all"]["clean_fpr"] == 0.0
    assert report["questions"]["all"]["top1_acc"] == 1.0
    text = coach("eval", "--drafts", str(drafts), "--questions", str(questions))
    assert "macro-F1" in text.stdout and "top-1" in text.stdout


def test_long_batch_reports_progress_on_stderr(tmp_path: Path) -> None:
    source = tmp_path / "many.jsonl"
    source.write_text(
        "".join(
            json.dumps({"id": str(i), "text": f"Post number {i} is ready."}) + "\n"
            for i in range(1000)
        ),
        "utf-8",
    )
    result = coach("check", "--jsonl", str(source))
    assert result.returncode == 0
    assert len(result.stdout.splitlines()) == 1000
    progress = [line for line in result.stderr.splitlines() if line.startswith("coach: ")]
    assert progress[0] == "coach: 100/1000 lines" and progress[-1] == "coach: 1000/1000 lines"
