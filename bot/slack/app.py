"""Build the Bolt app from the settings and the services: the Slack front end's composition root."""

from __future__ import annotations

import logging
from functools import partial
from typing import TYPE_CHECKING, Any

from slack_bolt import App
from slack_bolt.authorization.authorize import InstallationStoreAuthorize
from slack_bolt.error import BoltError
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.config import Settings
from bot.errors import CoachError
from bot.services.dedup import DatabaseDedupStore, DedupStore
from bot.services.digest import DigestService
from bot.services.digest_summary import summarizer_for
from bot.services.factory import Services
from bot.services.feedback import FeedbackService
from bot.services.resilience import FallbackDedupStore, durable_feedback, durable_usage
from bot.services.subscriptions import SubscriptionService
from bot.slack.bolt_logging import bolt_logger
from bot.slack.i18n import load_catalogues
from bot.slack.jobs import COMMAND, EVENT, SHORTCUT, VIEW, JobClients, open_queue
from bot.slack.listeners import actions, assistant, commands, events, shortcuts, views
from bot.slack.locales import LocaleCache
from bot.slack.oauth import installation_store, oauth_settings
from bot.slack.pool import ReplyPool
from bot.slack.results import SharedResults
from bot.slack.retries import RetryingRespondMiddleware, retry_handlers
from bot.slack.safety import install_error_handler
from bot.slack.work import Deps
from bot.storage.db import Database, StorageError, open_database

if TYPE_CHECKING:
    from bot.observability.metrics import Metrics

log = logging.getLogger(__name__)

API_TIMEOUT = 10  # seconds per Web API call (Slack answers in well under a second)


class SlackSetupError(CoachError):
    """A Slack setting is missing or Slack refused the token."""


def web_client(settings: Settings, metrics: Metrics | None = None) -> WebClient:
    """The app's client. In multi-workspace mode it has no token: Bolt gives each request's
    client the token of the workspace it came from."""
    if settings.slack_bot_token is None and not settings.oauth_configured:
        raise SlackSetupError(
            "SLACK_BOT_TOKEN is not set; add the bot token (xoxb-…) to the environment or .env "
            "(or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET for multi-workspace installs)"
        )
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    return WebClient(
        token=None if settings.oauth_configured else token,
        base_url=_with_slash(settings.slack_api_url),
        timeout=API_TIMEOUT,
        # Bolt copies these into every listener's client: a 429 waits for a short
        # Retry-After, a dropped connection or a 500/503 is tried again (see retries.py).
        retry_handlers=retry_handlers(metrics),
    )


def build_deps(
    settings: Settings,
    services: Services,
    feedback: FeedbackService | None = None,
    dedup: DedupStore | None = None,
    *,
    database: Database | None = None,
) -> Deps:
    """Without a `database`, the one of the settings is opened and migrated (DATABASE_URL, or
    SQLite in COACH_DATA_DIR): feedback, de-duplication, usage, the results kept for Share and
    the LLM limits live there, shared by every process that uses it.
    """
    load_catalogues()
    database = database or _open_database(settings)
    executor = ReplyPool(settings.workers, name="coach-slack")
    installations = installation_store(settings, database) if settings.oauth_configured else None
    return Deps(
        settings=settings,
        services=services.with_database(database),
        # While the database is away, replies still go out: claims, results for Share and LLM
        # limits fall back to this process's memory, and usage events and feedback clicks
        # wait in an outbox (bot/services/resilience.py).
        feedback=feedback or FeedbackService(durable_feedback(database, settings.data_dir)),
        dedup=dedup or FallbackDedupStore(DatabaseDedupStore(database)),
        results=SharedResults(database),
        locales=LocaleCache(settings.language),
        executor=executor,
        database=database,
        usage=durable_usage(
            database,
            settings.data_dir,
            store_text=settings.store_text,
            metrics=services.metrics,
        ),
        subscriptions=SubscriptionService(database),
        digests=DigestService(
            database,
            services.engine.knowledge,
            summarizer_for(settings, services.llm.client if services.llm else None),
        ),
        jobs=open_queue(settings, services.metrics),
        job_clients=JobClients(settings, installations, services.metrics),
        installations=installations,
    )


def _open_database(settings: Settings) -> Database:
    try:
        return open_database(
            settings.database_url, settings.data_dir, token_keys=settings.token_key_list
        )
    except StorageError as exc:
        if not settings.database_url:
            raise  # the message names COACH_DATA_DIR already
        # One line naming the setting (the URL itself may hold a password: not repeated).
        raise StorageError(f"{exc}; check DATABASE_URL and that the database is up") from exc


def build_app(settings: Settings, deps: Deps) -> App:
    """The Bolt app; calls auth.test once, here at start-up, so no request waits for it."""
    secret = (
        settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else ""
    )
    try:
        app = App(
            name="coach",
            logger=bolt_logger(),
            client=web_client(settings, deps.services.metrics),
            signing_secret=secret,
            **_multi_workspace(settings, deps),
            # Listeners run in the thread serving the request: parse, ack, and hand the slow
            # half to deps.executor, so a busy executor (slow LLM calls) never delays an ack.
            process_before_response=True,
            listener_executor=deps.executor,
            # HTTP requests are verified by SlackEndpoint before Bolt sees them (so that bad
            # bodies get a 4xx, not a 500), and Socket Mode has no signatures.
            request_verification_enabled=False,
        )
    except (BoltError, SlackApiError, SlackClientError, OSError) as exc:
        raise SlackSetupError(
            f"Slack did not accept the bot token ({exc}); check SLACK_BOT_TOKEN and SLACK_API_URL"
        ) from exc
    app.use(RetryingRespondMiddleware(retry_handlers(deps.services.metrics, "response_url")))
    install_error_handler(app, settings.language)
    for listeners in (commands, events, assistant, shortcuts, actions, views):
        listeners.register(app, deps)
    deps.jobs.register(EVENT, partial(events.run_job, deps), partial(events.job_failed, deps))
    for kind, module in ((COMMAND, commands), (SHORTCUT, shortcuts), (VIEW, views)):
        deps.jobs.register(kind, partial(module.run_job, deps), partial(module.job_failed, deps))
    return app


def start_workers(settings: Settings, deps: Deps) -> None:
    """Job threads in this process when COACH_QUEUE_PROCESSES is 0 (else `coach serve` starts
    worker processes: bot/slack/worker.py), unless COACH_QUEUE_RUN_JOBS is false."""
    if settings.queue_run_jobs and settings.queue_processes == 0:
        deps.jobs.start(settings.workers)


def _multi_workspace(settings: Settings, deps: Deps) -> dict[str, Any]:
    """Bolt's OAuth flow and per-workspace tokens, when the settings ask for them."""
    if deps.installations is None:
        return {}
    assert settings.slack_client_id and settings.slack_client_secret
    return {
        "oauth_settings": oauth_settings(settings, deps.installations, deps.database),
        # Bolt's default authorizer calls auth.test before every ack; with the cache it does
        # so once per token (a reinstall brings a new token, an uninstall removes it).
        "authorize": InstallationStoreAuthorize(
            logger=logging.getLogger("bot.slack.authorize"),
            installation_store=deps.installations,
            client_id=settings.slack_client_id,
            client_secret=settings.slack_client_secret.get_secret_value(),
            bot_only=True,
            cache_enabled=True,
        ),
    }


def _with_slash(url: str) -> str:
    # urljoin drops the last path segment of a base URL without a trailing slash.
    return url if url.endswith("/") else url + "/"
