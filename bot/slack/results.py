"""Recent results kept for the "Share in channel" button.

A button value holds at most 2,000 characters, so the button carries a reference and the
rendered message waits elsewhere. A response_url lives 30 minutes, so that is how long a result
needs to stay; after that, sharing asks the user to run it again.

Behind a load balancer the click may reach another replica than the one that rendered the
result, so servers keep results in the shared database (`SharedResults`); this process's memory
(`ResultCache`) holds them only where there is no database, and while it is unreachable.

Messages are kept as JSON text: one string per result instead of hundreds of small dicts,
which the garbage collector would otherwise walk through again and again under load.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol

from sqlalchemy.exc import SQLAlchemyError

from bot.services.outage import OutageNotice
from bot.slack.blocks import Message
from bot.storage.db import Database
from bot.storage.group_commit import GroupCommit
from bot.storage.results import find_result, save_results

SHARE_TTL_SECONDS = 30 * 60
# How often a process deletes the expired rows while it writes: often enough that the table
# holds about half an hour of results, rarely enough to cost nothing per reply.
SWEEP_SECONDS = 60.0


def new_reference() -> str:
    """Unguessable (122 random bits): whoever holds it can post the result in a channel."""
    return uuid.uuid4().hex


class ResultStore(Protocol):
    def put(self, reference: str, message: Message) -> None: ...

    def get(self, reference: str) -> Message | None: ...


class ResultCache:
    """This process's memory, bounded in time and size; thread-safe."""

    def __init__(
        self,
        ttl: float = SHARE_TTL_SECONDS,
        capacity: int = 2_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl = ttl
        self._capacity = capacity
        self._clock = clock
        self._items: OrderedDict[str, tuple[float, str]] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, reference: str, message: Message) -> None:
        kept = _dump(message)
        with self._lock:
            self._items[reference] = (self._clock() + self._ttl, kept)
            self._items.move_to_end(reference)
            while len(self._items) > self._capacity:
                self._items.popitem(last=False)

    def get(self, reference: str) -> Message | None:
        with self._lock:
            found = self._items.get(reference)
            if found is None or found[0] < self._clock():
                self._items.pop(reference, None)
                return None
        return _load(found[1])


class SharedResults:
    """Results in the database, found by any replica; this process's memory while it is away.

    A result that could not be written stays in memory (the reply must still go out), and a
    click looks there too, so a result rendered during an outage can be shared from this
    replica until it expires.
    """

    def __init__(
        self,
        database: Database,
        local: ResultCache | None = None,
        ttl: float = SHARE_TTL_SECONDS,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.database = database
        self.local = local or ResultCache(ttl)
        self._ttl = timedelta(seconds=ttl)
        self._clock = clock
        self._swept: datetime | None = None
        self._outage = OutageNotice("results for Share kept in this process")
        # Concurrent jobs' results share a transaction (bot/storage/group_commit.py).
        self._batches = GroupCommit(self._save, committer="caller")

    def put(self, reference: str, message: Message) -> None:
        kept = _dump(message)
        try:
            self._batches.add((reference, kept, self._clock() + self._ttl))
        except SQLAlchemyError as exc:
            self._outage.failed(exc)
            self.local.put(reference, message)
            return
        self._outage.recovered()

    def _save(self, results: list[tuple[str, str, datetime]]) -> None:
        """One batch of puts, in one transaction; now and then with the expired rows' sweep.
        Not waiting for PostgreSQL's WAL flush: a result lost with the database server
        only means "run it again" on a Share click."""
        now = self._clock()
        sweep = self._swept is None or now - self._swept >= timedelta(seconds=SWEEP_SECONDS)
        save_results(self.database, results, sweep_before=now if sweep else None, durable=False)
        if sweep:
            self._swept = now

    def get(self, reference: str) -> Message | None:
        try:
            found = find_result(self.database, reference, self._clock())
        except SQLAlchemyError as exc:
            self._outage.failed(exc)
            found = None
        else:
            self._outage.recovered()
        return _load(found) if found is not None else self.local.get(reference)


def _dump(message: Message) -> str:
    return json.dumps({"text": message.text, "blocks": message.blocks}, ensure_ascii=False)


def _load(kept: str) -> Message:
    data = json.loads(kept)
    return Message(text=data["text"], blocks=data["blocks"])
