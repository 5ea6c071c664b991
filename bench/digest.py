"""Benchmark of the storage and the weekly digest, on loopback only.

On a fresh SQLite file and, when it is reachable, a fresh schema on the local PostgreSQL
(127.0.0.1:5432, database `test`):

  write      recording one check (UsageService.checked), p50 / p95
  claim      one event de-duplication claim (DatabaseDedupStore.claim), p50 / p95
  build      one workspace's digest from 100,000 usage rows of 50 workspaces, p50
  chart      one chart PNG (first one includes importing matplotlib), p50
  pass       one scheduler pass posting 200 due digests to a fake Slack Web API

    python bench/digest.py [--rows 100000] [--subscriptions 200]
"""

# ruff: noqa: PLC0415 - imports happen where they are measured

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, text  # noqa: E402

from bot.core.engine import OfflineEngine  # noqa: E402
from bot.models import Finding, Review  # noqa: E402
from bot.storage.db import Database  # noqa: E402
from bot.storage.schema import UsageEvent, UsageTrap  # noqa: E402

NOW = datetime.now(UTC)
PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def timed(run: Callable[[], object], times: int) -> list[float]:
    spent = []
    for _ in range(times):
        started = time.perf_counter()
        run()
        spent.append((time.perf_counter() - started) * 1000)
    return spent


