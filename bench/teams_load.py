"""Load benchmark of the Teams endpoint (POST /api/messages), on loopback only.

Teams messages (1:1 chat, half questions, half "check this: …" drafts), each with its own
activity id, against two servers in the same run, each in its own process on aiohttp with the
same Agents SDK adapter and the same auth mode (the anonymous development mode: no tokens, so
neither pays for RS256 checks or outbound tokens):

  bare   an Agents SDK echo bot: its one route replies with the text, inside the turn
  coach  the real Teams front end (offline engine, SQLite): the delivery claimed and a job
         queued before the 202, then in a `coach worker` child (as `coach serve` runs it) the
         review or answer, usage records, an Adaptive Card (see docs/scaling.md#teams)

Both reply through the same fake Bot Connector (a third process). Two phases per round: a
steady load (`--concurrency` connections) and a burst (`--burst` connections at once). Prints
req/s and p50/p99 of the HTTP response for both, the ratio, and how long the coach took to
deliver all its cards. Bounded: a fixed number of requests and a hard time limit.

    python bench/teams_load.py [--requests 1000] [--concurrency 16] [--burst 200] [--rounds 3]
"""

# ruff: noqa: PLC0415 - each role imports only what it runs; the load generator stays light

from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.stats import LoadRun, children_of, cpu_known, cpu_seconds, median_ratio  # noqa: E402

TIME_LIMIT = 300.0  # seconds for the whole run, whatever happens
TEXTS = [
    "Is social media only a job for the marketing team?",
    "check this: We will go viral next week with one post, and it costs nothing.",
    "When will our LinkedIn page pay for itself?",
    "prüf das: Ab Montag betreut die Praktikantin allein alle Kanäle, ein Budget brauchen wir nicht.",
]


# -- the three server roles, each run as `python bench/teams_load.py --role ROLE` ------------
def role_connector() -> None:
    from tests.fakes.bot_connector import FakeBotConnector

    with FakeBotConnector() as fake:
        print(fake.service_url, flush=True)
        for line in sys.stdin:  # "count" → messages received so far; EOF ends
            if line.strip() == "count":
                print(len(fake.sent()), flush=True)


def _serve_forever(port_of: Callable[[], int]) -> None:
    print(port_of(), flush=True)
    threading.Event().wait()


def role_coach() -> None:
    import tempfile

    from bot.cli.workers import teams_only_children
    from bot.config import load_settings
    from bot.runtime import settle
    from bot.services.factory import build_server_services
    from bot.teams.runner import build_server

    settings = load_settings(
        _env_file=None,
        COACH_ENGINE="offline",
        COACH_TEAMS_ANONYMOUS="true",
        COACH_LOG_LEVEL="ERROR",  # the anonymous-mode warning is expected here
        DATABASE_URL=os.environ.get("DATABASE_URL") or None,
        COACH_DATA_DIR=tempfile.mkdtemp(prefix="coach-bench-"),
    )
    # Built as `coach serve` builds it: structured logs and metrics included.
    server = build_server(settings, build_server_services(settings), "127.0.0.1", port=0)
    server.start()
    teams_only_children(settings)  # the queued replies' worker; it ends with this process
    settle()
    _serve_forever(lambda: server.port)


def role_bare() -> None:
    import asyncio
    import logging

    from aiohttp import web
    from microsoft_agents.hosting.aiohttp import (
        CloudAdapter,
        jwt_authorization_decorator,
        start_agent_process,
    )
    from microsoft_agents.hosting.core import (
        AgentApplication,
        AgentAuthConfiguration,
        MemoryStorage,
        TurnContext,
        TurnState,
    )
    from microsoft_agents.hosting.core.app import ApplicationOptions
    from microsoft_agents.hosting.core.authorization import connection_manager

    from bot.teams.runner import ANONYMOUS_NOISE
    from tests.fakes.teams_auth import FakeTokenProvider

    logging.getLogger(ANONYMOUS_NOISE).setLevel(logging.ERROR)  # as the coach does
    auth = AgentAuthConfiguration(anonymous_allowed=True)
    connections = connection_manager.ConnectionManager(
        provider_factory=FakeTokenProvider,
        connections_configurations={"SERVICE_CONNECTION": auth},
    )
    options = ApplicationOptions(storage=MemoryStorage(), start_typing_timer=False)
    agent = AgentApplication[TurnState](options, connection_manager=connections)
    adapter = CloudAdapter(connection_manager=connections)

    async def echo(context: TurnContext, state: TurnState) -> None:
        await context.send_activity(f"echo: {context.activity.text}")

    agent.message()(echo)

    async def messages(request: web.Request) -> web.StreamResponse:
        return await start_agent_process(request, agent, adapter)

    async def main() -> None:
        app = web.Application()
        app["agent_configuration"] = auth
        app.router.add_post("/api/messages", jwt_authorization_decorator(messages))
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        print(runner.addresses[0][1], flush=True)
        await asyncio.Event().wait()

    asyncio.run(main())


