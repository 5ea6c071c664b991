"""Load benchmark of the Slack app's ack path, on loopback only.

Signed slash commands and thread mentions at 50 concurrent connections, against two servers
in the same run, each in its own process behind the same waitress setup:

  bare   a Bolt app that only acks (Bolt's own WSGI adapter): the framework's ceiling
  coach  the real app (offline engine) as `coach serve` runs it: acks and queues; its job
         worker process answers every request through a fake Slack Web API (another process)

Prints p50/p99 ack latency and requests/s for both, the ratio, and how long the coach took
to deliver all its replies. Bounded: a fixed number of requests and a hard time limit.

    python bench/slack_load.py [--requests 2000] [--concurrency 50] [--rounds 5]
        [--database sqlite|postgresql]

`--database postgresql` puts the coach's queue and records in a schema of its own on the local
PostgreSQL (BENCH_POSTGRES_URL, default postgresql+psycopg://postgres@127.0.0.1:5432/test),
dropped at the end.
"""

# ruff: noqa: PLC0415 - each role imports only what it runs; the load generator stays light

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.stats import LoadRun, children_of, cpu_known, cpu_seconds, median_ratio, table  # noqa: E402

SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench"
TIME_LIMIT = 240.0  # seconds for the whole run, whatever happens
PG_ADMIN = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
QUESTIONS = [
    "ask is social media only a job for the marketing team?",
    "check We will go viral next week with one post, and it costs nothing.",
    "ask when will our LinkedIn page pay for itself?",
    "check Ab Montag betreut die Praktikantin allein alle Kanäle, ein Budget brauchen wir nicht.",
]


# -- the three server roles, each run as `python bench/slack_load.py --role ROLE` ------------
def role_fake() -> None:
    from tests.fakes.slack_api import FakeSlack

    with FakeSlack() as fake:
        print(fake.api_url, flush=True)
        for line in sys.stdin:  # "count" → how many calls arrived so far; EOF ends
            if line.strip() == "count":
                replies = len(fake.calls("chat.postMessage")) + len(fake.calls("response_url"))
                print(replies, flush=True)


def _quiet_waitress() -> None:
    # waitress warns whenever its queue is deeper than its threads, which a load test is about.
    import logging

    logging.getLogger("waitress.queue").setLevel(logging.ERROR)


def database_url(database: str) -> str | None:
    """DATABASE_URL for the coach: None (SQLite in its data folder) or the run's PostgreSQL
    schema (see `bench_database`)."""
    if database == "sqlite":
        return None
    return f"{PG_ADMIN}?options=-csearch_path%3D{os.environ['BENCH_SCHEMA']}"


@contextlib.contextmanager
def bench_database(database: str) -> Iterator[None]:
    """For PostgreSQL, a schema of the run's own (BENCH_SCHEMA, inherited by the roles),
    dropped afterwards; nothing for SQLite."""
    if database == "sqlite":
        yield
        return
    from sqlalchemy import create_engine, text

    schema = f"coach_bench_{os.getpid()}_{int(time.time())}"
    engine = create_engine(PG_ADMIN)
    with engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    os.environ["BENCH_SCHEMA"] = schema
    try:
        yield
    finally:
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()


def role_coach(api_url: str, database: str = "sqlite") -> None:
    import tempfile

    from bot.config import load_settings
    from bot.runtime import settle
    from bot.services.factory import build_server_services
    from bot.services.worker_processes import worker_processes
    from bot.slack.server import create_server, endpoint_for

    settings = load_settings(
        _env_file=None,
        COACH_ENGINE="offline",
        SLACK_BOT_TOKEN=TOKEN,
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=api_url,
        # The embedded default (SQLite) keeps the queue and the records in a folder of its
        # own; with --database postgresql both live in a fresh schema of the local server.
        DATABASE_URL=database_url(database),
        COACH_DATA_DIR=tempfile.mkdtemp(prefix="coach-bench-"),
        # Every request is queued and answered: none is turned away as "busy" (whose notice
        # the serving process itself would post), whatever the previous rounds left.
        COACH_QUEUE_MAX_BACKLOG=100_000,
    )
    _quiet_waitress()
    # Built as `coach serve` builds it: structured logs and metrics included.
    endpoint, _ = endpoint_for(settings, build_server_services(settings))
    server = create_server(endpoint, "127.0.0.1", 0)
    # The job workers `coach serve` starts (they exit with us), told when the acks are busy.
    worker_processes(settings, endpoint.acks)
    settle()  # as `coach serve` does before serving
    print(server.effective_port, flush=True)
    server.run()


