"""The reply queue on a real SQLite file: the backlog bound, the in-flight ledger that brings
back a dead worker's jobs, and the last word to the user after too many attempts."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

from bot.services.jobs import ALIVE, MAX_ATTEMPTS, RUN, Job, JobQueue
from bot.services.queue_backend import open_huey, queue_location
from tests.databases import PostgresSchema


def _queue(tmp_path: Path, **options: float) -> JobQueue:
    return JobQueue(open_huey(f"sqlite:///{tmp_path / 'queue.db'}"), max_backlog=3, **options)


def _wait(predicate: object, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_the_backlog_is_bounded(tmp_path: Path) -> None:
    queue = _queue(tmp_path)
    outcomes = [queue.submit(Job(kind="k", data={"n": n})) for n in range(5)]
    assert outcomes == [True, True, True, False, False]
    assert queue.huey.pending_count() == 3


def test_jobs_run_on_workers_and_a_second_process_sees_the_same_queue(tmp_path: Path) -> None:
    producer, consumer = _queue(tmp_path), _queue(tmp_path)
    seen: list[int] = []
    consumer.register("k", lambda job: seen.append(job.data["n"]), lambda job: None)
    for n in range(3):
        assert producer.submit(Job(kind="k", data={"n": n}))
    consumer.start(2)
    try:
        _wait(lambda: len(seen) == 3)
    finally:
        consumer.stop(5)
    assert sorted(seen) == [0, 1, 2]
    assert not [k for k in consumer.huey.storage.result_items() if k.startswith(RUN)]


def test_running_a_job_reads_no_revocation_keys(tmp_path: Path) -> None:
    """Huey looks for revocation keys before each job; the coach revokes none and skips it."""
    queue = _queue(tmp_path)
    reads: list[object] = []
    peek_many = queue.huey.storage.peek_many
    queue.huey.storage.peek_many = lambda keys: reads.append(keys) or peek_many(keys)
    seen: list[int] = []
    queue.register("k", lambda job: seen.append(job.data["n"]), lambda job: None)
    assert queue.submit(Job(kind="k", data={"n": 1}))
    queue.start(1)
    try:
        _wait(lambda: seen == [1])
    finally:
        queue.stop(5)
    assert reads == []


def test_a_dead_workers_job_is_queued_again_and_a_live_ones_is_not(tmp_path: Path) -> None:
    queue = _queue(tmp_path, dead_after=5)
    dead, live = Job(kind="k", data={"n": 1}), Job(kind="k", data={"n": 2})
    now = time.time()
    queue.huey.put(ALIVE + "dead-owner", now - 60)
    queue.huey.put(ALIVE + "live-owner", now)
    for job, owner in ((dead, "dead-owner"), (live, "live-owner")):
        entry = {"owner": owner, "job": job.model_dump_json()}
        queue.huey.put(RUN + job.id, json.dumps(entry))
    assert queue.recover(now) == 1
    assert queue.recover(now) == 0  # taken once only
    (task,) = queue.huey.pending()
    again = Job.model_validate_json(task.args[0])
    assert (again.id, again.attempts) == (dead.id, 2)


def test_after_too_many_attempts_the_user_is_told_instead(tmp_path: Path) -> None:
    queue = _queue(tmp_path)
    ran: list[str] = []
    queue.register("k", lambda job: ran.append("run"), lambda job: ran.append("told"))
    job = Job(kind="k", data={}, attempts=MAX_ATTEMPTS + 1)
    queue.submit(job)
    queue.start(1)
    try:
        _wait(lambda: ran)
    finally:
        queue.stop(5)
    assert ran == ["told"]


def test_the_queue_lives_beside_the_data_by_default(tmp_path: Path) -> None:
    assert queue_location(None, None, tmp_path) == f"sqlite:///{tmp_path / 'queue.db'}"
    postgres = "postgresql+psycopg://coach@db/coach"
    assert queue_location(None, postgres, tmp_path) == postgres
    assert queue_location("sqlite:///q.db", postgres, tmp_path) == "sqlite:///q.db"


def test_the_postgres_queue_takes_a_batch_in_order_without_waiting_for_the_wal_flush(
    postgres_schema: PostgresSchema,
) -> None:
    queue = JobQueue(open_huey(postgres_schema.url), max_backlog=100)
    try:
        jobs = [Job.new("k", {"n": n}) for n in range(5)]
        for job in jobs:
            assert queue.submit(job)
        order = [Job.model_validate_json(t.args[0]).data["n"] for t in queue.huey.pending()]
        assert order == [0, 1, 2, 3, 4]
        with queue.huey.storage.db() as cursor:  # this thread's queue connection
            cursor.execute("show synchronous_commit")
            assert cursor.fetchone() == ("off",)
    finally:
        queue.close()


def test_many_ack_threads_read_the_backlog_over_one_postgres_connection(
    postgres_schema: PostgresSchema,
) -> None:
    """The serving process has 32 HTTP threads; on PostgreSQL every thread that queries holds
    a connection of its own, so the backlog's size is read by one thread for all of them."""
    queue = JobQueue(open_huey(postgres_schema.url), max_backlog=100)
    storage = queue.huey.storage
    try:
        sizes: list[int] = []

        def ack() -> None:
            queue._backlog.read_at = float("-inf")  # the cached size is stale for every ack
            sizes.append(queue.backlog())

        for _ in range(12):  # one after the other: each finds the size stale and reads it
            thread = threading.Thread(target=ack)
            thread.start()
            thread.join(10)
        assert sizes == [0] * 12
        assert len(storage._opened) == 1  # the reader's; the twelve threads opened none
    finally:
        queue.close()
