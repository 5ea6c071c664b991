"""A replica killed with acked work in flight: after a restart every acked mention is answered
exactly once. Real `coach serve` processes, the reply queue on SQLite or PostgreSQL, replies
counted at the fake Slack Web API."""

from __future__ import annotations

import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest
from slack_sdk import WebClient

from tests.databases import PostgresSchema
from tests.fakes.slack_api import FakeSlack
from tests.ops.processes import serve, stopped_cleanly
from tests.slack.conftest import SECRET, Harness, mention_envelope
from tests.slack.test_cli_serve import _coach, _env, _wait_healthy

MENTIONS = 12
CHANNEL = "C111"


def _replies(fake: FakeSlack, threads: list[str]) -> Counter[str]:
    """Replies the coach posted per thread (the threads' own first messages not counted)."""
    posted = fake.calls("chat.postMessage")
    return Counter(c["thread_ts"] for c in posted if c.get("thread_ts") in threads)


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_acked_mentions_survive_a_sigkill_and_are_answered_once(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    with FakeSlack() as fake:
        people = WebClient(token="xoxb-people", base_url=fake.api_url)
        threads = [
            str(people.chat_postMessage(channel=CHANNEL, text=f"thread {n}")["ts"])
            for n in range(MENTIONS)
        ]
        env = _env(
            SLACK_BOT_TOKEN="xoxb-crash-test",
            SLACK_SIGNING_SECRET=SECRET,
            SLACK_API_URL=fake.api_url,
            COACH_DATA_DIR=str(tmp_path / "data"),
            COACH_WORKERS="2",
            COACH_QUEUE_DEAD_AFTER="3",
            # Job threads inside `coach serve`, so that SIGKILL takes them down mid-post too.
            COACH_QUEUE_PROCESSES="0",
            COACH_DIGEST_SCHEDULER="false",
        )
        if backend == "postgres":
            schema: PostgresSchema = request.getfixturevalue("postgres_schema")
            env["DATABASE_URL"] = schema.url
        # Slack takes each reply at once but answers it slowly: the worker dies waiting.
        fake.delay("chat.postMessage", 2.0)
        first, port = serve(env, tmp_path, "PORT")
        try:
            harness = Harness(port, fake, None)  # type: ignore[arg-type]
            _wait_healthy(harness, first)
            for n, thread in enumerate(threads):
                envelope = mention_envelope(
                    "<@UBOT> ask is social media free?",
                    event_id=f"EvCrash{n}",
                    ts=f"1700000200.{n:06d}",
                    thread_ts=thread,
                )
                assert harness.event(envelope).status == 200  # acked
            # Both workers have posted a reply and wait for Slack's answer; the rest is queued.
            fake.wait_for("chat.postMessage", 2, timeout=30, where=lambda c: "metadata" in c.body)
        finally:
            first.kill()  # SIGKILL: no chance to finish or hand over anything
            first.wait(10)
        in_flight = set(_replies(fake, threads))
        assert 0 < len(in_flight) < MENTIONS, "killed with replies both in flight and queued"
        fake.delay("chat.postMessage", 0.0)

        second, port = serve(env, tmp_path, "PORT")
        with stopped_cleanly(second):
            _wait_healthy(Harness(port, fake, None), second)  # type: ignore[arg-type]
            deadline = time.monotonic() + 60
            while len(_replies(fake, threads)) < MENTIONS and time.monotonic() < deadline:
                time.sleep(0.2)
            # The jobs that were in flight are run again once their dead owner's heartbeat is
            # stale; each re-run first reads its thread back for the reply it may have posted.
            # Wait for those reads, or "exactly once" would be checked before the re-runs.
            fake.wait_for(
                "conversations.replies",
                len(in_flight),
                timeout=60,
                where=lambda c: c.get("ts") in in_flight,
            )
            fake.wait_quiet(1.0, timeout=30)
            replies = _replies(fake, threads)
            assert sorted(replies) == sorted(threads), "every acked mention was answered"
            assert set(replies.values()) == {1}, f"each exactly once: {replies}"


def test_a_web_only_replica_and_a_coach_worker_answer_together(tmp_path: Path) -> None:
    with FakeSlack() as fake:
        env = _env(
            SLACK_BOT_TOKEN="xoxb-worker-test",
            SLACK_SIGNING_SECRET=SECRET,
            SLACK_API_URL=fake.api_url,
            COACH_DATA_DIR=str(tmp_path / "data"),
            COACH_DIGEST_SCHEDULER="false",
        )
        web, port = serve({**env, "COACH_QUEUE_RUN_JOBS": "false"}, tmp_path, "PORT")
        with (tmp_path / "worker.log").open("wb") as log:
            worker = subprocess.Popen(_coach("worker"), env=env, cwd=tmp_path, stderr=log)
        try:
            harness = Harness(port, fake, None)  # type: ignore[arg-type]
            _wait_healthy(harness, web)
            envelope = mention_envelope("<@UBOT> ask is social media free?", event_id="EvW1")
            assert harness.event(envelope).status == 200
            (reply,) = fake.wait_for(
                "chat.postMessage", timeout=60, where=lambda c: "metadata" in c.body
            )
            assert "Source" in reply.all_text()
            worker.send_signal(signal.SIGTERM)
            assert worker.wait(timeout=30) == 0
        finally:
            for process in (web, worker):
                if process.poll() is None:
                    process.kill()
                process.wait(10)