def bare_app(api_url: str) -> Any:
    """A Bolt app that only acks, as a WSGI application: the framework's ceiling."""
    from slack_bolt import Ack, App
    from slack_bolt.adapter.wsgi import SlackRequestHandler
    from slack_sdk import WebClient

    app = App(
        client=WebClient(token=TOKEN, base_url=api_url),
        signing_secret=SECRET,
        process_before_response=True,
    )

    @app.command("/coach")
    def command(ack: Ack) -> None:
        ack()

    @app.event("app_mention")
    def mention() -> None:
        pass

    return SlackRequestHandler(app)


def role_bare(api_url: str) -> None:
    from bot.slack.server import HTTP_THREADS, create_server

    _quiet_waitress()
    server = create_server(bare_app(api_url), "127.0.0.1", 0, threads=HTTP_THREADS)
    print(server.effective_port, flush=True)
    server.run()


# -- the load -----------------------------------------------------------------------------
def requests(count: int, fake_url: str, first: int = 0) -> list[tuple[str, str]]:
    """Half slash commands, half mentions; each mention has its own event id and ts."""
    made = []
    for n in range(first, first + count):
        if n % 2:
            form = {
                "team_id": "T111",
                "channel_id": "C111",
                "user_id": f"W{n % 7}",
                "command": "/coach",
                "text": QUESTIONS[n % len(QUESTIONS)],
                "response_url": fake_url.replace("/api/", "/response/bench"),
                "trigger_id": f"t{n}",
            }
            made.append((urlencode(form), "application/x-www-form-urlencoded"))
        else:
            ts = f"1700000000.{n + 1:06d}"
            event = {
                "type": "app_mention",
                "user": f"W{n % 7}",
                "text": "<@UBOT> " + QUESTIONS[n % len(QUESTIONS)].split(" ", 1)[1],
                "ts": ts,
                "thread_ts": "1700000000.000000",
                "channel": "C111",
            }
            envelope = {
                "type": "event_callback",
                "team_id": "T111",
                "event_id": f"Ev{n}",
                "event": event,
            }
            made.append((json.dumps(envelope), "application/json"))
    return made


def signed_post(
    connection: http.client.HTTPConnection,
    verifier: SignatureVerifier,
    body: str,
    content_type: str,
) -> bool:
    """One request as Slack sends it: signed now; True when acked with a 200."""
    stamp = str(int(time.time()))
    headers = {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": str(verifier.generate_signature(timestamp=stamp, body=body)),
    }
    connection.request("POST", "/slack/events", body=body.encode(), headers=headers)
    response = connection.getresponse()
    response.read()
    return response.status == 200


def load(port: int, work: list[tuple[str, str]], concurrency: int) -> LoadRun:
    """Send everything over `concurrency` keep-alive connections."""
    jobs: queue.SimpleQueue[tuple[str, str] | None] = queue.SimpleQueue()
    for item in [*work, *[None] * concurrency]:
        jobs.put(item)
    latencies: list[float] = []
    errors: list[bool] = []
    verifier = SignatureVerifier(SECRET)

    def worker() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while (item := jobs.get()) is not None:
            started = time.perf_counter()
            try:
                ok = signed_post(connection, verifier, *item)
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                ok = False
            latencies.append(time.perf_counter() - started)  # list.append is atomic
            errors.append(not ok)
        connection.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIME_LIMIT)
    return LoadRun(latencies, time.perf_counter() - started, sum(errors))


# -- orchestration ------------------------------------------------------------------------
def spawn(*args: str) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, __file__, "--role", *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert process.stdout is not None
    first = process.stdout.readline().strip()
    if not first:
        raise SystemExit(f"the {args[0]} server did not start")
    return process, first


def drained(fake: subprocess.Popen[str], expected: int, deadline: float) -> int:
    assert fake.stdin is not None and fake.stdout is not None
    while True:
        fake.stdin.write("count\n")
        fake.stdin.flush()
        seen = int(fake.stdout.readline())
        if seen >= expected or time.monotonic() > deadline:
            return seen
        time.sleep(0.05)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--role", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    args = parser.parse_args()
    if args.role:
        roles: dict[str, Callable[..., None]] = {
            "fake": role_fake,
            "coach": role_coach,
            "bare": role_bare,
        }
        roles[args.role[0]](*args.role[1:])
        return
    with bench_database(args.database):
        run(args.requests, args.concurrency, args.rounds, args.database)


@dataclass
class Round:
    bare: LoadRun
    coach: LoadRun
    replies: int
    replies_seconds: float
    cpu: dict[str, float]  # µs of CPU per request: bare, coach (web), workers, fake

    @property
    def ratio(self) -> float:
        return self.coach.rate / self.bare.rate


@dataclass
class Servers:
    fake: subprocess.Popen[str]
    bare: subprocess.Popen[str]
    coach: subprocess.Popen[str]
    bare_port: int
    coach_port: int
    api_url: str


