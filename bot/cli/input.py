"""The terminal's input side of `coach`: where a text comes from, and JSONL batches.

A batch goes on past a bad line: that line yields {"id", "error"} and the others their result,
one JSON object per input line, in order, so the output lines up with the input.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TextIO

from bot.cli.render import BatchProgress
from bot.errors import CoachError

EXIT_OK, EXIT_TRAP, EXIT_USAGE = 0, 1, 2


class UsageProblem(CoachError):
    """Bad usage or unreadable input: exit code 2."""


def read_text(text: str | None, file: Path | None) -> str:
    """TEXT, or standard input for "-", or the --file's contents."""
    if file is not None:
        if text is not None:
            raise UsageProblem("give either TEXT or --file, not both")
        try:
            return file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageProblem(
                f"cannot read {file}: {getattr(exc, 'strerror', None) or exc}"
            ) from exc
    if text is None:
        raise UsageProblem("nothing to check: give TEXT, '-' for standard input, --file or --jsonl")
    if text == "-":
        return sys.stdin.read()
    return text


def _open_jsonl(path: Path) -> TextIO:
    try:
        return path.open(encoding="utf-8")
    except OSError as exc:
        raise UsageProblem(f"cannot read {path}: {exc.strerror or exc}") from exc


def batch(path: Path, field: str, run: Callable[[str], dict[str, object]]) -> int:
    """Process a JSONL file line by line; a bad line yields {"id","error"} and the rest go on."""
    with _open_jsonl(path) as handle:
        lines = handle.readlines()
    found = False
    with BatchProgress(len(lines)) as progress:
        for number, line in _numbered(lines):
            record = _batch_line(number, line, field, run)
            found = found or bool(record.get("traps"))
            sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
            progress.advance()
    sys.stdout.flush()
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
