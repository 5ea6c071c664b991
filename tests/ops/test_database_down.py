"""The database stops during requests: people still get their replies, and every usage event
is written once it is back — nothing lost, also across a crash. The shared PostgreSQL stays up
for the other tests; the coach reaches it through a loopback TCP proxy that plays the outage.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from bot.core.engine import OfflineEngine
from bot.observability.metrics import Metrics
from bot.services.factory import build_services
from bot.services.resilience import DurableUsageService, FallbackDedupStore, UsageOutbox
from bot.services.usage import Origin, UsageService
from bot.storage.db import Database
from bot.storage.records import UsageRecord, add_usage
from bot.storage.schema import UsageEvent
from tests.fakes.slack_api import FakeSlack
from tests.ops.conftest import ops_settings, samples, serving
from tests.ops.outage import Outage, eventually
from tests.slack.conftest import mention_envelope

FAST = (0.05, 0.1)  # the outbox's waits between attempts, shortened
DRAFT = "We don't need a budget, social media is free."


def record(user: str, traps: tuple[int, ...] = (5,)) -> UsageRecord:
    at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    return UsageRecord("T1", "C1", user, at, "check", "en", "offline", traps)


def test_events_wait_for_the_database_in_order_and_none_is_lost(
    outage: Outage, tmp_path: Path
) -> None:
    database = Database.connect(outage.url)
    metrics = Metrics()
    outbox = UsageOutbox(lambda r: add_usage(database, r), tmp_path, metrics, FAST)
    try:
        outage.proxy.down()
        for n in range(5):
            outbox.add(record(f"U{n}", traps=(n % 5 + 1,)))  # never raises
        assert outbox.pending == 5
        (spool,) = tmp_path.glob("usage-*.jsonl")
        assert len(spool.read_text().splitlines()) == 5  # on disk before the reply goes on
        outage.proxy.up()
        eventually(lambda: outbox.pending == 0)
        assert outage.events() == 5 and outage.traps() == [1, 2, 3, 4, 5]
        assert spool.read_text() == ""
        found = samples(metrics)
        assert found[("coach_usage_events_total", (("outcome", "queued"),))] == 5
        assert found[("coach_usage_events_total", (("outcome", "flushed"),))] == 5
        assert found[("coach_usage_events_pending", ())] == 0
    finally:
        outbox.close()
        database.dispose()


def test_events_of_a_process_that_stopped_during_the_outage_are_adopted(
    outage: Outage, tmp_path: Path
) -> None:
    database = Database.connect(outage.url)

    def write(r: UsageRecord) -> None:
        add_usage(database, r)

    outage.proxy.down()
    first = UsageOutbox(write, tmp_path, retry=FAST)
    for n in range(3):
        first.add(record(f"U{n}"))
    alive = UsageOutbox(write, tmp_path, retry=FAST)  # the first process is still alive
    assert alive.pending == 0
    first.close()  # stops while the database is away: its spool stays behind, unlocked
    assert len(list(tmp_path.glob("usage-*.jsonl"))) == 1
    restarted = UsageOutbox(write, tmp_path, retry=FAST)
    try:
        assert restarted.pending == 3
        outage.proxy.up()
        eventually(lambda: restarted.pending == 0)
        assert outage.events() == 3
    finally:
        alive.close()
        restarted.close()
        database.dispose()
    assert list(tmp_path.glob("usage-*.jsonl")) == []


def test_the_outbox_writes_the_row_usage_service_would(
    sqlite_database: Database, engine: OfflineEngine, tmp_path: Path
) -> None:
    clock = lambda: datetime(2026, 3, 2, 9, 30, tzinfo=UTC)  # noqa: E731
    review = engine.review(DRAFT)
    origin = Origin("T9", "C9", "U9")
    UsageService(sqlite_database, store_text=True, clock=clock).checked(origin, review, DRAFT)
    outbox = UsageOutbox(lambda r: add_usage(sqlite_database, r), tmp_path, retry=FAST)
    durable = DurableUsageService(outbox, sqlite_database, store_text=True, clock=clock)
    durable.checked(origin, review, DRAFT)
    outbox.close()
    with sqlite_database.transaction() as session:
        rows = session.execute(select(UsageEvent)).scalars().all()
        plain, through = (
            {k: v for k, v in vars(r).items() if k[0] != "_" and k != "id"} for r in rows
        )
    assert plain == through and plain["text"] == DRAFT


def test_claims_fall_back_to_memory_while_the_database_is_away(outage: Outage) -> None:
    from bot.services.dedup import DatabaseDedupStore

    database = Database.connect(outage.url)
    store = FallbackDedupStore(DatabaseDedupStore(database))
    try:
        assert store.claim(["event:E1"])
        outage.proxy.down()
        assert not store.claim(["event:E1"])  # known from before the outage
        assert store.claim(["event:E2"]) and not store.claim(["event:E2"])
        outage.proxy.up()
        assert not store.claim(["event:E2"])  # answered during the outage: still known
        assert store.claim(["event:E3"])
    finally:
        database.dispose()


def test_a_stopped_database_costs_no_reply_and_no_event(outage: Outage, tmp_path: Path) -> None:
    metrics = Metrics()
    with FakeSlack() as fake:
        settings = ops_settings(fake.api_url, tmp_path, DATABASE_URL=outage.url)
        with serving(fake, settings, build_services(settings, metrics=metrics)) as app:
            app.deps.usage.outbox._retry = FAST  # type: ignore[attr-defined]
            outage.proxy.down()
            app.event(mention_envelope(f"<@UBOT> check this: {DRAFT}", event_id="Ev1"))
            app.command("ask is social media free?")
            (mention,) = fake.wait_for("chat.postMessage")
            (command,) = fake.wait_for("response_url")
            assert "#5" in mention.all_text() and "Source" in command.all_text()
            app.event(mention_envelope(f"<@UBOT> check this: {DRAFT}", event_id="Ev1"), retry=1)
            fake.wait_quiet()
            assert len(fake.calls("chat.postMessage")) == 1  # the re-delivery: no second reply
            queued = ("coach_usage_events_total", (("outcome", "queued"),))
            eventually(lambda: samples(metrics)[queued] == 2)
            assert outage.events() == 0
            outage.proxy.up()
            eventually(lambda: outage.events() == 2)
    assert 5 in outage.traps()
    found = samples(metrics)
    assert found[("coach_usage_events_total", (("outcome", "flushed"),))] == 2
    assert found[("coach_usage_events_pending", ())] == 0