def one_round(
    servers: Servers, work: list[tuple[str, str]], concurrency: int, deadline: float
) -> Round:
    """Bare, then coach, on the same requests; CPU per request of each process involved."""
    count = len(work)
    before = drained(servers.fake, 0, deadline)
    bare_cpu, sender = cpu_seconds([servers.bare.pid]), time.process_time()
    bare = load(servers.bare_port, work, concurrency)
    bare_cpu, sender = cpu_seconds([servers.bare.pid]) - bare_cpu, time.process_time() - sender
    workers = children_of(servers.coach.pid)
    pids = {"coach": [servers.coach.pid], "workers": workers, "fake": [servers.fake.pid]}
    cpu_before = {name: cpu_seconds(found) for name, found in pids.items()}
    started = time.monotonic()
    coach = load(servers.coach_port, work, concurrency)
    during = {name: cpu_seconds(found) - cpu_before[name] for name, found in pids.items()}
    replies = drained(servers.fake, before + count, deadline) - before
    per = 1e6 / count
    cpu = {
        "bare": bare_cpu * per,
        "coach": during["coach"] * per,
        "workers during load": during["workers"] * per,
        "fake during load": during["fake"] * per,
        # The load generator's own CPU while it loaded the bare app: near a full core
        # (1e6 / bare req/s) would mean the generator, not the server, set bare's pace.
        "generator (bare round)": sender * per,
    }
    return Round(bare, coach, replies, time.monotonic() - started, cpu)


def run(count: int, concurrency: int, rounds: int, database: str) -> None:
    deadline = time.monotonic() + TIME_LIMIT
    fake, api_url = spawn("fake")
    children = [fake]
    try:
        bare, bare_port = spawn("bare", api_url)
        coach, coach_port = spawn("coach", api_url, database)
        children += [bare, coach]
        servers = Servers(fake, bare, coach, int(bare_port), int(coach_port), api_url)
        load(servers.bare_port, requests(100, api_url), 10)  # warm up both the same way
        load(servers.coach_port, requests(100, api_url), 10)
        drained(fake, 100, deadline)
        print(
            f"{count} signed requests per round (half /coach, half app_mention), "
            f"{concurrency} concurrent, loopback, {database}; bare and coach alternate; "
            f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}"
        )
        done = []
        for round_ in range(rounds):
            work = requests(count, api_url, first=1000 + round_ * count)
            result = one_round(servers, work, concurrency, deadline)
            done.append(result)
            print(result.bare.line("bare"))
            print(result.coach.line("coach"))
            cpu = ", ".join(f"{name} {value:.0f}" for name, value in result.cpu.items())
            print(
                f"       coach/bare {result.ratio:.0%}; {result.replies}/{count} replies "
                f"delivered {result.replies_seconds:.1f} s after the coach's load began"
            )
            if cpu_known():
                print(f"       CPU µs per request: {cpu}")
        summary(done, count)
    finally:
        # The coach's worker processes outlive it by up to a second; wait for them, or a
        # PostgreSQL run drops its schema under their feet (a screen of "huey_task" errors).
        workers = children_of(children[-1].pid) if len(children) > 1 else []
        for child in children:
            if child.stdin:
                child.stdin.close()
            child.terminate()
            child.wait(10)
        gone_by = time.monotonic() + 10
        while workers and time.monotonic() < gone_by:
            workers = [pid for pid in workers if Path(f"/proc/{pid}").exists()]
            time.sleep(0.1)


def summary(done: list[Round], count: int) -> None:
    ms = 1000.0
    print(f"load average {os.getloadavg()[0]:.1f} at the end")
    print(
        table(
            [
                "round",
                "bare req/s",
                "bare p50 / p99",
                "coach req/s",
                "coach p50 / p99",
                "coach / bare",
                "replies done",
                "CPU µs/request bare / coach web / coach workers",
            ],
            [
                (
                    n + 1,
                    f"{r.bare.rate:,.0f}",
                    f"{r.bare.p(0.5) * ms:.0f} / {r.bare.p(0.99) * ms:.0f} ms",
                    f"{r.coach.rate:,.0f}",
                    f"{r.coach.p(0.5) * ms:.0f} / {r.coach.p(0.99) * ms:.0f} ms",
                    f"{r.ratio:.0%}",
                    f"{r.replies}/{count} in {r.replies_seconds:.1f} s",
                    f"{r.cpu['bare']:.0f} / {r.cpu['coach']:.0f} / {r.cpu['workers during load']:.0f}",
                )
                for n, r in enumerate(done)
            ],
        )
    )
    print(f"median coach/bare throughput: {median_ratio(r.ratio for r in done):.0%}")


if __name__ == "__main__":
    main()
