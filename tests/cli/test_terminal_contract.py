"""What a script or a linter may rely on from `coach`: input, exit codes, shapes, plain output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.test_cli import PLAN, ROOT, coach

TRAP = "We never reply to complaints on Facebook."
CLEAN = "Schönes Wochenende allerseits!"


def coach_bytes(*args: str, stdin: bytes) -> subprocess.CompletedProcess[bytes]:
    """`coach` fed raw bytes, so the test controls BOMs, CRLFs and broken UTF-8 exactly."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        timeout=60,
        env={**os.environ, "COLUMNS": "200", "COACH_ENGINE": "offline"},
        cwd=ROOT,
        check=False,
    )


def test_jsonl_dash_reads_standard_input() -> None:
    lines = [json.dumps({"id": "a", "text": TRAP}), json.dumps({"id": "b", "text": CLEAN})]
    result = coach("check", "--jsonl", "-", stdin="\n".join(lines) + "\n")
    assert result.returncode == 1, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [row["id"] for row in rows] == ["a", "b"]
    assert [f["slug"] for f in rows[0]["findings"]] == ["marketing-only"]
    assert rows[1]["findings"] == []


def test_ask_jsonl_dash_reads_standard_input() -> None:
    line = json.dumps({"id": "q", "question": "Do we need to pay for social media?"})
    result = coach("ask", "--jsonl", "-", stdin=line + "\n")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["topic"] == 5


@pytest.mark.parametrize(
    ("args", "leave_out"),
    [
        (("check", "--jsonl", "-", "hi"), "TEXT and --file"),
        (("check", "--jsonl", "-", "--file", "draft.txt"), "TEXT and --file"),
        (("ask", "--jsonl", "-", "why?"), "QUESTION"),
    ],
)
def test_jsonl_with_a_single_input_too_is_a_usage_error(
    args: tuple[str, ...], leave_out: str
) -> None:
    result = coach(*args, stdin=json.dumps({"id": "a", "text": TRAP}) + "\n")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip() == (
        f"coach: error: --jsonl reads its own input; leave out {leave_out}"
    )


def test_a_batch_where_every_line_failed_exits_2() -> None:
    bad = "{broken\n" + json.dumps({"id": "x", "text": 42}) + "\n"
    result = coach("check", "--jsonl", "-", stdin=bad)
    assert result.returncode == 2
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["line-1", "x"]


def test_a_batch_with_one_good_line_is_judged_by_that_line() -> None:
    mixed = "{broken\n" + json.dumps({"id": "ok", "text": CLEAN}) + "\n"
    assert coach("check", "--jsonl", "-", stdin=mixed).returncode == 0


def test_jsonl_findings_are_the_json_findings_plus_id(tmp_path: Path) -> None:
    text = PLAN.read_text("utf-8")
    single = json.loads(coach("check", "--format", "json", "--file", str(PLAN)).stdout)
    row = json.loads(
        coach("check", "--jsonl", "-", stdin=json.dumps({"id": 7, "text": text})).stdout
    )
    assert row["id"] == 7
    assert {key: row[key] for key in single} == single
    # The 0.1 key stays for one release: a subset of each finding, in the same order.
    assert [t["slug"] for t in row["traps"]] == [f["slug"] for f in single["findings"]]
    assert set(row["traps"][0]) < set(single["findings"][0])


def test_crlf_and_bom_file_offsets_index_the_text_as_given(tmp_path: Path) -> None:
    raw = b"\xef\xbb\xbf" + PLAN.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    source = tmp_path / "plan-crlf.md"
    source.write_bytes(raw)
    text = raw.decode("utf-8-sig")  # what an editor shows: the CRs are there, the BOM is not
    for result in (
        coach("check", "--format", "json", "--file", str(source)),
        coach_bytes("check", "--format", "json", "-", stdin=raw),
    ):
        review = json.loads(result.stdout)
        assert len(review["findings"]) >= 4
        for finding in review["findings"]:
            assert text[finding["start"] : finding["end"]] == finding["evidence"]


def test_crlf_offsets_count_the_carriage_returns() -> None:
    text = "Hello team,\r\nsee you at the fair!\r\nSocial media is free, we need no budget."
    review = json.loads(coach_bytes("check", "--format", "json", "-", stdin=text.encode()).stdout)
    (finding,) = review["findings"]
    assert finding["start"] > text.index("Social") - 1
    assert text[finding["start"] : finding["end"]] == finding["evidence"]


@pytest.mark.parametrize("as_batch", [False, True])
def test_invalid_utf8_is_the_same_error_from_a_file_and_from_stdin(
    tmp_path: Path, as_batch: bool
) -> None:
    raw = b'{"id": "a", "text": "caf\xe9"}\n' if as_batch else b"caf\xe9 au lait"
    source = tmp_path / "latin1.txt"
    source.write_bytes(raw)
    option = "--jsonl" if as_batch else "--file"
    from_file = coach_bytes("check", option, str(source), stdin=b"")
    from_stdin = coach_bytes("check", *((option,) if as_batch else ()), "-", stdin=raw)
    for result in (from_file, from_stdin):
        assert result.returncode == 2
        assert b"not valid UTF-8 (byte 0xe9 at offset" in result.stderr
        assert b"Traceback" not in result.stderr
    assert from_file.stderr.replace(str(source).encode(), b"standard input") == from_stdin.stderr


def test_piped_output_has_no_padding_and_whole_tags() -> None:
    for width in ("40", "200"):
        result = coach("check", "--file", str(PLAN), env={"COLUMNS": width})
        lines = result.stdout.splitlines()
        assert all(line == line.rstrip() for line in lines), lines
        starts = sum(line.count("[chars ") for line in lines)
        whole = sum(line.count("[chars ") for line in lines if "]" in line.split("[chars ")[-1])
        assert starts == whole == 4
    traps = coach("traps").stdout.splitlines()
    assert traps and all(line == line.rstrip() for line in traps)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("check", "--lang", "fr", "hi"), "--lang must be one of en, de, it (got 'fr')"),
        (("traps", "--lang", "es"), "--lang must be one of en, de, it (got 'es')"),
        (("check", "--format", "xml", "hi"), "--format must be one of text, json (got 'xml')"),
    ],
)
def test_option_errors_are_plain_words(args: tuple[str, ...], message: str) -> None:
    result = coach(*args)
    assert result.returncode == 2
    assert result.stderr.strip() == f"coach: error: {message}"
