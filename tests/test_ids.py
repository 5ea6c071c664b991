"""Process ids: distinct within a process, and a forked child never repeats its parent's."""

from __future__ import annotations

import os

from bot.ids import ProcessIds


def test_ids_are_distinct_and_of_the_stated_length() -> None:
    ids = ProcessIds(4)
    made = [ids.new() for _ in range(10_000)]
    assert len(set(made)) == len(made)
    assert {len(one) for one in made} == {16}


def test_a_forked_child_draws_a_prefix_of_its_own() -> None:
    ids = ProcessIds(8)
    parent = ids.new()
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # the child: its next id, then out without running pytest's teardown
        os.write(write, ids.new().encode())
        os._exit(0)
    os.close(write)
    child_id = os.read(read, 64).decode()
    os.close(read)
    os.waitpid(child, 0)
    assert len(child_id) == len(parent) == 24
    assert child_id[:16] != parent[:16]  # same counter position, different prefix
