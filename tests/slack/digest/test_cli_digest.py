"""`coach db upgrade`, `coach db prune`, `coach digest run` and the scheduler inside `coach
serve`, run as a user runs them: real processes, settings from the environment."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.models import Review
from bot.services.subscriptions import Schedule, SubscriptionService
from bot.services.usage import Origin, UsageService
from bot.storage.db import Database
from bot.storage.records import activity
from tests.databases import PostgresSchema, sqlite_url
from tests.fakes.slack_api import FakeSlack


def env(**values: str) -> dict[str, str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "OPENAI_", "COACH_", "DATABASE_"))
    }
    # Metrics off: the fixed default port would collide with any other `coach` running here.
    quiet = {"COACH_METRICS_PORT": "0"}
    return {**clean, "COACH_ENGINE": "offline", "COACH_LOG_FORMAT": "text", **quiet, **values}


def coach(*args: str, cwd: Path, **values: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env=env(**values),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_db_upgrade_creates_the_embedded_database(tmp_path: Path) -> None:
    done = coach("db", "upgrade", cwd=tmp_path, COACH_DATA_DIR=str(tmp_path / "state"))
    assert done.returncode == 0, done.stderr
    assert "database (sqlite) is at revision 0005" in done.stdout
    assert (tmp_path / "state" / "coach.db").is_file()


@pytest.mark.postgres
def test_db_upgrade_on_postgresql(tmp_path: Path, postgres_schema: PostgresSchema) -> None:
    done = coach("db", "upgrade", cwd=tmp_path, DATABASE_URL=postgres_schema.url)
    assert done.returncode == 0, done.stderr
    assert "database (postgresql) is at revision 0005" in done.stdout


def test_db_prune_deletes_what_is_older(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    database = Database.connect(url)
    database.upgrade()
    now = datetime.now(UTC)
    for days in (400, 200, 10):
        at = now - timedelta(days=days)
        UsageService(database, clock=lambda at=at: at).checked(
            Origin("T1", "C1", "U1"), Review(language="en"), "draft"
        )
    done = coach("db", "prune", "--older-than", "180d", cwd=tmp_path, DATABASE_URL=url)
    assert done.returncode == 0, done.stderr
    assert "deleted 2 usage records" in done.stdout
    assert activity(database, "T1", None, now - timedelta(days=500), now).checks == 1
    database.dispose()


@pytest.mark.parametrize(
    ("args", "values", "message"),
    [
        (("db", "prune", "--older-than", "six months"), {}, "--older-than 'six months'"),
        (("db", "upgrade"), {"DATABASE_URL": "nonsense"}, "DATABASE_URL is not a database URL"),
        (
            ("db", "upgrade"),
            {"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"},
            "cannot reach the database",
        ),
        (("digest", "run"), {}, "SLACK_BOT_TOKEN is not set"),
    ],
)
def test_problems_are_one_line_and_exit_2(
    tmp_path: Path, args: tuple[str, ...], values: dict[str, str], message: str
) -> None:
    done = coach(*args, cwd=tmp_path, COACH_DATA_DIR=str(tmp_path), **values)
    assert done.returncode == 2
    assert message in done.stderr and "Traceback" not in done.stderr
    assert done.stderr.strip().count("\n") == 0, done.stderr


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_coach_serve_posts_a_due_digest_and_stops_cleanly(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    database = Database.connect(url)
    database.upgrade()
    now = datetime.now(UTC)
    month_ago = now - timedelta(days=30)
    SubscriptionService(database, clock=lambda: month_ago).subscribe(
        "T111",
        "C0SERVE",
        Schedule(weekday=now.weekday(), hour=0, minute=0),
        scope="workspace",
        language="it",
        user="U1",
    )
    database.dispose()
    with FakeSlack() as fake:
        values = env(
            DATABASE_URL=url,
            SLACK_BOT_TOKEN="xoxb-serve",
            SLACK_SIGNING_SECRET="secret",
            SLACK_API_URL=fake.api_url,
            PORT=str(_free_port()),
        )
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1"],
            env=values,
            cwd=tmp_path,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            (post,) = fake.wait_for("chat.postMessage", timeout=60)
            assert post["channel"] == "C0SERVE" and "settimana tranquilla" in post.all_text()
            assert post["metadata"]["event_type"] == "coach_digest"
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=30) == 0
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)
            if process.stderr:
                process.stderr.close()
