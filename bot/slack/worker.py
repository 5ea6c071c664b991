"""Slack's job workers outside the serving process: what a `coach worker` process runs for
Slack's queue (the process launcher is platform-neutral: bot/services/worker_processes.py).
"""

from __future__ import annotations

import logging
import os
import signal
import threading

from bot.config import Settings
from bot.runtime import settle
from bot.services.ack_pressure import AckPressureReader
from bot.services.factory import Services
from bot.services.worker_processes import SHUTDOWN_SECONDS, WORKER_NICENESS
from bot.slack.app import build_app, build_deps

log = logging.getLogger(__name__)


def run_worker(
    settings: Settings, services: Services, parent: int | None = None, acks_fd: int | None = None
) -> None:
    """Run jobs on COACH_WORKERS threads until SIGTERM, Ctrl-C or the end of `parent`;
    `acks_fd`: the serving parent's busy signal (bot/services/ack_pressure.py)."""
    if parent is not None:
        # Acks first, by the OS: when the machine is busy, the serving process gets the CPU
        # (Slack's 3 seconds) and the replies take what is left; when it is not, nothing waits.
        os.nice(WORKER_NICENESS)
    deps = build_deps(settings, services)
    build_app(settings, deps)  # registers the job handlers (and checks the token once)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    hold = AckPressureReader(acks_fd).hold if acks_fd is not None else None
    deps.jobs.start(settings.workers, hold)
    settle()
    log.info("running queued replies on %d threads", settings.workers)
    try:
        while not stop.wait(1.0):
            if parent is not None and os.getppid() != parent:
                log.warning("the serving process is gone; finishing the running jobs")
                break
    finally:
        deps.shutdown(SHUTDOWN_SECONDS)
