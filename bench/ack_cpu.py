"""CPU per ack, in process: the coach's WSGI endpoint beside a bare Bolt app's, no sockets.

The same signed requests as bench/slack_load.py (half `/coach`, half mentions) are handed
straight to each WSGI application from a few threads (as waitress's threads would), and the
process's CPU time (`time.process_time`, every thread of this process, including the queue's
commit thread) is divided by the number of requests. CPU time, unlike a wall-clock ratio,
hardly moves when other work shares the machine. No job worker runs: the queued jobs are
counted, then dropped with their temporary folder.

    python bench/ack_cpu.py [--requests 4000] [--threads 8] [--profile coach|bare]
        [--database sqlite|postgresql]
"""

# ruff: noqa: PLC0415 - each side imports only what it runs

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.slack_load import (  # noqa: E402
    SECRET,
    TOKEN,
    bare_app,
    bench_database,
    database_url,
    requests,
)

WSGI = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def coach_app(database: str, api_url: str) -> WSGI:
    from bot.config import load_settings
    from bot.runtime import settle
    from bot.services.factory import build_server_services
    from bot.slack.server import endpoint_for

    settings = load_settings(
        _env_file=None,
        COACH_ENGINE="offline",
        SLACK_BOT_TOKEN=TOKEN,
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=api_url,
        DATABASE_URL=database_url(database),
        COACH_DATA_DIR=tempfile.mkdtemp(prefix="coach-ack-cpu-"),
        COACH_QUEUE_PROCESSES=1,  # as `coach serve`: no job threads in this process
        COACH_QUEUE_MAX_BACKLOG=1_000_000,
    )
    endpoint, _ = endpoint_for(settings, build_server_services(settings))
    settle()
    return endpoint  # type: ignore[return-value]


def environ(body: str, content_type: str) -> dict[str, Any]:
    from slack_sdk.signature import SignatureVerifier

    stamp = str(int(time.time()))
    raw = body.encode()
    return {
        "REQUEST_METHOD": "POST",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "PATH_INFO": "/slack/events",
        "QUERY_STRING": "",
        "CONTENT_TYPE": content_type,
        "CONTENT_LENGTH": str(len(raw)),
        "HTTP_X_SLACK_REQUEST_TIMESTAMP": stamp,
        "HTTP_X_SLACK_SIGNATURE": SignatureVerifier(SECRET).generate_signature(
            timestamp=stamp, body=body
        ),
        "wsgi.input": io.BytesIO(raw),
    }


def drive(
    app: WSGI, count: int, threads: int, first: int, profile: pstats.Stats | None = None
) -> tuple[float, float]:
    """CPU seconds and wall seconds for `count` requests over `threads` threads; with
    `profile`, each thread's cProfile is added to it."""
    work = [environ(*item) for item in requests(count, "http://127.0.0.1:9/api/", first=first)]
    statuses: list[str] = []

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        statuses.append(status)

    def run(share: list[dict[str, Any]]) -> None:
        profiler = cProfile.Profile(time.thread_time) if profile is not None else None
        if profiler:
            profiler.enable()
        for item in share:
            b"".join(app(item, start_response))
        if profiler and profile is not None:
            profiler.disable()
            with lock:
                profile.add(profiler)

    lock = threading.Lock()

    parts = [work[n::threads] for n in range(threads)]
    pool = [threading.Thread(target=run, args=(part,)) for part in parts]
    cpu, wall = time.process_time(), time.perf_counter()
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    bad = [s for s in statuses if not s.startswith("200")]
    if bad:
        raise SystemExit(f"{len(bad)} requests were not acked with 200: {bad[:3]}")
    return cpu, wall


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--profile", choices=["coach", "bare"], help="cProfile one side")
    args = parser.parse_args()
    from tests.fakes.slack_api import FakeSlack

    # The fake answers auth.test at start-up; nothing else is called.
    with bench_database(args.database), FakeSlack() as fake:
        measure(
            args, {"bare": bare_app(fake.api_url), "coach": coach_app(args.database, fake.api_url)}
        )


def measure(args: argparse.Namespace, apps: dict[str, WSGI]) -> None:
    for app in apps.values():
        drive(app, 200, args.threads, first=0)  # warm up: imports, caches, first connections
    print(
        f"{args.requests} requests per round over {args.threads} threads, in process; "
        f"queue and records on {args.database}"
    )
    per: dict[str, list[float]] = {name: [] for name in apps}
    for round_ in range(args.rounds):
        for name, app in apps.items():
            profile = None
            if args.profile == name and round_ == 0:
                empty = cProfile.Profile()
                empty.enable()
                empty.disable()
                profile = pstats.Stats(empty)
            first = 10_000 * (round_ + 1)
            cpu, wall = drive(app, args.requests, args.threads, first, profile)
            per[name].append(cpu / args.requests)
            print(
                f"{name:5s} round {round_ + 1}: {cpu / args.requests * 1e6:6.0f} µs CPU/request, "
                f"{args.requests / wall:6.0f} req/s wall"
            )
            if profile is not None:
                profile.sort_stats("cumulative").print_stats(60)
                profile.sort_stats("tottime").print_stats(40)
    bare, coach = min(per["bare"]), min(per["coach"])
    print(
        f"best of {args.rounds}: bare {bare * 1e6:.0f} µs, coach {coach * 1e6:.0f} µs CPU/request; "
        f"bare/coach {bare / coach:.0%} (the throughput ratio a CPU-bound server would reach)"
    )


if __name__ == "__main__":
    main()
