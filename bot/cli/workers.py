"""`coach worker` for both platforms, and the worker processes of a Teams-only `coach serve`.

Slack's and Teams' jobs wait in queues of their own in the same tables (docs/scaling.md); one
`coach worker` runs the queues of every platform the settings configure.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from bot.cli.db import teams_extra_missing
from bot.config import Settings
from bot.services.factory import Services
from bot.services.worker_processes import WorkerProcesses

if TYPE_CHECKING:
    from bot.teams.worker import TeamsWorkers


class Children(Protocol):
    def stop(self) -> None: ...


def slack_configured(settings: Settings) -> bool:
    """Slack's jobs need a bot token (or the installations of multi-workspace mode)."""
    return settings.slack_bot_token is not None or settings.oauth_configured


def run_workers(
    settings: Settings, services: Services, parent: int | None, acks_fd: int | None = None
) -> None:
    """Run queued replies until SIGTERM, Ctrl-C or the end of `parent`; `acks_fd` is the
    serving Slack parent's busy signal (bot/services/ack_pressure.py), which Slack's workers
    heed."""
    if not settings.teams_configured:
        from bot.slack.worker import run_worker  # noqa: PLC0415 - Bolt only when needed

        run_worker(settings, services, parent, acks_fd)
        return
    if not slack_configured(settings):
        try:
            from bot.teams.worker import run_teams_worker  # noqa: PLC0415
        except ImportError as exc:
            raise teams_extra_missing() from exc
        run_teams_worker(settings, services, parent)
        return
    from bot.slack.worker import run_worker  # noqa: PLC0415

    teams = _teams_workers(settings, services).start()
    try:
        # Returns at SIGTERM, Ctrl-C or the parent's end.
        run_worker(settings, services, parent, acks_fd)
    finally:
        teams.stop()


def _teams_workers(settings: Settings, services: Services) -> TeamsWorkers:
    try:
        from bot.teams.worker import TeamsWorkers  # noqa: PLC0415
    except ImportError as exc:
        raise teams_extra_missing() from exc
    return TeamsWorkers(settings, services)


def teams_only_children(settings: Settings) -> Children | None:
    """The `coach worker` processes a Teams-only `coach serve` starts (with Slack, Slack's
    server starts them, and they run Teams' jobs too)."""
    if not settings.queue_run_jobs or settings.queue_processes == 0:
        return None
    return WorkerProcesses(settings)
