"""Exactly once with real processes: `coach digest run` started twice at the same time against
one database posts each digest once; a process killed while Slack is taking its post leaves a
digest that the next run finds by its mark and never posts again.

Two processes run on PostgreSQL (the multi-replica database) and on the SQLite default; the
killed process on PostgreSQL.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.models import Finding, Review
from bot.services.subscriptions import Schedule, SubscriptionService
from bot.services.usage import Origin, UsageService
from bot.storage import deliveries
from bot.storage.db import Database
from tests.databases import PostgresSchema, sqlite_url
from tests.fakes.slack_api import FakeSlack

ROOT = Path(__file__).resolve().parents[3]
CHANNELS = [f"C{n:07d}" for n in range(1, 6)]


@pytest.fixture(params=[pytest.param("postgres", marks=pytest.mark.postgres), "sqlite"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield sqlite_url(tmp_path)
        return
    schema = PostgresSchema()
    try:
        yield schema.url
    finally:
        schema.drop()


def prepare(url: str, channels: list[str]) -> Database:
    """Subscriptions due now (today, 00:00 UTC), made a month ago, and a week of checks."""
    database = Database.connect(url)
    database.upgrade()
    now = datetime.now(UTC)
    month_ago = now - timedelta(days=30)
    subscriptions = SubscriptionService(database, clock=lambda: month_ago)
    for channel in channels:
        subscriptions.subscribe(
            "T1",
            channel,
            Schedule(weekday=now.weekday(), hour=0, minute=0),
            scope="workspace",
            language="en",
            user="U1",
        )
    finding = Finding(
        number=5, slug="its-free", confidence=0.9, evidence="x", start=0, end=1, advice="a"
    )
    yesterday = now - timedelta(days=1)
    UsageService(database, clock=lambda: yesterday).checked(
        Origin("T1", channels[0], "U1"), Review(language="en", findings=(finding,)), "draft"
    )
    return database


def coach_digest_run(url: str, fake: FakeSlack, cwd: Path, **extra: str) -> subprocess.Popen[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "OPENAI_", "COACH_", "DATABASE_"))
    }
    env |= {
        "COACH_ENGINE": "offline",
        "COACH_LOG_FORMAT": "text",
        "COACH_METRICS_PORT": "0",
        "DATABASE_URL": url,
        "SLACK_BOT_TOKEN": "xoxb-digest",
        "SLACK_API_URL": fake.api_url,
        **extra,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "digest", "run"],
        env=env,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finished(process: subprocess.Popen[str], timeout: float = 120) -> tuple[int, str]:
    out, err = process.communicate(timeout=timeout)
    assert "Traceback" not in err, err
    return process.returncode, out + err


def week_of(database: Database) -> dict[tuple[str, str, str], deliveries.DeliveryState]:
    now = datetime.now(UTC)
    weeks = {
        f"{d.isocalendar()[0]}-W{d.isocalendar()[1]:02d}" for d in (now, now - timedelta(days=1))
    }
    return deliveries.states(database, weeks)


def test_two_schedulers_at_once_post_each_digest_once(
    url: str, fake: FakeSlack, tmp_path: Path
) -> None:
    database = prepare(url, CHANNELS)
    fake.delay("chat.postMessage", 0.2)  # a slow Slack keeps both processes busy together
    first = coach_digest_run(url, fake, tmp_path)
    second = coach_digest_run(url, fake, tmp_path)
    (code_a, out_a), (code_b, out_b) = finished(first), finished(second)
    assert (code_a, code_b) == (0, 0), out_a + out_b

    for channel in CHANNELS:
        marked = [m for m in fake.messages(channel) if m.get("metadata")]
        assert len(marked) == 1, f"{channel}: {len(marked)} digests"
    assert len(fake.calls("chat.postMessage")) == len(CHANNELS)
    assert len(fake.calls("files.completeUploadExternal")) == len(CHANNELS)
    states = week_of(database)
    assert len(states) == len(CHANNELS) and {s.state for s in states.values()} == {"posted"}
    assert {s.attempts for s in states.values()} == {1}
    assert "5 due" in out_a + out_b or ("due" in out_a and "due" in out_b)
    database.dispose()


@pytest.mark.postgres
def test_a_process_killed_mid_post_leaves_one_digest(
    postgres_schema: PostgresSchema, fake: FakeSlack, tmp_path: Path
) -> None:
    url = postgres_schema.url  # the same steps on SQLite are tested in process (test_scheduler)
    database = prepare(url, CHANNELS[:1])
    lease = {"COACH_DIGEST_LEASE": "2"}
    # Slack takes the post at once but answers only much later: the process dies waiting.
    fake.delay("chat.postMessage", 20)
    doomed = coach_digest_run(url, fake, tmp_path, **lease)
    fake.wait_for("chat.postMessage", timeout=60)
    claimed_by = time.monotonic()
    doomed.send_signal(signal.SIGKILL)
    doomed.communicate(timeout=30)
    fake.delay("chat.postMessage", 0)
    assert len(fake.messages(CHANNELS[0])) == 1, "Slack has the message"
    (state,) = week_of(database).values()
    assert state.state == "posting" and state.message_ts is None, "the database does not know"

    # The lease keeps others off a post in progress (tested in process in test_scheduler.py);
    # once it has passed, a new process takes over.
    time.sleep(max(0.0, claimed_by + 2.5 - time.monotonic()))
    restarted = coach_digest_run(url, fake, tmp_path, **lease)
    code, output = finished(restarted)
    assert code == 0 and "1 posted" in output, output

    assert len(fake.calls("chat.postMessage")) == 1, "never posted twice"
    (message, chart) = fake.messages(CHANNELS[0])
    assert message["metadata"]["event_type"] == "coach_digest"
    assert chart["thread_ts"] == message["ts"] and chart["files"]
    (state,) = week_of(database).values()
    assert state.state == "posted" and state.message_ts == message["ts"] and state.attempts == 2
    database.dispose()
