"""The reply queue: acked requests become jobs that workers, in this process or another replica,
run to the end: review or answer, render, post.

The queue itself is huey's (SQLite on one machine, PostgreSQL for replicas; see
`bot/services/queue_backend.py` and docs/scaling.md). Huey removes a job from the queue when a
worker takes it, so a worker killed mid-job would lose it; this module closes that gap with an
in-flight ledger in huey's own key-value table:

- a worker writes `run:<job id>` (the job and its owner) before running a job and deletes it
  after, and every process that runs jobs writes `alive:<owner>` every few seconds;
- every process sweeps the ledger: a job whose owner has gone quiet for `dead_after` seconds
  is taken back (an atomic pop, so only one sweeper wins) and queued again, one attempt more;
- past `max_attempts` the job is not run again: its transport tells the user it failed.

So an acked request is answered at least once; the transports make the answer idempotent
(posts carry the job id; see bot/slack/jobs.py), which makes it exactly once.
Jobs are transport-neutral: a kind ("slack.event", …) and JSON data the kind's handler reads.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from huey import Huey
from huey.constants import EmptyData
from pydantic import BaseModel, ConfigDict, Field

from bot.ids import ProcessIds
from bot.observability.context import request_scope
from bot.services.job_workers import Workers
from bot.storage.group_commit import GroupCommit

log = logging.getLogger(__name__)

TASK_NAME = "coach.job"  # the one huey task; every process must register it under this name
RUN, ALIVE = "run:", "alive:"
MAX_ATTEMPTS = 3
BACKLOG_CACHE_SECONDS = 0.25  # acks read the backlog size this stale at worst

_JOB_IDS = ProcessIds(8)  # uuid4 read the OS's random source twice per ack (ours and huey's)


def new_job_id() -> str:
    """24 hex characters."""
    return _JOB_IDS.new()


class Job(BaseModel):
    """One acked request's work: what a worker needs to do it again from scratch."""

    model_config = ConfigDict(frozen=True)

    kind: str = Field(min_length=1)
    data: dict[str, Any]
    id: str = Field(default_factory=new_job_id)
    attempts: int = 1
    created: float = Field(default_factory=time.time)
    request_id: str | None = None  # the acked request's, so the worker's log lines match it

    @classmethod
    def new(cls, kind: str, data: dict[str, Any], request_id: str | None = None) -> Job:
        """A first attempt, built on the ack path without validation (the caller's own
        values; a job read back from the queue is validated)."""
        return cls.model_construct(
            kind=kind,
            data=data,
            id=new_job_id(),
            attempts=1,
            created=time.time(),
            request_id=request_id,
        )

    def again(self) -> Job:
        return self.model_copy(update={"attempts": self.attempts + 1})


Handler = Callable[[Job], None]
Counter = Callable[[str], None]  # counts an outcome: queued, busy, done, recovered, gave_up


@dataclass(frozen=True)
class Kind:
    run: Handler  # does the work and posts the answer; idempotent for attempts > 1
    gave_up: Handler  # tells the user the request failed (after MAX_ATTEMPTS)


@dataclass
class _Backlog:
    size: int = 0
    read_at: float = float("-inf")
    lock: threading.Lock = field(default_factory=threading.Lock)


