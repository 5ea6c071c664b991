"""The terminal's input side of `coach`: where a text comes from, and JSONL batches.

Input is read as bytes and decoded in one place, so a file and standard input behave alike:
line ends stay as given (a CRLF file keeps its "\r", so offsets index the text as it is on
disk), a UTF-8 byte-order mark is dropped (it is an encoding signature, not a character of the
text), and invalid UTF-8 is a usage error naming the byte.

A batch goes on past a bad line: that line yields {"id", "error"} and the others their result,
one JSON object per input line, in order, so the output lines up with the input. A batch in
which every line failed exits 2: a linter must not read it as clean.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import typer

from bot.cli.render import BatchProgress
from bot.errors import CoachError

EXIT_OK, EXIT_TRAP, EXIT_USAGE = 0, 1, 2


class UsageProblem(CoachError):
    """Bad usage or unreadable input: exit code 2."""


STDIN = "-"


def read_text(text: str | None, file: Path | None) -> str:
    """TEXT, or standard input for "-", or the --file's contents."""
    if file is not None:
        if text is not None:
            raise UsageProblem("give either TEXT or --file, not both")
        return read_source(file)
    if text is None:
        raise UsageProblem("nothing to check: give TEXT, '-' for standard input, --file or --jsonl")
    if text == STDIN:
        return read_source(Path(STDIN))
    return text


def read_source(path: Path) -> str:
    """The text of a file, or of standard input for "-", decoded the same way for both."""
    name = "standard input" if str(path) == STDIN else str(path)
    try:
        raw = sys.stdin.buffer.read() if str(path) == STDIN else path.read_bytes()
    except OSError as exc:
        raise UsageProblem(f"cannot read {name}: {exc.strerror or exc}") from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UsageProblem(
            f"cannot read {name}: not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset "
            f"{exc.start})"
        ) from exc


def run_jsonl(
    jsonl: Path | None,
    field: str,
    row: Callable[[str], dict[str, object]],
    *,
    besides: tuple[object, ...],
    leave_out: str,
) -> None:
    """The --jsonl half of `coach check` and `coach ask`: run each line's `field` through
    `row`, print one result a line and exit with the batch's code; a single input given as
    well (`besides`, named `leave_out`) is a usage error. Without --jsonl, return."""
    if jsonl is None:
        return
    if any(value is not None for value in besides):
        raise UsageProblem(f"--jsonl reads its own input; leave out {leave_out}")
    raise typer.Exit(batch(jsonl, field, row))


def batch(path: Path, field: str, run: Callable[[str], dict[str, object]]) -> int:
    """Process JSONL line by line; a bad line yields {"id","error"} and the rest go on.

    Exit 1 if any line found a trap, 2 if every line failed, else 0.
    """
    # Not splitlines(): JSON may carry a raw U+2028 inside a string, which is no line end here.
    lines = read_source(path).removesuffix("\n").split("\n")
    found, failed, done = False, 0, 0
    with BatchProgress(len(lines)) as progress:
        for number, line in _numbered(lines):
            record = _batch_line(number, line, field, run)
            found = found or bool(record.get("findings"))
            failed += "error" in record
            done += 1
            sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
            progress.advance()
    sys.stdout.flush()
    if done and failed == done:
        return EXIT_USAGE
    return EXIT_TRAP if found else EXIT_OK


def _numbered(lines: list[str]) -> Iterator[tuple[int, str]]:
    for number, line in enumerate(lines, 1):
        if line.strip():
            yield number, line


def _batch_line(
    number: int, line: str, field: str, run: Callable[[str], dict[str, object]]
) -> dict[str, object]:
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"id": f"line-{number}", "error": f"line {number} is not valid JSON ({exc.msg})"}
    if not isinstance(row, dict):
        return {"id": f"line-{number}", "error": f"line {number} is not a JSON object"}
    row_id = row.get("id", f"line-{number}")
    value = row.get(field)
    if not isinstance(value, str):
        return {"id": row_id, "error": f'"{field}" must be a string'}
    try:
        return {"id": row_id, **run(value)}
    except CoachError as exc:
        return {"id": row_id, "error": str(exc)}
