"""The state replicas share through the database: results kept for Share and rate-limit
counters, on SQLite and on the real PostgreSQL (separate engines stand in for replicas)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bot.storage.counters import Budget, take
from bot.storage.db import Database
from bot.storage.records import prune
from bot.storage.results import find_result, save_result
from bot.storage.schema import RateCounter, SharedResult

NOW = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)
HOUR = (NOW, NOW + timedelta(hours=1))
ALICE = Budget("user", "slack:T1:UALICE", 2)
BOB = Budget("user", "slack:T1:UBOB", 2)
TEAM = Budget("workspace", "slack:T1", 3)


def rows(database: Database, model: type[SharedResult] | type[RateCounter]) -> int:
    with database.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def hits(database: Database, budget: Budget) -> int:
    with database.transaction() as session:
        found = session.scalar(
            select(RateCounter.hits).where(
                RateCounter.scope == budget.scope, RateCounter.key == budget.key
            )
        )
    return int(found or 0)


def test_a_result_is_found_by_another_process_until_it_expires(database: Database) -> None:
    url = database.engine.url.render_as_string(hide_password=False)
    other = Database.connect(url)
    try:
        save_result(database, "ref1", '{"text": "hé"}', NOW + timedelta(minutes=30))
        assert find_result(other, "ref1", NOW) == '{"text": "hé"}'
        assert find_result(other, "ref1", NOW + timedelta(minutes=30)) is None
        assert find_result(other, "unknown", NOW) is None
    finally:
        other.dispose()


def test_a_write_can_sweep_what_expired(database: Database) -> None:
    save_result(database, "old", "{}", NOW - timedelta(seconds=1))
    save_result(database, "new", "{}", NOW + timedelta(minutes=30))
    assert rows(database, SharedResult) == 2
    save_result(database, "newer", "{}", NOW + timedelta(minutes=31), sweep_before=NOW)
    with database.transaction() as session:
        assert sorted(session.scalars(select(SharedResult.reference))) == ["new", "newer"]


def test_counters_allow_up_to_the_limit_then_name_the_spent_budget(database: Database) -> None:
    assert [take(database, [ALICE, TEAM], *HOUR) for _ in range(3)] == [None, None, "user"]
    assert (hits(database, ALICE), hits(database, TEAM)) == (2, 2)
    assert take(database, [BOB, TEAM], *HOUR) is None
    assert take(database, [BOB, TEAM], *HOUR) == "workspace"
    assert (hits(database, BOB), hits(database, TEAM)) == (1, 3), "a refusal counts nowhere"


def test_a_new_window_starts_from_zero_and_replaces_the_old_row(database: Database) -> None:
    assert take(database, [ALICE], *HOUR) is None
    assert take(database, [ALICE], *HOUR) is None
    assert take(database, [ALICE], *HOUR) == "user"
    later = (HOUR[1], HOUR[1] + timedelta(hours=1))
    assert take(database, [ALICE], *later) is None
    with database.transaction() as session:
        kept = session.execute(select(RateCounter.window_start, RateCounter.hits)).all()
    assert [(start, n) for start, n in kept] == [(later[0], 1)]


def test_concurrent_processes_never_count_past_the_limit(database: Database) -> None:
    url = database.engine.url.render_as_string(hide_password=False)
    processes = [Database.connect(url) for _ in range(4)]
    budget = Budget("user", "slack:T1:USAME", 7)
    # One request first, so the rest race on raising an existing counter, not on creating it.
    assert take(database, [budget], *HOUR) is None
    start = threading.Barrier(20)
    allowed: list[bool] = []

    def ask(process: Database) -> None:
        start.wait()
        allowed.append(take(process, [budget, Budget("workspace", "slack:T1", 100)], *HOUR) is None)

    threads = [threading.Thread(target=ask, args=(processes[n % 4],)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    for process in processes:
        process.dispose()
    assert allowed.count(True) == 6 and len(allowed) == 20
    assert hits(database, budget) == 7


def test_prune_deletes_expired_results_and_counters_only(database: Database) -> None:
    save_result(database, "gone", "{}", NOW - timedelta(seconds=1))
    save_result(database, "kept", "{}", NOW + timedelta(minutes=5))
    take(database, [ALICE], NOW - timedelta(hours=2), NOW - timedelta(hours=1))
    take(database, [BOB], *HOUR)
    pruned = prune(database, NOW - timedelta(days=180), NOW)
    assert (pruned.results, pruned.counters) == (1, 1)
    assert rows(database, SharedResult) == 1 and rows(database, RateCounter) == 1
    assert (hits(database, ALICE), hits(database, BOB)) == (0, 1)
