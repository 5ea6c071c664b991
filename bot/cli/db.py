"""`coach digest run`, `coach db upgrade|prune|encrypt-tokens`: the storage and digest commands.

Registered on the main `coach` app by bot/cli/app.py. Heavy imports (SQLAlchemy, Bolt) happen
inside the commands, so `coach check` never pays for them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Annotated

import typer

from bot.config import Settings
from bot.errors import CoachError

if TYPE_CHECKING:
    from bot.observability.metrics import Metrics
    from bot.services.digest import DigestService
    from bot.services.scheduler import DigestScheduler, Publisher
    from bot.storage.db import Database
    from bot.storage.subscriptions import Platform

_DURATION = re.compile(r"^\s*(\d{1,6})\s*([dwh])\s*$", re.IGNORECASE)
_UNITS = {"d": "days", "w": "weeks", "h": "hours"}
EXIT_OK, EXIT_RETRY_LATER = 0, 1


class DurationError(CoachError):
    """--older-than is not a duration such as 180d, 26w or 48h."""


def duration(value: str) -> timedelta:
    match = _DURATION.match(value)
    if not match:
        raise DurationError(f"--older-than {value!r}: give a duration such as 180d, 26w or 48h")
    amount, unit = int(match.group(1)), match.group(2).lower()
    if amount == 0:
        raise DurationError("--older-than must be more than zero")
    return timedelta(**{_UNITS[unit]: amount})


def digest_publishers(settings: Settings) -> dict[Platform, Publisher]:
    """The publishers besides Slack's that this process's scheduler needs: Teams' when it is
    configured (one scheduler serves both platforms)."""
    if not settings.teams_configured:
        return {}
    try:
        from bot.teams.digest.route import teams_publishers
    except ImportError as exc:
        raise teams_extra_missing() from exc
    return teams_publishers(settings)


def teams_extra_missing() -> CoachError:
    """Teams is configured but its SDK is not installed: one line that says what to install."""
    return CoachError(
        "MICROSOFT_APP_ID is set, but the Teams extra is not installed: "
        "pip install 'social-media-coach[teams]'"
    )


def slack_can_post(settings: Settings) -> bool:
    """A bot token, or OAuth installs with a token per workspace."""
    return settings.slack_bot_token is not None or settings.oauth_configured


def digest_scheduler(
    settings: Settings, database: Database, digests: DigestService, metrics: Metrics | None = None
) -> DigestScheduler:
    """The scheduler of `coach digest run`, and of Teams alone in `coach serve`: Teams'
    publisher when Teams is configured, Slack's when Slack can post. Slack's code is loaded
    only then, so Teams alone runs without it."""
    from bot.services.digest_scheduling import build_digest_scheduler

    publishers = digest_publishers(settings)
    if slack_can_post(settings):
        from bot.slack.digest.scheduling import slack_publisher

        publishers["slack"] = slack_publisher(settings, database)
    return build_digest_scheduler(settings, database, digests, publishers, metrics)


def register(app: typer.Typer, settings: Callable[[], Settings]) -> None:
    db_app = typer.Typer(help="The coach's database: migrations and retention.")
    digest_app = typer.Typer(help="The weekly digest.")
    app.add_typer(db_app, name="db")
    app.add_typer(digest_app, name="digest")

    @db_app.command("upgrade")
    def upgrade() -> None:
        """Create or migrate the database (DATABASE_URL, or SQLite in COACH_DATA_DIR)."""
        from bot.storage.db import open_database

        current = settings()
        database = open_database(current.database_url, current.data_dir, upgrade=False)
        revision = database.upgrade(token_keys=current.token_key_list)
        typer.echo(f"database ({database.dialect}) is at revision {revision}")
        database.dispose()

    @db_app.command("encrypt-tokens")
    def encrypt_tokens() -> None:
        """Encrypt stored workspace tokens with the first COACH_TOKEN_KEYS key (after a key
        rotation too: what an older key sealed is sealed again with the first)."""
        written = seal_stored_tokens(settings())
        typer.echo(f"encrypted {written} stored token values with the first key")

    @db_app.command("prune")
    def prune(
        older_than: Annotated[
            str, typer.Option("--older-than", help="Age of the records to delete: 180d, 26w, 48h.")
        ] = "180d",
    ) -> None:
        """Delete usage, feedback and digest records older than --older-than (default 180d),
        and what expired: delivery keys, results kept for Share, rate-limit counters."""
        from bot.storage.db import open_database
        from bot.storage.records import prune as prune_records

        age = duration(older_than)
        current = settings()
        database = open_database(current.database_url, current.data_dir)
        now = datetime.now(UTC)
        pruned = prune_records(database, now - age, now)
        typer.echo(
            f"deleted {pruned.usage} usage records, {pruned.feedback} feedback records, "
            f"{pruned.deliveries} digest deliveries older than {older_than.strip()}, "
            f"and expired: {pruned.dedup_keys} delivery keys, {pruned.results} results kept "
            f"for Share, {pruned.counters} rate-limit counters"
        )
        database.dispose()

    @digest_app.command("run")
    def run() -> None:
        """Post the digests that are due, once (for cron or a Kubernetes CronJob).

        Safe to run beside `coach serve` and other runs: each digest is posted once per
        channel and week, on Slack and on Teams. Exit code 1 when some failed; they are
        retried on the next run.
        """
        from bot.core.knowledge import KnowledgeBase
        from bot.core.resources import data_dir
        from bot.observability.logs import configure_logging
        from bot.services.digest import DigestService
        from bot.services.digest_summary import summarizer_for
        from bot.storage.db import open_database

        current = settings()
        configure_logging(current.log_level, current.log_format)  # cron keeps server-like logs
        if not slack_can_post(current) and not current.teams_configured:
            from bot.slack.app import SlackSetupError

            raise SlackSetupError(
                "SLACK_BOT_TOKEN is not set (or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET for "
                "multi-workspace installs), nor MICROSOFT_APP_ID for Teams; the digest needs "
                "one of them to post"
            )
        database = open_database(current.database_url, current.data_dir)
        # The knowledge base alone: a digest needs the titles and advice, not the models.
        knowledge = KnowledgeBase.load(current.knowledge_dir or data_dir("knowledge"))
        digests = DigestService(database, knowledge, summarizer_for(current))
        report = digest_scheduler(current, database, digests).run_once()
        typer.echo(f"digest run: {report}")
        database.dispose()
        raise typer.Exit(EXIT_RETRY_LATER if report.failed else EXIT_OK)


def seal_stored_tokens(current: Settings) -> int:
    from bot.storage.db import open_database
    from bot.storage.token_cipher import GENERATE_HINT, TokenCipher, TokenKeyError, seal_tokens

    if not current.token_key_list:
        raise TokenKeyError(f"COACH_TOKEN_KEYS is not set; {GENERATE_HINT}")
    cipher = TokenCipher(current.token_key_list)
    database = open_database(
        current.database_url, current.data_dir, token_keys=current.token_key_list
    )
    try:
        with database.engine.begin() as connection:
            return seal_tokens(connection, cipher)
    finally:
        database.dispose()