class JobQueue:
    def __init__(
        self,
        huey: Huey,
        *,
        max_backlog: int,
        dead_after: float = 15.0,
        count: Counter | None = None,
    ) -> None:
        self.huey = huey
        self.max_backlog = max_backlog
        self.dead_after = dead_after
        self.owner = uuid.uuid4().hex
        self._count = count or (lambda _: None)
        self._kinds: dict[str, Kind] = {}
        self._backlog = _Backlog()
        self._task = huey.task(name=TASK_NAME)(self._execute)
        self._workers: Workers | None = None
        self._batches: GroupCommit[bytes] = GroupCommit(
            huey.storage.enqueue_many, committer="thread", name="coach-jobs-commit"
        )
        # One thread reads the backlog's size for every ack thread: on PostgreSQL each thread
        # that queries holds a connection of its own, and there are 32 HTTP threads.
        self._backlog_reader = ThreadPoolExecutor(1, thread_name_prefix="coach-backlog")

    def register(self, kind: str, run: Handler, gave_up: Handler) -> None:
        self._kinds[kind] = Kind(run, gave_up)

    # -- the ack side ---------------------------------------------------------------------------
    def submit(self, job: Job) -> bool:
        """Queue `job` (committed when this returns); False, and nothing queued, when the
        backlog is at its bound. Raises when the queue's database cannot take it."""
        if self.backlog() >= self.max_backlog:
            self._count("busy")
            return False
        # The job id doubles as huey's task id (huey would draw another uuid4).
        self._batches.add(self.huey.serialize_task(self._task.s(job.model_dump_json(), id=job.id)))
        self._backlog.size += 1  # until the next read, so a burst cannot overshoot much
        self._count("queued")
        return True

    def backlog(self) -> int:
        """Jobs waiting; read from the queue at most every BACKLOG_CACHE_SECONDS."""
        state = self._backlog
        if time.monotonic() - state.read_at < BACKLOG_CACHE_SECONDS:
            return state.size
        with state.lock:
            if time.monotonic() - state.read_at >= BACKLOG_CACHE_SECONDS:
                state.size = int(self._backlog_reader.submit(self.huey.pending_count).result())
                state.read_at = time.monotonic()
        return state.size

    # -- the worker side ------------------------------------------------------------------------
    def _execute(self, payload: str) -> None:
        job = Job.model_validate_json(payload)
        with request_scope(job.request_id):
            self._run_logged(job, payload)

    def run_here(self, job: Job) -> None:
        """Run `job` now in this thread, outside the queue: for when the queue is down."""
        kind = self._kinds[job.kind]
        with request_scope(job.request_id):
            try:
                kind.run(job)
                self._count("done")
            except Exception:
                log.exception("job %s (%s) failed", job.id, job.kind)
                self._count("failed")

    def _run_logged(self, job: Job, payload: str) -> None:
        kind = self._kinds.get(job.kind)
        if kind is None:
            log.error("no handler for job kind %r; dropped job %s", job.kind, job.id)
            return
        key = RUN + job.id
        self.huey.put(key, json.dumps({"owner": self.owner, "job": payload}))
        try:
            if job.attempts > MAX_ATTEMPTS:
                log.warning("job %s failed %d times; telling the user", job.id, MAX_ATTEMPTS)
                kind.gave_up(job)
                self._count("gave_up")
            else:
                kind.run(job)
                self._count("done")
        except Exception:
            # The handlers' own error boundary tells the user; this is the last resort.
            log.exception("job %s (%s) failed", job.id, job.kind)
            self._count("failed")
        finally:
            self.huey.delete(key)

    def start(self, workers: int, hold: Callable[[], bool] | None = None) -> None:
        """Run jobs on `workers` threads of this process until `stop`; while `hold()` is true
        the threads take no new job (see bot/services/ack_pressure.py)."""
        self._workers = Workers(self, workers, hold)
        self._workers.start()

    def stop(self, timeout: float | None = None) -> None:
        """Finish the jobs being run (queued ones stay for the next worker), then stop."""
        if self._workers is not None:
            self._workers.stop(timeout)
            self._workers = None

    def close(self) -> None:
        """Close the queue's connections (after `stop`; a later call opens new ones)."""
        self.huey.storage.close()

    def beat(self) -> None:
        self.huey.put(ALIVE + self.owner, time.time())

    def recover(self, now: float | None = None) -> int:
        """Queue again the jobs whose owner died while running them; how many were taken."""
        now = time.time() if now is None else now
        entries = self.huey.storage.result_items()
        alive = {
            key.removeprefix(ALIVE): self.huey.serializer.deserialize(value)
            for key, value in entries.items()
            if key.startswith(ALIVE)
        }
        taken = 0
        for key in (k for k in entries if k.startswith(RUN)):
            entry = json.loads(self.huey.serializer.deserialize(entries[key]))
            last = alive.get(entry["owner"])
            if last is not None and now - float(last) < self.dead_after:
                continue  # a live worker is on it
            if self.huey.storage.pop_data(key) is EmptyData:  # atomic: one sweeper wins
                continue
            job = Job.model_validate_json(entry["job"]).again()
            log.warning("job %s was left by a dead worker; queued it again", job.id)
            self.huey.enqueue(self._task.s(job.model_dump_json()))
            self._count("recovered")
            taken += 1
        for owner, last in alive.items():
            if now - float(last) > 10 * self.dead_after:  # long gone: forget it
                self.huey.storage.delete_data(ALIVE + owner)
        return taken

    def kinds(self) -> Mapping[str, Kind]:
        return dict(self._kinds)
