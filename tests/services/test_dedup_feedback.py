"""The dedup and feedback services (in-memory implementations of transport-neutral interfaces)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest

from bot.services.dedup import InMemoryDedupStore
from bot.services.feedback import FeedbackError, FeedbackService, InMemoryFeedbackStore


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_first_claim_wins_across_any_of_its_keys() -> None:
    store = InMemoryDedupStore()
    assert store.claim(["msg:C1:1.0", "event:Ev1"])
    assert not store.claim(["event:Ev1"])  # a retry of the same event
    assert not store.claim(["msg:C1:1.0", "event:Ev2"])  # the same message as another event
    assert store.claim(["msg:C1:2.0", "event:Ev3"])


def test_released_keys_can_be_claimed_again() -> None:
    store = InMemoryDedupStore()
    assert store.claim(["a", "b"])
    store.release(["a", "b"])
    assert store.claim(["b"])


def test_keys_expire_and_the_store_stays_bounded() -> None:
    clock = Clock()
    store = InMemoryDedupStore(ttl=60, max_keys=3, clock=clock)
    assert store.claim(["a"])
    clock.now += 61
    assert store.claim(["a"])
    for key in "bcd":
        assert store.claim([key])
    assert store.claim(["a"])  # pushed out by newer keys


def test_only_one_of_many_concurrent_claims_wins() -> None:
    store = InMemoryDedupStore()
    wins: list[bool] = []
    barrier = threading.Barrier(16)

    def claim() -> None:
        barrier.wait()
        wins.append(store.claim(["event:same"]))

    threads = [threading.Thread(target=claim) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wins.count(True) == 1


def test_claim_needs_a_key() -> None:
    with pytest.raises(ValueError):
        InMemoryDedupStore().claim([])


def test_feedback_is_recorded_with_time_and_topics() -> None:
    at = datetime(2026, 1, 2, tzinfo=UTC)
    service = FeedbackService(InMemoryFeedbackStore(), clock=lambda: at)
    service.record("helpful", subject="answer", user="slack:T1:U1", language="de", topics=(2,))
    (item,) = service.store.recent()
    assert (item.rating, item.subject, item.language, item.topics, item.at) == (
        "helpful",
        "answer",
        "de",
        (2,),
        at,
    )


@pytest.mark.parametrize(("rating", "subject"), [("great", "answer"), ("helpful", "digest")])
def test_unknown_ratings_and_subjects_are_refused(rating: str, subject: str) -> None:
    service = FeedbackService(InMemoryFeedbackStore())
    with pytest.raises(FeedbackError):
        service.record(rating, subject=subject, user="u", language="en")
    assert service.store.recent() == []


def test_the_store_keeps_the_newest() -> None:
    store = InMemoryFeedbackStore(capacity=2)
    service = FeedbackService(store)
    for user in ("a", "b", "c"):
        service.record("not_helpful", subject="review", user=user, language="it")
    assert [f.user for f in store.recent()] == ["b", "c"]