# -- the load -----------------------------------------------------------------------------
def activities(count: int, service_url: str, first: int = 0) -> list[bytes]:
    template = json.loads((ROOT / "tests/teams/payloads/02-message-personal.json").read_text())
    made = []
    for n in range(first, first + count):
        activity = dict(template, id=f"bench-{n}", serviceUrl=service_url)
        activity["text"] = TEXTS[n % len(TEXTS)]
        activity["from"] = dict(template["from"], id=f"29:user-{n % 7}")
        made.append(json.dumps(activity).encode("utf-8"))
    return made


def load(port: int, work: list[bytes], concurrency: int) -> LoadRun:
    """Send everything over `concurrency` keep-alive connections."""
    jobs: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
    for item in [*work, *[None] * concurrency]:
        jobs.put(item)
    latencies: list[float] = []
    errors: list[bool] = []
    headers = {"Content-Type": "application/json"}

    def worker() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while (body := jobs.get()) is not None:
            started = time.perf_counter()
            try:
                connection.request("POST", "/api/messages", body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                ok = response.status == 202
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                ok = False
            latencies.append(time.perf_counter() - started)
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
def spawn(role: str) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, __file__, "--role", role],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert process.stdout is not None
    first = process.stdout.readline().strip()
    if not first:
        raise SystemExit(f"the {role} server did not start")
    return process, first


def report(name: str, run: LoadRun) -> tuple[float, float]:
    print("  " + run.line(name, failure="non-202"))
    return run.rate, run.p(0.99)


def delivered(connector: subprocess.Popen[str], expected: int, deadline: float) -> int:
    assert connector.stdin is not None and connector.stdout is not None
    while True:
        connector.stdin.write("count\n")
        connector.stdin.flush()
        seen = int(connector.stdout.readline())
        if seen >= expected or time.monotonic() > deadline:
            return seen
        time.sleep(0.05)


def phase(
    name: str,
    ports: dict[str, int],
    connector: subprocess.Popen[str],
    work: tuple[list[bytes], list[bytes]],
    *,
    concurrency: int,
    deadline: float,
    coach_pid: int,
) -> tuple[float, float]:
    print(f"{name}: {len(work[0])} messages, {concurrency} concurrent")
    before = delivered(connector, 0, deadline)
    bare_rate, _ = report("bare", load(ports["bare"], work[0], concurrency))
    seen = delivered(connector, before + len(work[0]), deadline)
    workers = children_of(coach_pid)  # the `coach worker` child that answers
    cpu = cpu_seconds([coach_pid]), cpu_seconds(workers)
    started = time.monotonic()
    coach_rate, coach_p99 = report("coach", load(ports["coach"], work[1], concurrency))
    cards = delivered(connector, seen + len(work[1]), deadline) - seen
    print(
        f"  coach/bare {coach_rate / bare_rate:.0%}; {cards}/{len(work[1])} cards delivered "
        f"{time.monotonic() - started:.1f} s after the coach's load began"
    )
    if cpu_known() and cards:
        # CPU moves far less than wall-clock rates when other work shares the machine.
        web = (cpu_seconds([coach_pid]) - cpu[0]) / len(work[1])
        worker = (cpu_seconds(workers) - cpu[1]) / cards
        print(
            f"  CPU µs: coach endpoint {web * 1e6:.0f} per message, worker {worker * 1e6:.0f} per card"
        )
    return coach_rate / bare_rate, coach_p99


def run(count: int, concurrency: int, burst: int, rounds: int) -> None:
    deadline = time.monotonic() + TIME_LIMIT
    connector, service_url = spawn("connector")
    children = [connector]
    try:
        bare, bare_port = spawn("bare")
        coach, coach_port = spawn("coach")
        children += [bare, coach]
        ports = {"bare": int(bare_port), "coach": int(coach_port)}
        for port in ports.values():  # warm up both the same way
            load(port, activities(100, service_url, first=10**6 + port), 8)
        delivered(connector, 200, deadline)
        print("loopback, anonymous auth for both, offline engine; bare and coach alternate")
        ratios, p99s = [], []
        for round_ in range(rounds):
            first = round_ * 4 * count
            steady = (
                activities(count, service_url, first),
                activities(count, service_url, first + count),
            )
            spike = (
                activities(burst, service_url, first + 2 * count),
                activities(burst, service_url, first + 3 * count),
            )
            for name, work, width in (("steady", steady, concurrency), ("burst", spike, burst)):
                ratio, p99 = phase(
                    name,
                    ports,
                    connector,
                    work,
                    concurrency=width,
                    deadline=deadline,
                    coach_pid=coach.pid,
                )
                ratios.append(ratio)
                p99s.append(p99)
        print(
            f"median coach/bare throughput {median_ratio(ratios):.0%}; "
            f"worst coach p99 {max(p99s) * 1000:.0f} ms"
        )
    finally:
        for child in children:
            if child.stdin:
                child.stdin.close()
            child.terminate()
            child.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--role", help=argparse.SUPPRESS)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--burst", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if args.role:
        {"connector": role_connector, "coach": role_coach, "bare": role_bare}[args.role]()
        return
    run(args.requests, args.concurrency, args.burst, args.rounds)


if __name__ == "__main__":
    main()
