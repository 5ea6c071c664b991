"""A Teams replica killed with acked messages in flight: after a restart every acked message is
answered exactly once. Real `coach serve` processes with Teams alone (the anonymous development
mode: a child process cannot use the test's signing keys), the reply queue on SQLite or
PostgreSQL, replies counted at the fake Bot Connector."""

from __future__ import annotations

import re
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.databases import PostgresSchema
from tests.fakes.bot_connector import FakeBotConnector
from tests.ops.processes import serve, stopped_cleanly
from tests.teams.conftest import load
from tests.teams.test_cli_serve import _env, _free_port, _get, _post, _wait_healthy

MESSAGES = 12


def _jobs(metrics_port: int, outcome: str) -> float:
    """coach_jobs_total for `outcome`, from the process's metrics port."""
    found = re.search(
        rf'^coach_jobs_total\{{outcome="{outcome}"\}} (\S+)$',
        _get(metrics_port, "/metrics")[1],
        re.MULTILINE,
    )
    return float(found.group(1)) if found else 0.0


def _replies(connector: FakeBotConnector, ids: list[str]) -> Counter[str]:
    """Cards the coach sent per message (each is a reply to the message's activity id)."""
    return Counter(c.reply_to for c in connector.sent() if c.reply_to in ids)


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_acked_teams_messages_survive_a_sigkill_and_are_answered_once(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    ids = [f"crash-{n}" for n in range(MESSAGES)]
    with FakeBotConnector() as connector:
        env = _env(
            tmp_path / "data",
            COACH_TEAMS_ANONYMOUS="true",
            COACH_WORKERS="2",
            COACH_QUEUE_DEAD_AFTER="3",
            # Job threads inside `coach serve`, so that SIGKILL takes them down mid-post too.
            COACH_QUEUE_PROCESSES="0",
            COACH_DIGEST_SCHEDULER="false",
        )
        if backend == "postgres":
            schema: PostgresSchema = request.getfixturevalue("postgres_schema")
            env["DATABASE_URL"] = schema.url
        # The connector takes each reply at once but answers it slowly: the worker dies waiting.
        connector.delay(2.0)
        first, port = serve(env, tmp_path, "COACH_TEAMS_PORT")
        try:
            _wait_healthy(first, port)
            for n, activity_id in enumerate(ids):
                activity = load("02-message-personal.json")
                activity.update(
                    id=activity_id,
                    serviceUrl=connector.service_url,
                    text=["Is social media free?", "check this: It costs nothing."][n % 2],
                )
                assert _post(port, activity) == 202  # acked
            # Both workers have sent a reply and wait for the answer; the rest is queued.
            connector.wait_for(2, timeout=30)
        finally:
            first.kill()  # SIGKILL: no chance to finish or hand over anything
            first.wait(10)
        in_flight = sum(_replies(connector, ids).values())
        assert 0 < in_flight < MESSAGES, "killed with replies both in flight and queued"
        connector.delay(0.0)

        metrics = _free_port()
        second, port = serve(
            {**env, "COACH_METRICS_PORT": str(metrics)}, tmp_path, "COACH_TEAMS_PORT"
        )
        with stopped_cleanly(second):
            _wait_healthy(second, port)
            # The queued jobs, and the dead worker's taken back (after COACH_QUEUE_DEAD_AFTER)
            # and run again: every job of the first process is done in the second one.
            deadline = time.monotonic() + 60
            while _jobs(metrics, "done") < MESSAGES and time.monotonic() < deadline:
                time.sleep(0.2)
            assert _jobs(metrics, "recovered") == in_flight
            connector.wait_quiet(1.0, timeout=30)
            replies = _replies(connector, ids)
            assert sorted(replies) == sorted(ids), "every acked message was answered"
            assert set(replies.values()) == {1}, f"each exactly once: {replies}"
