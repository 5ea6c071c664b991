"""Group commit: acks that arrive together share one write, each returns only once its own
item is written, and a failed write reaches every ack of its batch."""

from __future__ import annotations

import threading

import pytest

from bot.services.group_commit import GroupCommit


def test_concurrent_adds_share_writes_and_each_returns_after_its_own() -> None:
    written: list[bytes] = []
    batches: list[int] = []
    gate = threading.Event()

    def write(items: list[bytes]) -> None:
        gate.wait(5)  # the first write is slow: the others pile up behind it
        batches.append(len(items))
        written.extend(items)

    commit = GroupCommit(write)
    returned: list[bytes] = []

    def ack(n: int) -> None:
        item = str(n).encode()
        commit.add(item)
        assert item in written, "returned before its item was written"
        returned.append(item)

    threads = [threading.Thread(target=ack, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    gate.set()
    for thread in threads:
        thread.join(10)
    assert sorted(returned) == sorted(str(n).encode() for n in range(20))
    assert sum(batches) == 20 and len(batches) < 20, "some acks shared a write"


def test_a_failed_write_reaches_every_ack_of_its_batch_and_the_next_batch_is_fine() -> None:
    failing = threading.Event()
    failing.set()

    def write(items: list[bytes]) -> None:
        if failing.is_set():
            raise OSError("database is locked")

    commit = GroupCommit(write)
    with pytest.raises(OSError, match="locked"):
        commit.add(b"one")
    failing.clear()
    commit.add(b"two")  # no exception: the committer lives on
