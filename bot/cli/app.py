"""`coach`: check drafts, ask questions and evaluate the coach from the terminal.

Exit codes: 0 clean / done, 1 a trap was found (so `coach check` works as a linter), 2 bad
usage or unreadable input. Errors are one line on stderr, never a traceback.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from enum import StrEnum
from functools import cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer
from pydantic import BaseModel
from rich.console import Console

from bot import __version__
from bot.cli.boundary import run_with_boundary
from bot.cli.db import digest_publishers, digest_scheduler, teams_extra_missing
from bot.cli.db import register as register_storage_commands
from bot.cli.input import EXIT_OK, EXIT_TRAP, read_text, run_jsonl
from bot.cli.render import (
    answer_row,
    render_answer,
    render_eval,
    render_review,
    render_traps,
    review_row,
    terminal_console,
)
from bot.cli.teams import register as register_teams_commands
from bot.cli.workers import run_workers, teams_only_children
from bot.config import Settings, load_settings
from bot.core.engine import OfflineEngine
from bot.models import Language
from bot.observability.metrics_server import serving_metrics
from bot.services.answer import AnswerService
from bot.services.factory import Services, build_server_services, build_services
from bot.services.review import ReviewService

if TYPE_CHECKING:
    from bot.services.scheduler import DigestScheduler
    from bot.teams.runner import TeamsServer

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
    return terminal_console()


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
        typer.Option(
            "--jsonl",
            help='Batch: lines of {"id","text"} from a file or "-" (standard input); '
            "writes one result per line.",
        ),
    ] = None,
    output_format: FormatOption = Format.text,
    lang: LangOption = None,
    llm: EngineOption = None,
) -> None:
    """Check a draft post, plan or message for the five social-media traps."""
    engine = _choice(llm)
    row = partial(_review_row, lang=lang, engine=engine)
    run_jsonl(jsonl, "text", row, besides=(text, file), leave_out="TEXT and --file")
    review = _reviewer(engine).review(read_text(text, file), lang)
    _show(review, output_format, lambda: render_review(_out(), review, _engine().knowledge))
    raise typer.Exit(EXIT_TRAP if review.findings else EXIT_OK)


@app.command()
def ask(
    question: Annotated[
        str | None, typer.Argument(help="The question, or '-' to read standard input.")
    ] = None,
    jsonl: Annotated[
        Path | None,
        typer.Option(
            "--jsonl",
            help='Batch: lines of {"id","question"} from a file or "-"; one answer per line.',
        ),
    ] = None,
    output_format: FormatOption = Format.text,
    lang: LangOption = None,
    llm: EngineOption = None,
) -> None:
    """Ask a question about social-media strategy; the answer cites the knowledge base."""
    engine = _choice(llm)
    row = partial(_answer_row, lang=lang, engine=engine)
    run_jsonl(jsonl, "question", row, besides=(question,), leave_out="QUESTION")
    answer = _answerer(engine).ask(read_text(question, None), lang)
    _show(answer, output_format, lambda: render_answer(_out(), answer))


def _show(result: BaseModel, output_format: Format, render: Callable[[], None]) -> None:
    """One result: as JSON, or rendered for the terminal."""
    if output_format is Format.json:
        typer.echo(result.model_dump_json(indent=2))
    else:
        render()


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
    """Run the Slack app in HTTP mode: POST /slack/events and GET /healthz on PORT; with
    MICROSOFT_APP_ID also Teams: POST /api/messages on COACH_TEAMS_PORT. GET /metrics on
    COACH_METRICS_HOST:COACH_METRICS_PORT (127.0.0.1:9464 unless set) covers both."""
    settings = _settings()
    services = build_server_services(settings)
    with serving_metrics(settings.metrics_host, settings.metrics_port, services.metrics):
        teams = _teams_server(settings, services, host) if settings.teams_configured else None
        if teams is not None and settings.slack_signing_secret is None:
            stopped = teams.stop_on_signals()
            children = teams_only_children(settings)
            scheduler = _teams_only_scheduler(settings, services, teams)
            try:
                teams.serve_until_stopped(stopped)  # Teams alone
            finally:
                if scheduler is not None:
                    scheduler.stop()
                if children is not None:
                    children.stop()
            return
        # Imported here so that `coach check` never pays for loading Bolt.
        from bot.slack.server import serve as serve_http

        # One digest scheduler for both platforms: Slack's server starts it with Teams' publisher.
        try:
            serve_http(settings, services, host, digest_publishers=digest_publishers(settings))
        finally:
            if teams is not None:
                teams.stop()


def _teams_only_scheduler(
    settings: Settings, services: Services, teams: TeamsServer
) -> DigestScheduler | None:
    """Without Slack's server the digest scheduler still runs, for the Teams subscriptions."""
    if not settings.digest_scheduler:
        return None
    from bot.services.digest import DigestService
    from bot.services.digest_summary import summarizer_for

    deps = teams.endpoint.teams.deps
    digests = DigestService(deps.database, deps.knowledge, summarizer_for(settings))
    return digest_scheduler(settings, deps.database, digests, services.metrics).start()


def _teams_server(settings: Settings, services: Services, host: str) -> TeamsServer:
    try:
        from bot.teams.runner import build_server
    except ImportError as exc:
        raise teams_extra_missing() from exc
    return build_server(settings, services, host).start()


@app.command()
def socket() -> None:
    """Run the Slack app in Socket Mode (needs SLACK_APP_TOKEN; no public URL)."""
    from bot.slack.socket_mode import run_socket_mode

    settings = _settings()
    services = build_server_services(settings)
    with serving_metrics(settings.metrics_host, settings.metrics_port, services.metrics):
        run_socket_mode(settings, services)


@app.command()
def worker(
    parent: Annotated[int | None, typer.Option(hidden=True)] = None,
    acks_fd: Annotated[int | None, typer.Option(hidden=True)] = None,
) -> None:
    """Run queued Slack and Teams replies only (beside `coach serve` with
    COACH_QUEUE_RUN_JOBS=false)."""
    settings = _settings()
    run_workers(settings, build_server_services(settings), parent, acks_fd)


register_storage_commands(app, _settings)  # coach db …, coach digest run
register_teams_commands(app, _settings)  # coach teams package


def _review_row(text: str, lang: Language | None, engine: EngineChoice) -> dict[str, object]:
    return review_row(_reviewer(engine).review(text, lang))


def _answer_row(question: str, lang: Language | None, engine: EngineChoice) -> dict[str, object]:
    return answer_row(_answerer(engine).ask(question, lang))


def main() -> None:
    """Entry point: `coach` behind its one error boundary."""
    run_with_boundary(app)
