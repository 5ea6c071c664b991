"""Job workers outside the serving process: the `coach worker` children `coach serve` (either
platform) and `coach socket` start.

The interpreter lock is per process: worker threads inside `coach serve` would take it from
the acks whenever they render or post. So `coach serve` starts COACH_QUEUE_PROCESSES
`coach worker` children (one by default) and stops them with itself; a child whose parent has
died (SIGKILL) finishes its running jobs and exits. `coach worker` also runs on its own,
beside web processes started with COACH_QUEUE_RUN_JOBS=false. Platform-neutral: it starts a
command, so a Teams-only server loads nothing of Slack's to start its workers.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys

from pydantic import SecretStr

from bot.config import Settings
from bot.services.ack_pressure import AckPressure

log = logging.getLogger(__name__)

# A job still running after this long at SIGTERM is left to the queue's sweeper.
SHUTDOWN_SECONDS = 30.0
WORKER_NICENESS = 10


def settings_env(settings: Settings) -> dict[str, str]:
    """The settings as environment variables, so a child reads exactly what the parent has."""
    env = dict(os.environ)
    for name, field in Settings.model_fields.items():
        value = getattr(settings, name)
        if field.alias is None or value is None:
            continue
        if isinstance(value, SecretStr):
            value = value.get_secret_value()
        env[field.alias] = str(value).lower() if isinstance(value, bool) else str(value)
    return env


class WorkerProcesses:
    """`coach worker` children of this process; with `acks`, they hold back while this
    process's HTTP threads are busy (for a bounded time)."""

    def __init__(self, settings: Settings, acks: AckPressure | None = None) -> None:
        command = [sys.executable, "-m", "bot", "worker", "--parent", str(os.getpid())]
        fds: tuple[int, ...] = ()
        if acks is not None:
            command += ["--acks-fd", str(acks.fd)]
            fds = (acks.fd,)
        env = settings_env(settings)
        self.children = [
            subprocess.Popen(command, env=env, pass_fds=fds)
            for _ in range(settings.queue_processes)
        ]
        log.info("started %d job worker processes", len(self.children))

    def stop(self) -> None:
        for child in self.children:
            child.send_signal(signal.SIGTERM)
        for child in self.children:
            try:
                child.wait(SHUTDOWN_SECONDS + 5)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()


def worker_processes(settings: Settings, acks: AckPressure | None = None) -> WorkerProcesses | None:
    """The worker children `coach serve` and `coach socket` start, if any."""
    if not settings.queue_run_jobs or settings.queue_processes == 0:
        return None
    return WorkerProcesses(settings, acks)
