"""Teams' queued replies in `coach worker` (beside Slack's, or alone when only Teams is
configured): the same threads, ledger and sweeper as Slack's jobs (bot/services/jobs.py),
on Teams' queue."""

from __future__ import annotations

import logging
import os
import signal
import threading

from bot.config import Settings
from bot.services.factory import Services
from bot.teams.app import auth_configuration, msal_connections
from bot.teams.deps import TeamsDeps, build_teams_deps
from bot.teams.i18n import load_catalogues
from bot.teams.jobs import TeamsReplies
from bot.teams.runner import SHUTDOWN_SECONDS

log = logging.getLogger(__name__)
WORKER_NICENESS = 10  # as Slack's: the serving process gets the CPU first


class TeamsWorkers:
    """COACH_WORKERS threads running Teams' jobs until `stop`."""

    def __init__(self, settings: Settings, services: Services) -> None:
        load_catalogues()
        self.settings = settings
        self.deps: TeamsDeps = build_teams_deps(settings, services)
        connections = msal_connections(auth_configuration(settings))
        TeamsReplies(self.deps, connections).register(self.deps.jobs)

    def start(self) -> TeamsWorkers:
        self.deps.jobs.start(self.settings.workers)
        log.info("running queued Teams replies on %d threads", self.settings.workers)
        return self

    def stop(self, timeout: float = SHUTDOWN_SECONDS) -> None:
        self.deps.jobs.stop(timeout)
        self.deps.executor.shutdown(wait=True, cancel_futures=False)
        self.deps.jobs.close()


def run_teams_worker(settings: Settings, services: Services, parent: int | None = None) -> None:
    """Teams alone: run its jobs until SIGTERM, Ctrl-C or the end of `parent`."""
    if parent is not None:
        os.nice(WORKER_NICENESS)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    workers = TeamsWorkers(settings, services).start()
    try:
        while not stop.wait(1.0):
            if parent is not None and os.getppid() != parent:
                log.warning("the serving process is gone; finishing the running jobs")
                break
    finally:
        workers.stop()
