"""The ack gate: slow work waits while requests are in flight, but never longer than max_wait."""

from __future__ import annotations

import threading
import time

import pytest

from bot.slack.priority import AckGate, ReplyPool


def test_idle_gate_lets_work_through() -> None:
    gate = AckGate(max_wait=5, quiet=0.0)
    started = time.monotonic()
    gate.wait_quiet()
    assert time.monotonic() - started < 5


def test_work_waits_for_the_request_in_flight() -> None:
    gate = AckGate(max_wait=30, quiet=0.01)
    order: list[str] = []
    release = threading.Event()

    def request() -> None:
        with gate.request():
            order.append("request started")
            release.wait(10)
            order.append("request acked")

    requester = threading.Thread(target=request)
    requester.start()
    while not order:
        time.sleep(0.001)
    with ReplyPool(1, gate) as executor:
        done = executor.submit(lambda: order.append("work"))
        time.sleep(0.05)
        assert not done.done()
        release.set()
        done.result(timeout=10)
    requester.join()
    assert order == ["request started", "request acked", "work"]


def test_a_busy_gate_holds_work_back_at_most_max_wait() -> None:
    gate = AckGate(max_wait=0.1, quiet=0.01)
    with gate.request():
        started = time.monotonic()
        gate.wait_quiet()
        assert time.monotonic() - started >= 0.1


def test_many_waiting_tasks_share_one_deadline_rather_than_queueing_for_it() -> None:
    # Waiters take turns watching the gate; that must not make the last one wait 8 × max_wait.
    gate = AckGate(max_wait=0.2, quiet=0.01)
    finished: list[float] = []
    with gate.request():
        started = time.monotonic()
        with ReplyPool(8, gate) as executor:
            done = [
                executor.submit(lambda: finished.append(time.monotonic() - started))
                for _ in range(8)
            ]
            for future in done:
                future.result(timeout=10)
    assert len(finished) == 8
    assert min(finished) >= 0.2
    assert max(finished) < 1.0


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
