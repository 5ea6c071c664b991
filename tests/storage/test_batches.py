"""Write batches: concurrent adds share one write, each returns only once its own item is
written, and a failed write reaches every caller of its batch but not the next batch."""

from __future__ import annotations

import threading

import pytest

from bot.storage.batches import WriteBatches


def test_concurrent_adds_share_writes_and_each_returns_after_its_own() -> None:
    written: list[int] = []
    sizes: list[int] = []
    gate = threading.Event()

    def write(items: list[int]) -> None:
        gate.wait(5)  # the first write is slow: the others gather behind it
        sizes.append(len(items))
        written.extend(items)

    batches: WriteBatches[int] = WriteBatches(write)
    returned: list[int] = []

    def add(n: int) -> None:
        batches.add(n)
        assert n in written, "returned before its item was written"
        returned.append(n)

    threads = [threading.Thread(target=add, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    gate.set()
    for thread in threads:
        thread.join(10)
    assert sorted(returned) == list(range(20))
    assert sorted(written) == list(range(20)), "each item written once"
    assert len(sizes) < 20, "some adds shared a write"


def test_a_failed_write_reaches_its_callers_and_the_next_batch_is_written() -> None:
    calls: list[list[str]] = []

    def write(items: list[str]) -> None:
        calls.append(items)
        if "bad" in items:
            raise RuntimeError("database away")

    batches: WriteBatches[str] = WriteBatches(write)
    with pytest.raises(RuntimeError, match="database away"):
        batches.add("bad")
    batches.add("good")
    assert calls == [["bad"], ["good"]]
