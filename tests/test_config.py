"""Settings whose defaults depend on the machine."""

from __future__ import annotations

import pytest

from bot.config import load_settings, queue_processes_for


@pytest.mark.parametrize(("cores", "processes"), [(1, 1), (2, 1), (3, 2), (4, 3), (8, 4), (64, 4)])
def test_worker_children_default_to_the_cores_beyond_the_first(cores: int, processes: int) -> None:
    assert queue_processes_for(cores) == processes


def test_worker_children_set_explicitly_are_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COACH_QUEUE_PROCESSES", "0")
    assert load_settings().queue_processes == 0
