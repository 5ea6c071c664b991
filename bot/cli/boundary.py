"""The terminal's one error boundary: exit codes, and errors as one plain line on stderr.

Exit codes: 0 clean / done, 1 a trap was found, 2 bad usage or unreadable input, 130
interrupted. Never a traceback: our own errors are CoachError, the command line's are Typer's.
"""

from __future__ import annotations

import re
import sys
from typing import NoReturn

import typer
from rich.console import Console

from bot.cli.input import EXIT_OK, EXIT_USAGE
from bot.errors import CoachError

_NOT_ONE_OF = re.compile(r"'(?P<value>.*)' is not one of (?P<choices>.*?)\.?$")


def plain_usage_error(exc: typer.TyperException) -> str:
    """The command line's own errors in plain words: "--lang must be one of en, de, it".

    Typer words a bad choice as "Invalid value for '--lang': Value error, 'fr' is not one of
    'en', 'de', 'it'." under a usage block; a person wants the option and what it accepts.
    """
    message = exc.format_message()
    param = getattr(exc, "param", None)
    names = getattr(param, "opts", None) or []
    reason = message.split(": ", 1)[-1].removeprefix("Value error, ")
    if names and (choice := _NOT_ONE_OF.search(reason)):
        accepted = choice["choices"].replace("'", "")
        return f"{names[0]} must be one of {accepted} (got '{choice['value']}')"
    if names:
        return f"{names[0]}: {reason}"
    return message.rstrip(".")


def run_with_boundary(app: typer.Typer) -> NoReturn:
    """Run `coach` and exit; every error becomes one friendly line on stderr."""
    # Not standalone, so that Typer's usage errors reach this boundary and are worded plainly.
    try:
        code = app(standalone_mode=False, prog_name="coach")
    except typer.TyperException as exc:
        _usage_error(exc)
    except CoachError as exc:
        _error_line(str(exc))
        sys.exit(EXIT_USAGE)
    except (BrokenPipeError, KeyboardInterrupt, typer.Abort):
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else EXIT_OK)


def _usage_error(exc: typer.TyperException) -> NoReturn:
    message = exc.format_message()
    if "\n" in message:  # `coach` alone: the help is the answer, as Typer would show it
        typer.echo(message, err=True)
    else:
        _error_line(plain_usage_error(exc))
    sys.exit(EXIT_USAGE)


def _error_line(message: str) -> None:
    # soft_wrap: one line, however narrow the terminal (log collectors keep lines whole)
    Console(stderr=True, highlight=False, soft_wrap=True).print(
        f"coach: error: {message}", markup=False
    )
