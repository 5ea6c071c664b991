"""`coach worker`: a process that only runs queued replies, beside web processes started with
COACH_QUEUE_RUN_JOBS=false (or beside a busy `coach serve`: the interpreter lock is per
process, so jobs in another process leave the acks all of theirs)."""

from __future__ import annotations

import logging
import signal
import threading

from bot.config import Settings
from bot.runtime import settle
from bot.services.factory import Services
from bot.slack.app import build_app, build_deps
from bot.slack.server import SHUTDOWN_SECONDS

log = logging.getLogger(__name__)


def run_worker(settings: Settings, services: Services) -> None:
    """Run jobs on COACH_WORKERS threads until SIGTERM or Ctrl-C; then finish those running."""
    deps = build_deps(settings, services)
    build_app(settings, deps)  # registers the job handlers (and checks the token once)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    deps.jobs.start(settings.workers)
    settle()
    log.info("running queued replies on %d threads", settings.workers)
    try:
        while not stop.wait(1.0):
            pass
    finally:
        log.info("stopping: finishing the replies in progress")
        deps.shutdown(SHUTDOWN_SECONDS)
