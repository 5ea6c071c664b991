"""Through the real app: while acks are in flight the serving process is busy for its job
workers (bot/services/ack_pressure.py), and the spell ends with the acks."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

from bot.services.ack_pressure import AckPressure, AckPressureReader
from bot.services.factory import Services
from bot.storage.db import Database
from tests.fakes.slack_api import FakeSlack
from tests.slack.conftest import Reply, running_app, slack_settings


def test_an_ack_in_flight_holds_the_workers_and_its_end_releases_them(
    fake: FakeSlack, services: Services, sqlite_database: Database, tmp_path: Path
) -> None:
    queue_file = tmp_path / "queue.db"
    settings = slack_settings(fake.api_url).model_copy(
        update={"queue_url": f"sqlite:///{queue_file}", "queue_run_jobs": False}
    )
    acks = AckPressure(1)  # busy from one request in flight, to see it with one request
    reader = AckPressureReader(acks.fd)  # what a `coach worker` child reads
    try:
        with running_app(fake, services, sqlite_database, settings, acks=acks) as slack:
            assert slack.command("ask is social media free?").status == 200
            assert not reader.hold(), "no request in flight: not busy"
            # Hold the queue's write lock, so that the next ack waits for its insert.
            blocker = sqlite3.connect(queue_file, isolation_level=None)
            blocker.execute("BEGIN IMMEDIATE")
            replies: list[Reply] = []
            sender = threading.Thread(
                target=lambda: replies.append(slack.command("ask who runs our channels?"))
            )
            sender.start()
            deadline = time.monotonic() + 10
            while not reader.hold():
                assert time.monotonic() < deadline, "the ack in flight never made it busy"
                time.sleep(0.01)
            blocker.execute("ROLLBACK")
            blocker.close()
            sender.join(15)
            assert [reply.status for reply in replies] == [200]
            assert (reader.hold(), reader.busy_since()) == (False, 0.0)
            assert slack.deps.jobs.huey.pending_count() == 2, "both acked requests are queued"
    finally:
        acks.close()
