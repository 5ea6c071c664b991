"""Group commit, either committer: concurrent adds share writes, each returns only once its own
item is written, and a failed write reaches every caller of its batch but not the next batch."""

from __future__ import annotations

import threading
import time
from typing import Literal

import pytest

from bot.storage.group_commit import GroupCommit

COMMITTERS: list[Literal["thread", "caller"]] = ["thread", "caller"]


@pytest.mark.parametrize("committer", COMMITTERS)
def test_concurrent_adds_share_writes_and_each_returns_after_its_own(
    committer: Literal["thread", "caller"],
) -> None:
    written: list[int] = []
    sizes: list[int] = []
    gate = threading.Event()

    def write(items: list[int]) -> None:
        gate.wait(5)  # the first write is slow: the others gather behind it
        sizes.append(len(items))
        written.extend(items)

    commit: GroupCommit[int] = GroupCommit(write, committer=committer)
    returned: list[int] = []

    def add(n: int) -> None:
        commit.add(n)
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


@pytest.mark.parametrize("committer", COMMITTERS)
def test_a_failed_write_reaches_every_caller_of_its_batch_and_the_next_batch_is_written(
    committer: Literal["thread", "caller"],
) -> None:
    calls: list[list[str]] = []
    writing, gate = threading.Event(), threading.Event()

    def write(items: list[str]) -> None:
        if items == ["first"]:
            writing.set()
            gate.wait(5)  # the next two gather into one batch behind this write
        calls.append(items)
        if "bad" in items:
            raise OSError("database is locked")

    commit: GroupCommit[str] = GroupCommit(write, committer=committer)
    errors: list[str] = []

    def add(item: str) -> None:
        try:
            commit.add(item)
        except OSError as exc:
            errors.append(f"{item}: {exc}")

    first = threading.Thread(target=add, args=("first",))
    first.start()
    assert writing.wait(5)
    others = [threading.Thread(target=add, args=(item,)) for item in ("bad", "also")]
    for thread in others:
        thread.start()
    while len(commit._open.items) < 2:  # both gathered in the open batch
        time.sleep(0.005)
    gate.set()
    for thread in (first, *others):
        thread.join(10)
    assert sorted(calls[1]) == ["also", "bad"], "the two shared the failing batch"
    assert sorted(errors) == ["also: database is locked", "bad: database is locked"]
    commit.add("good")  # no exception: a later batch is written as usual
    assert calls[-1] == ["good"]


def test_a_thread_committer_that_never_answers_times_out_the_caller() -> None:
    stuck = threading.Event()
    commit: GroupCommit[bytes] = GroupCommit(
        lambda _: stuck.wait(5), committer="thread", timeout=0.2
    )
    with pytest.raises(TimeoutError):
        commit.add(b"job")
    stuck.set()


def test_a_caller_committer_writes_in_the_callers_thread() -> None:
    writers: list[str] = []
    commit: GroupCommit[int] = GroupCommit(
        lambda _: writers.append(threading.current_thread().name), committer="caller"
    )
    commit.add(1)
    assert writers == [threading.current_thread().name]
