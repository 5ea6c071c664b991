"""The pool for light work after the ack: runs what it is given, survives failures, finishes on
shutdown."""

from __future__ import annotations

import time

import pytest

from bot.slack.pool import ReplyPool


def test_the_reply_pool_runs_posted_work_and_finishes_it_on_shutdown() -> None:
    pool = ReplyPool(2)
    done: list[int] = []
    for n in range(20):
        pool.post(lambda n=n: (time.sleep(0.001), done.append(n)))
    pool.shutdown(wait=True)
    assert sorted(done) == list(range(20))
    assert len(pool._threads) == 2  # never more threads than workers


def test_a_failing_task_is_logged_and_the_worker_goes_on(caplog: pytest.LogCaptureFixture) -> None:
    done: list[str] = []
    with ReplyPool(1) as pool:
        pool.post(lambda: 1 / 0)
        pool.post(lambda: done.append("next"))
    assert done == ["next"]
    assert "slow listener work failed" in caplog.text


def test_submit_keeps_the_executor_contract_for_bolt() -> None:
    with ReplyPool(1) as pool:
        assert pool.submit(lambda a, b: a + b, 2, b=3).result(timeout=10) == 5
        failed = pool.submit(lambda: {}["missing"])
        with pytest.raises(KeyError):
            failed.result(timeout=10)
    with pytest.raises(RuntimeError):
        pool.post(lambda: None)
