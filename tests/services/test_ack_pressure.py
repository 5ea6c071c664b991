"""Acks first, within a bound: the serving process publishes its busy spells through a shared
file, and job workers hold back during the first HOLD_SECONDS of one (real SQLite queue)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from bot.services.ack_pressure import (
    COOLDOWN_SECONDS,
    HOLD_SECONDS,
    AckPressure,
    AckPressureReader,
)
from bot.services.jobs import Job, JobQueue
from bot.services.queue_backend import open_huey


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_busy_spell_starts_at_the_threshold_and_ends_below_it() -> None:
    clock = Clock()
    acks = AckPressure(2, clock=clock)
    reader = AckPressureReader(acks.fd, clock=clock)  # the same file, as a child maps it
    acks.enter()
    assert (reader.busy_since(), reader.hold()) == (0.0, False), "one in flight is not busy"
    acks.enter()
    assert reader.busy_since() == 1000.0 and reader.hold()
    clock.now += 0.2
    acks.enter()  # still the same spell: its start does not move
    assert reader.busy_since() == 1000.0
    acks.leave()
    acks.leave()
    assert (reader.busy_since(), reader.hold(), acks.in_flight) == (0.0, False, 1)
    acks.close()


def test_workers_hold_back_for_a_bounded_time_only() -> None:
    clock = Clock()
    acks = AckPressure(1, clock=clock)
    reader = AckPressureReader(acks.fd, clock=clock)
    acks.enter()  # a spell that never ends: a load the HTTP threads cannot keep up with
    clock.now += HOLD_SECONDS * 0.9
    assert reader.hold()
    clock.now += HOLD_SECONDS * 0.2
    assert not reader.hold(), "after HOLD_SECONDS the replies go out at the normal pace"
    acks.close()


def test_flickering_spells_hold_the_workers_a_fifth_of_the_time_at_most() -> None:
    """A steady load near saturation: spells of 0.5 s with 10 ms gaps, for 60 s."""
    clock = Clock()
    acks = AckPressure(1, clock=clock)
    reader = AckPressureReader(acks.fd, clock=clock)
    held = polls = 0
    step = 0.01
    for tick in range(6000):
        if tick % 51 == 0:
            acks.enter()  # a spell begins
        elif tick % 51 == 50:
            acks.leave()  # a 10 ms gap
        polls += 1
        held += reader.hold()
        clock.now += step
    share = held / polls
    assert 0 < share <= HOLD_SECONDS / (HOLD_SECONDS + COOLDOWN_SECONDS) + 0.02
    acks.close()


def test_a_held_worker_takes_no_job_until_the_hold_ends(tmp_path: Path) -> None:
    queue = JobQueue(open_huey(f"sqlite:///{tmp_path / 'queue.db'}"), max_backlog=10)
    ran = threading.Event()
    queue.register("k", lambda job: ran.set(), lambda job: None)
    held = threading.Event()
    held.set()
    queue.start(2, hold=held.is_set)
    try:
        assert queue.submit(Job.new("k", {}))
        assert not ran.wait(0.5), "held: the job stays queued"
        assert queue.huey.pending_count() == 1
        held.clear()
        assert ran.wait(10), "released: the job runs"
    finally:
        queue.stop(5)


def test_new_jobs_get_distinct_ids_without_validation_cost() -> None:
    jobs = [Job.new("k", {"n": n}, "req") for n in range(1000)]
    assert len({job.id for job in jobs}) == 1000
    again = Job.model_validate_json(jobs[0].model_dump_json())
    assert (again.kind, again.data, again.attempts, again.request_id) == ("k", {"n": 0}, 1, "req")
    assert time.time() - again.created < 60
