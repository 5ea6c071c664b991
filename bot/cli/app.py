"""`coach`: check drafts, ask questions and evaluate the coach from the terminal.

Exit codes: 0 clean / done, 1 a trap was found (so `coach check` works as a linter), 2 bad
usage or unreadable input. Errors are one line on stderr, never a traceback.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.console import Console

from bot import __version__
from bot.cli.db import register as register_storage_commands
from bot.cli.input import EXIT_OK, EXIT_TRAP, EXIT_USAGE, UsageProblem, batch, read_text
from bot.cli.render import render_answer, render_eval, render_review, render_traps
from bot.config import Settings, load_settings
from bot.core.engine import OfflineEngine
from bot.errors import CoachError
from bot.models import Language
from bot.services.answer import AnswerService
from bot.services.factory import Services, build_server_services, build_services
from bot.services.review import ReviewService

app = typer.Typer(
    name="coach",
    help="The social-media coach: checks drafts for five traps and answers strategy questions.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


class Format(StrEnum):
    text = "text"
    json = "json"


@cache
def _settings() -> Settings:
    return load_settings()


EngineChoice = Literal["llm", "offline"] | None


@cache
def _services(engine: EngineChoice = None) -> Services:
    """`engine` is what --llm/--offline asked for; None keeps COACH_ENGINE."""
    settings = _settings()
    if engine is not None:
        settings = settings.model_copy(update={"engine": engine})
    return build_services(settings)


def _engine() -> OfflineEngine:
    return _services().engine


def _reviewer(engine: EngineChoice = None) -> ReviewService:
    return _services(engine).review


def _answerer(engine: EngineChoice = None) -> AnswerService:
    return _services(engine).answer


def _choice(llm: bool | None) -> EngineChoice:
    return None if llm is None else "llm" if llm else "offline"


def _out() -> Console:
    return Console(highlight=False, soft_wrap=False)


LangOption = Annotated[
    Language | None,
    typer.Option("--lang", help="Language to use when the text is too short to tell."),
]
FormatOption = Annotated[Format, typer.Option("--format", help="Output format.")]
EngineOption = Annotated[
    bool | None,
    typer.Option(
        "--llm/--offline",
        help="Use the configured LLM (OPENAI_API_KEY / OPENAI_BASE_URL) or only the offline "
        "engine. Default: COACH_ENGINE.",
    ),
]


@app.command()
def check(
    text: Annotated[
        str | None, typer.Argument(help="The draft, or '-' to read standard input.")
    ] = None,
    file: Annotated[
        Path | None, typer.Option("--file", "-f", help="Read the draft from a file.")
    ] = None,
    jsonl: Annotated[
        Path | None,
        typer.Option("--jsonl", help='Batch: lines of {"id","text"}; writes one result per line.'),
    ] = None,
    output_format: FormatOption = Format.text,
    lang: LangOption = None,
    llm: EngineOption = None,
) -> None:
    """Check a draft post, plan or message for the five social-media traps."""
    engine = _choice(llm)
    if jsonl is not None:
        if text is not None or file is not None:
            raise UsageProblem("--jsonl reads its own input; leave out TEXT and --file")
        raise typer.Exit(batch(jsonl, "text", lambda value: _review_row(value, lang, engine)))
    review = _reviewer(engine).review(read_text(text, file), lang)
    if output_format is Format.json:
        typer.echo(review.model_dump_json(indent=2))
    else:
        render_review(_out(), review, _engine().knowledge)
    raise typer.Exit(EXIT_TRAP if review.findings else EXIT_OK)


@app.command()
def ask(
    question: Annotated[
        str | None, typer.Argument(help="The question, or '-' to read standard input.")
    ] = None,
    jsonl: Annotated[
        Path | None,
        typer.Option("--jsonl", help='Batch: lines of {"id","question"}; one answer per line.'),
    ] = None,
    output_format: FormatOption = Format.text,
    lang: LangOption = None,
    llm: EngineOption = None,
) -> None:
    """Ask a question about social-media strategy; the answer cites the knowledge base."""
    engine = _choice(llm)
    if jsonl is not None:
        if question is not None:
            raise UsageProblem("--jsonl reads its own input; leave out QUESTION")
        raise typer.Exit(batch(jsonl, "question", lambda value: _answer_row(value, lang, engine)))
    answer = _answerer(engine).ask(read_text(question, None), lang)
    if output_format is Format.json:
        typer.echo(answer.model_dump_json(indent=2))
    else:
        render_answer(_out(), answer)


@app.command()
def traps(lang: Annotated[Language, typer.Option("--lang")] = "en") -> None:
    """List the five traps with one line of advice each."""
    render_traps(_out(), _engine().knowledge, lang)


@app.command("eval")
def evaluate(
    drafts: Annotated[Path | None, typer.Option(help="Labelled drafts (JSONL).")] = None,
    questions: Annotated[Path | None, typer.Option(help="Labelled questions (JSONL).")] = None,
    output_format: FormatOption = Format.text,
    llm: EngineOption = None,
) -> None:
    """Score the detector and the question routing on a labelled set.

    By default the held-out tenth of our own corpus (training/heldout, never trained on);
    COACH_EVAL_DIR or --drafts/--questions pick another. With --llm the offline engine is
    scored too, side by side, so the LLM path can be seen to do no worse.
    """
    from bot.cli.evaluate import eval_set, scored

    draft_rows, question_rows, label = eval_set(_settings().eval_dir, drafts, questions)
    services = _services(_choice(llm))
    report: dict[str, object] = {"set": label, **scored(services, draft_rows, question_rows)}
    if services.engine_name != "offline":
        report["offline"] = scored(_services("offline"), draft_rows, question_rows)
    if output_format is Format.json:
        typer.echo(json.dumps(report, indent=2))
    else:
        render_eval(_out(), report)


@app.command()
def version() -> None:
    """Print the version."""
    typer.echo(__version__)


@app.command()
def serve(
    host: Annotated[
        str, typer.Option(help="Interface to listen on (the port is PORT).")
    ] = "0.0.0.0",  # noqa: S104 - a server in a container must listen beyond loopback
) -> None:
    """Run the Slack app in HTTP mode: POST /slack/events, GET /healthz and /metrics on PORT."""
    # Imported here so that `coach check` never pays for loading Bolt.
    from bot.slack.server import serve as serve_http

    settings = _settings()
    serve_http(settings, build_server_services(settings), host)


@app.command()
def socket() -> None:
    """Run the Slack app in Socket Mode (needs SLACK_APP_TOKEN; no public URL)."""
    from bot.slack.socket_mode import run_socket_mode

    settings = _settings()
    run_socket_mode(settings, build_server_services(settings))


register_storage_commands(app, _settings)  # coach db …, coach digest run


def _review_row(text: str, lang: Language | None, engine: EngineChoice) -> dict[str, object]:
    review = _reviewer(engine).review(text, lang)
    return {
        "language": review.language,
        "traps": [
            f.model_dump(
                include={"number", "slug", "confidence", "evidence", "start", "end", "advice"}
            )
            for f in review.findings
        ],
    }


def _answer_row(question: str, lang: Language | None, engine: EngineChoice) -> dict[str, object]:
    answer = _answerer(engine).ask(question, lang)
    return {
        "language": answer.language,
        "topic": answer.topic,
        "answer": answer.text,
        "citations": [c.model_dump() for c in answer.citations],
    }


def main() -> None:
    """Entry point with one error boundary: a friendly line on stderr, never a traceback."""
    # Typer handles usage errors itself (exit 2); our own errors are caught here.
    try:
        app()
    except CoachError as exc:
        # soft_wrap: one line, however narrow the terminal (log collectors keep lines whole)
        Console(stderr=True, highlight=False, soft_wrap=True).print(
            f"coach: error: {exc}", markup=False
        )
        sys.exit(EXIT_USAGE)
    except (BrokenPipeError, KeyboardInterrupt):
        sys.exit(130)
