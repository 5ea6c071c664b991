"""Run the Teams endpoint: on its own thread and event loop beside Slack's server in one
`coach serve`, or alone in the foreground; with the reply queue's worker threads when
COACH_QUEUE_PROCESSES is 0 (else `coach worker` processes run Teams' jobs: bot/teams/worker.py)."""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
from typing import Any

from aiohttp import web
from microsoft_agents.hosting.core.authorization import Connections

from bot.config import Settings
from bot.services.factory import Services
from bot.storage.db import Database
from bot.teams.app import TeamsSetupError, build_teams_app
from bot.teams.deps import build_teams_deps
from bot.teams.digest.route import digest_hook
from bot.teams.i18n import load_catalogues
from bot.teams.jobs import TeamsReplies
from bot.teams.server import MESSAGES_PATH, TeamsEndpoint

log = logging.getLogger(__name__)
ANONYMOUS_NOISE = "microsoft_agents.hosting.core.connector.client.user_token_client"
# A job still running after this long at a stop is left to the queue's sweeper.
SHUTDOWN_SECONDS = 30.0


class TeamsServer:
    """The aiohttp server on a background thread; `start` returns once it listens."""

    def __init__(
        self, endpoint: TeamsEndpoint, host: str, port: int, *, job_threads: int = 0
    ) -> None:
        self.endpoint = endpoint
        self.host, self.port = host, port
        self.job_threads = job_threads  # 0: `coach worker` processes run the queued replies
        self._loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None
        self._ready = threading.Event()
        self._failure: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="coach-teams", daemon=True)

    def start(self) -> TeamsServer:
        self._thread.start()
        self._ready.wait(30)
        if self._failure is not None:
            raise TeamsSetupError(
                f"cannot listen on {self.host}:{self.port} ({self._failure}); "
                "set COACH_TEAMS_PORT to a free port"
            ) from self._failure
        log.info("serving Teams on http://%s:%s%s", self.host, self.port, MESSAGES_PATH)
        if self.job_threads:
            self.endpoint.teams.deps.jobs.start(self.job_threads)
        return self

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._listen())
        except Exception as exc:  # reported by start(), on the caller's thread
            self._failure = exc
            self._ready.set()
            self._loop.close()
            return
        self._ready.set()
        self._loop.run_forever()
        self._loop.close()

    async def _listen(self) -> None:
        self._runner = web.AppRunner(self.endpoint.web_app(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = int(self._runner.addresses[0][1])

    def stop_on_signals(self) -> threading.Event:
        """Catch SIGTERM and Ctrl-C from now on: the returned event is set when one arrives.

        Installed before any slower start-up work (the digest scheduler), so a stop that comes
        early is still a clean stop rather than the default kill."""
        stopped = threading.Event()

        def stop(signum: int, frame: Any) -> None:
            stopped.set()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        return stopped

    def serve_until_stopped(self, stopped: threading.Event | None = None) -> None:
        """Teams alone in `coach serve`: wait for SIGTERM or Ctrl-C, then stop cleanly."""
        (stopped or self.stop_on_signals()).wait()
        log.info("stopping: finishing the Teams replies in progress")
        self.stop()

    def stop(self, timeout: float = SHUTDOWN_SECONDS) -> None:
        """Stop listening, let the replies in progress finish (queued ones stay queued), then
        close."""
        if self._runner is not None and self._loop.is_running():
            done = asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop)
            try:
                done.result(timeout)
            except Exception:  # shutting down: say so, and stop anyway
                log.exception("the Teams server did not stop cleanly")
        if self._loop.is_running():
            self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout)
        deps = self.endpoint.teams.deps
        deps.jobs.stop(timeout)
        deps.acks.shutdown(wait=True, cancel_futures=False)
        deps.executor.shutdown(wait=True, cancel_futures=False)
        deps.jobs.close()


def build_server(
    settings: Settings,
    services: Services,
    host: str,
    *,
    port: int | None = None,
    connections: Connections | None = None,
    database: Database | None = None,
) -> TeamsServer:
    if settings.teams_anonymous:
        # Anonymous turns carry no app id, and the SDK warns about that on every single turn.
        logging.getLogger(ANONYMOUS_NOISE).setLevel(logging.ERROR)
        log.warning(
            "COACH_TEAMS_ANONYMOUS is on: /api/messages accepts UNSIGNED requests. "
            "This is for local development only; never run it like this in production."
        )
    load_catalogues()
    deps = build_teams_deps(settings, services, database=database)
    teams = build_teams_app(settings, deps, connections=connections, hooks=[digest_hook])
    TeamsReplies(deps, teams.connections).register(deps.jobs)
    in_process = settings.queue_run_jobs and settings.queue_processes == 0
    return TeamsServer(
        TeamsEndpoint(teams),
        host,
        settings.teams_port if port is None else port,
        job_threads=settings.workers if in_process else 0,
    )