def p(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def fill(database: Database, rows: int) -> None:
    """`rows` checks and questions of 50 workspaces over the last 14 days, in bulk."""
    rng = random.Random(7)
    events, traps = [], []
    for n in range(1, rows + 1):
        question = rng.random() < 0.3
        events.append(
            {
                "id": n,
                "workspace": f"T{rng.randrange(50):03d}",
                "channel": f"C{rng.randrange(20):03d}",
                "user": f"U{rng.randrange(500):04d}",
                "at": NOW - timedelta(seconds=rng.randrange(14 * 86400)),
                "kind": "question" if question else "check",
                "language": rng.choice(["en", "de", "it"]),
                "topic": rng.choice([None, 1, 2, 3, 4, 5]) if question else None,
                "engine": "offline",
                "text": None,
            }
        )
        if not question:
            traps += [{"event_id": n, "trap": t} for t in rng.sample(range(1, 6), rng.randrange(3))]
    with database.transaction() as session:
        session.execute(insert(UsageEvent), events)
        session.execute(insert(UsageTrap), traps)
        if database.dialect == "postgresql":  # explicit ids leave the sequence behind
            session.execute(
                text("SELECT setval(pg_get_serial_sequence('usage_events', 'id'), :n)"), {"n": rows}
            )


def bench_database(
    name: str, database: Database, args: argparse.Namespace, engine: OfflineEngine
) -> None:
    from bot.services.dedup import DatabaseDedupStore
    from bot.services.digest import DigestService
    from bot.services.usage import Origin, UsageService

    database.upgrade()
    started = time.perf_counter()
    fill(database, args.rows)
    print(f"{name}: {args.rows:,} usage rows written in {time.perf_counter() - started:.1f} s")
    usage = UsageService(database)
    review = Review(
        language="en",
        findings=(
            Finding(
                number=5, slug="its-free", confidence=0.9, evidence="x", start=0, end=1, advice="a"
            ),
        ),
    )
    writes = timed(lambda: usage.checked(Origin("T001", "C001", "U0001"), review, "draft"), 300)
    print(f"{name}: write  p50 {p(writes, 0.5):.2f} ms  p95 {p(writes, 0.95):.2f} ms")
    dedup = DatabaseDedupStore(database)
    claims = timed(
        lambda: dedup.claim([f"event:{uuid.uuid4().hex}", f"msg:C1:{uuid.uuid4().hex}"]), 300
    )
    print(f"{name}: claim  p50 {p(claims, 0.5):.2f} ms  p95 {p(claims, 0.95):.2f} ms")
    digests = DigestService(database, engine.knowledge)
    builds = timed(lambda: digests.build("T007", None, "en"), 20)
    channel = timed(lambda: digests.build("T007", "C003", "en"), 20)
    print(
        f"{name}: build  p50 {p(builds, 0.5):.1f} ms (workspace)  "
        f"{p(channel, 0.5):.1f} ms (one channel)"
    )


def bench_chart(engine: OfflineEngine) -> None:
    from bot.models import TrapTrend

    started = time.perf_counter()
    from bot.services.chart import ChartLabels, trap_chart

    traps = [
        TrapTrend(
            number=n,
            slug=engine.knowledge.slug(n),
            title=engine.knowledge[n].entry("en").title,
            this_week=n,
            last_week=6 - n,
        )
        for n in range(1, 6)
    ]
    labels = ChartLabels("Traps flagged: this week against last week", "this week", "last week")
    trap_chart(traps, labels)
    first = (time.perf_counter() - started) * 1000
    renders = timed(lambda: trap_chart(traps, labels), 10)
    print(f"chart: first {first:.0f} ms (with imports)  p50 {p(renders, 0.5):.0f} ms")


def bench_pass(args: argparse.Namespace, engine: OfflineEngine) -> None:
    from bot.config import Settings
    from bot.services.digest import DigestService
    from bot.services.scheduler import DigestScheduler
    from bot.services.subscriptions import Schedule, SubscriptionService
    from bot.slack.digest.post import SlackDigestPublisher
    from bot.slack.oauth import WorkspaceClients
    from tests.fakes.slack_api import FakeSlack

    with tempfile.TemporaryDirectory() as folder, FakeSlack() as fake:
        database = Database.connect(f"sqlite:///{folder}/pass.db")
        database.upgrade()
        fill(database, 20_000)
        month_ago = NOW - timedelta(days=30)
        subscriptions = SubscriptionService(database, clock=lambda: month_ago)
        for n in range(args.subscriptions):
            subscriptions.subscribe(
                f"T{n % 50:03d}",
                f"C{n:05d}",
                Schedule(weekday=NOW.weekday(), hour=0, minute=0),
                scope="channel" if n % 2 else "workspace",
                language="en",
                user="U1",
            )
        settings = Settings(
            _env_file=None, SLACK_BOT_TOKEN="xoxb-bench", SLACK_API_URL=fake.api_url
        )  # type: ignore[call-arg]
        scheduler = DigestScheduler(
            database,
            SubscriptionService(database),
            DigestService(database, engine.knowledge),
            SlackDigestPublisher(WorkspaceClients(settings)),
            lease=timedelta(minutes=10),
        )
        started = time.perf_counter()
        report = scheduler.run_once()
        seconds = time.perf_counter() - started
        charts = len(fake.calls("files.completeUploadExternal"))
        print(
            f"pass: {report}; {charts} charts; {seconds:.1f} s "
            f"({report.posted / seconds:.1f} digests/s)"
        )
        started = time.perf_counter()
        again = scheduler.run_once()
        print(f"pass again: {again} in {(time.perf_counter() - started) * 1000:.0f} ms")
        database.dispose()


def postgres() -> tuple[Database, Callable[[], None]] | None:
    admin = Database.connect(PG)
    try:
        admin.check()
    except Exception as exc:  # unreachable: the benchmark says so and goes on
        print(f"postgres: skipped ({str(exc).splitlines()[0]})")
        admin.dispose()
        return None
    schema = f"coach_bench_{uuid.uuid4().hex[:8]}"
    with admin.engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    database = Database.connect(f"{PG}?options=-csearch_path%3D{schema}")

    def drop() -> None:
        database.dispose()
        with admin.engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    return database, drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--subscriptions", type=int, default=200)
    args = parser.parse_args()
    engine = OfflineEngine.load()
    with tempfile.TemporaryDirectory() as folder:
        database = Database.connect(f"sqlite:///{folder}/bench.db")
        bench_database("sqlite", database, args, engine)
        database.dispose()
    found = postgres()
    if found:
        database, drop = found
        try:
            bench_database("postgres", database, args, engine)
        finally:
            drop()
    bench_chart(engine)
    bench_pass(args, engine)


if __name__ == "__main__":
    main()
