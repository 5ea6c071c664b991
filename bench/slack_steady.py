"""Steady-load benchmark of the Slack request path: ack → queue → worker → post, on loopback.

Signed requests (half `/coach` commands, half mentions) arrive evenly spaced or as a Poisson
stream at each rate for `--duration` seconds, into real `coach serve` processes (offline
engine) whose replies go to a fake Slack Web API in another process. Several replicas share
the PostgreSQL queue and database, and the load is spread over them like a load balancer.

For every rate it prints ack p50/p99 (from the request's scheduled time, so a sender that
falls behind counts against the server), reply delay p50/p99/max (from the scheduled time to
the reply's arrival at the fake Slack), replies/s delivered while the load lasted, and
requests never answered within the drain time, and the CPU time the replicas' worker
children (`coach worker`) spent per reply, from /proc: a figure that moves far less than the
reply rate when other work shares the machine. Bounded in count and time; loopback only.

    python bench/slack_steady.py [--duration 20] [--rates 30,60,100,200]
        [--setups sqlite:1,postgres:1,postgres:2] [--patterns even,poisson]
        [--workers 8] [--processes 1] [--pin | --cpus 0.5]

`--pin` gives each replica one core of its own (replica i runs, with its worker children, on
core i modulo the core count), as a container limited to one CPU would: on a machine with few
cores that is how one replica's ceiling, and what a second one adds, can be seen at all
(unpinned, one replica already spreads over every core). The load generator, the fake Slack
and PostgreSQL stay unpinned.

`--cpus F` holds each replica, with its worker children, to F of a core on average (a cgroup
CPU quota, as a container's `--cpus` or a Kubernetes CPU limit; bench/cpu_quota.py; root on
Linux). On two cores this is the fair way to see scale-out: two replicas at half a core each
leave a core to PostgreSQL, the load generator and the fake Slack, so the second replica's
gain is not eaten by them, as it is with `--pin`.
"""

# ruff: noqa: PLC0415, PLR0917 - the fake role imports the test fake; run_once takes the run's parts

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.cpu_quota import CpuQuota  # noqa: E402
from bench.stats import children_of, cpu_seconds, percentile  # noqa: E402

SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench"
PG_ADMIN = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SENDERS = 64  # connections the load generator may have open at once
DRAIN_SECONDS = 60.0  # after the load, how long replies may still come
# Before the measured rates of each setup, not measured: requests per second, seconds.
WARM_UP_RATE, WARM_UP_SECONDS = 10.0, 3.0
QUESTIONS = [
    "ask is social media only a job for the marketing team?",
    "check We will go viral next week with one post, and it costs nothing.",
    "ask when will our LinkedIn page pay for itself?",
    "check Ab Montag betreut die Praktikantin allein alle Kanäle, ein Budget brauchen wir nicht.",
]


# -- the fake Slack, in its own process: records when each reply arrived ----------------------
class TimedCalls(list):  # type: ignore[type-arg]
    """The fake's call log, with each call's arrival time beside it."""

    def __init__(self) -> None:
        super().__init__()
        self.times: list[float] = []

    def append(self, call: object) -> None:
        self.times.append(time.time())
        super().append(call)


def role_fake() -> None:
    from tests.fakes.slack_api import FakeSlack

    with FakeSlack() as fake:
        calls = TimedCalls()
        fake.state.calls = calls
        print(fake.api_url, flush=True)
        for line in sys.stdin:  # "dump" → each reply's arrival so far, as JSON; EOF ends
            if line.strip() == "dump":
                with fake.state.condition:
                    found = _arrivals(list(zip(calls, calls.times, strict=True)))
                print(json.dumps(found), flush=True)


def _arrivals(timed: list[tuple[object, float]]) -> dict[str, float]:
    """Reply key → arrival time: a mention's thread ts, or a command's response URL name."""
    found: dict[str, float] = {}
    for call, at in timed:
        method, body = call.method, call.body  # type: ignore[attr-defined]
        key = None
        if method == "chat.postMessage":
            key = body.get("thread_ts")
        elif method == "response_url":
            key = call.path.rsplit("/", 1)[-1]  # type: ignore[attr-defined]
        if key and key not in found:
            found[key] = at
    return found


# -- the load ---------------------------------------------------------------------------------
@dataclass
class Sent:
    key: str
    body: str
    content_type: str
    at: float  # scheduled send time (time.time())
    acked: float | None = None


def make_request(n: int, run: str, api_url: str) -> tuple[str, str, str]:
    text = QUESTIONS[n % len(QUESTIONS)]
    if n % 2:
        key = f"{run}c{n}"
        form = {
            "team_id": "T111",
            "channel_id": "C111",
            "user_id": f"W{n % 7}",
            "command": "/coach",
            "text": text,
            "response_url": api_url.replace("/api/", f"/response/{key}"),
            "trigger_id": f"t{n}",
        }
        return key, urlencode(form), "application/x-www-form-urlencoded"
    key = f"{int(time.time())}.{run}{n:06d}"  # the mention's own ts: its reply's thread
    event = {"type": "app_mention", "user": f"W{n % 7}", "text": "<@UBOT> " + text.split(" ", 1)[1]}
    event |= {"ts": key, "channel": "C111"}
    envelope = {"type": "event_callback", "team_id": "T111", "event_id": f"Ev{run}{n}"}
    return key, json.dumps(envelope | {"event": event}), "application/json"


def schedule(rate: float, seconds: float, pattern: str, start: float) -> list[float]:
    times, now, rng = [], 0.0, random.Random(42)
    while True:
        now += rng.expovariate(rate) if pattern == "poisson" else 1.0 / rate
        if now >= seconds:
            return [start + t for t in times]
        times.append(now)


def send_all(ports: list[int], sent: list[Sent]) -> None:
    """Open loop: each request leaves at its time on the next free connection."""
    verifier = SignatureVerifier(SECRET)
    lock, index = threading.Lock(), [0]

    def sender() -> None:
        connections: dict[int, http.client.HTTPConnection] = {}
        while True:
            with lock:
                if index[0] >= len(sent):
                    break
                item, port = sent[index[0]], ports[index[0] % len(ports)]
                index[0] += 1
            time.sleep(max(0.0, item.at - time.time()))
            connection = connections.setdefault(
                port, http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            )
            stamp = str(int(time.time()))
            signature = verifier.generate_signature(timestamp=stamp, body=item.body)
            headers = {"Content-Type": item.content_type, "X-Slack-Request-Timestamp": stamp}
            try:
                connection.request(
                    "POST",
                    "/slack/events",
                    body=item.body.encode(),
                    headers=headers | {"X-Slack-Signature": signature},
                )
                response = connection.getresponse()
                response.read()
                if response.status == 200:
                    item.acked = time.time()
            except (OSError, http.client.HTTPException):
                connection.close()
                connections.pop(port)
        for connection in connections.values():
            connection.close()

    threads = [threading.Thread(target=sender) for _ in range(SENDERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


# -- processes ----------------------------------------------------------------------------------
@dataclass
class Setup:
    backend: str  # sqlite or postgres
    replicas: int
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    ports: list[int] = field(default_factory=list)
    schema: str | None = None
    quotas: list[CpuQuota] = field(default_factory=list)

    @property
    def pids(self) -> list[int]:
        return [process.pid for process in self.processes]

    @property
    def name(self) -> str:
        return f"{self.backend} × {self.replicas}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _confine(core: set[int] | None, quota: CpuQuota | None) -> None:
    """In the replica's process between fork and exec: its core, its CPU quota."""
    if core is not None:
        os.sched_setaffinity(0, core)
    if quota is not None:
        quota.enter()


def start(
    setup: Setup,
    api_url: str,
    workers: int,
    processes: int,
    pin: bool = False,
    cpus: float | None = None,
) -> None:
    data = tempfile.mkdtemp(prefix="coach-steady-")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "OPENAI_", "COACH_"))}
    env |= {
        "COACH_ENGINE": "offline",
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": api_url,
        "COACH_DATA_DIR": data,
        "COACH_WORKERS": str(workers),
        "COACH_QUEUE_PROCESSES": str(processes),  # the COACH_ variables were stripped above
        "COACH_LOG_LEVEL": "WARNING",
        "COACH_DIGEST_SCHEDULER": "false",
        "COACH_QUEUE_MAX_BACKLOG": "100000",
        "COACH_METRICS_PORT": "0",  # off: replicas on one machine would share its port
        "PYTHONPATH": str(ROOT),
    }
    if setup.backend == "postgres":
        setup.schema = f"coach_bench_{uuid.uuid4().hex[:10]}"
        _admin(f'CREATE SCHEMA "{setup.schema}"')
        env["DATABASE_URL"] = f"{PG_ADMIN}?options=-csearch_path%3D{setup.schema}"
    cores = sorted(os.sched_getaffinity(0))
    for n in range(setup.replicas):  # one after the other: the first migrates the schema
        port = free_port()
        core = {cores[n % len(cores)]} if pin else None
        quota = CpuQuota(cpus) if cpus else None
        if quota:
            setup.quotas.append(quota)
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1"],
            env=env | {"PORT": str(port)},
            cwd=data,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            # Only two system calls run before exec; no thread of this process is running.
            preexec_fn=(  # noqa: PLW1509
                (lambda core=core, quota=quota: _confine(core, quota)) if pin or quota else None
            ),
        )
        setup.processes.append(process)
        setup.ports.append(port)
        _healthy(port, process)


def _healthy(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("coach serve exited at start-up")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("coach serve did not become healthy")


def stop(setup: Setup) -> None:
    for process in setup.processes:
        process.terminate()
    for process in setup.processes:
        process.wait(60)
    for n, quota in enumerate(setup.quotas):
        print(
            f"replica {n}: held back by its CPU quota for {quota.throttled_seconds():.1f} s in all"
        )
        quota.remove()
    if setup.schema:
        _admin(f'DROP SCHEMA IF EXISTS "{setup.schema}" CASCADE')


def _admin(statement: str) -> None:
    engine = create_engine(PG_ADMIN)
    with engine.begin() as connection:
        connection.execute(text(statement))
    engine.dispose()


# -- one run and its figures -------------------------------------------------------------------
def dump(fake: subprocess.Popen[str]) -> dict[str, float]:
    assert fake.stdin is not None and fake.stdout is not None
    fake.stdin.write("dump\n")
    fake.stdin.flush()
    return dict(json.loads(fake.stdout.readline()))


def run_once(
    setup: Setup,
    fake: subprocess.Popen[str],
    api_url: str,
    rate: float,
    pattern: str,
    seconds: float,
) -> str:
    run = uuid.uuid4().hex[:6]
    workers = [child for pid in setup.pids for child in children_of(pid)]
    cpu_before = cpu_seconds(workers)
    start_at = time.time() + 0.5
    sent = []
    for n, at in enumerate(schedule(rate, seconds, pattern, start_at)):
        key, body, content_type = make_request(n, run, api_url)
        sent.append(Sent(key, body, content_type, at))
    send_all(setup.ports, sent)
    acked = [s for s in sent if s.acked is not None]
    deadline = time.time() + DRAIN_SECONDS
    while True:
        arrived = dump(fake)
        missing = [s for s in acked if s.key not in arrived]
        if not missing or time.time() > deadline:
            break
        time.sleep(0.25)
    cpu = cpu_seconds(workers) - cpu_before  # includes the idle polling while draining
    acks = [s.acked - s.at for s in acked if s.acked is not None]
    delays = [arrived[s.key] - s.at for s in acked if s.key in arrived]
    during = sum(1 for s in acked if arrived.get(s.key, float("inf")) <= start_at + seconds)
    ms = 1000.0
    return (
        f"| {setup.name} | {pattern} | {rate:.0f} | {len(sent)} | {len(acked)} "
        f"| {percentile(acks, 0.5) * ms:.0f} / {percentile(acks, 0.99) * ms:.0f} ms "
        f"| {percentile(delays, 0.5):.2f} / {percentile(delays, 0.99):.2f} / "
        f"{max(delays, default=float('nan')):.2f} s | {during / seconds:.0f} | {len(missing)} "
        f"| {cpu / max(len(delays), 1) * 1e6:.0f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--role", help=argparse.SUPPRESS)
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per rate")
    parser.add_argument("--rates", default="30,60,100,200")
    parser.add_argument("--patterns", default="even,poisson")
    parser.add_argument("--setups", default="sqlite:1,postgres:1,postgres:2")
    parser.add_argument("--workers", type=int, default=8, help="COACH_WORKERS per replica")
    parser.add_argument(
        "--processes",
        type=int,
        default=1,
        help="COACH_QUEUE_PROCESSES (worker children) per replica",
    )
    parser.add_argument(
        "--pin", action="store_true", help="each replica (and its workers) on one core of its own"
    )
    parser.add_argument(
        "--cpus",
        type=float,
        help="each replica (and its workers) held to this share of a core (cgroup CPU quota)",
    )
    args = parser.parse_args()
    if args.pin and args.cpus:
        parser.error("--pin and --cpus are two ways of limiting a replica: pick one")
    if args.role == "fake":
        role_fake()
        return
    rates = [float(r) for r in args.rates.split(",")]
    patterns = args.patterns.split(",")
    setups = [Setup(b, int(n)) for b, n in (item.split(":") for item in args.setups.split(","))]
    fake = subprocess.Popen(
        [sys.executable, __file__, "--role", "fake"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert fake.stdout is not None
    api_url = fake.stdout.readline().strip()
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start")
    print(
        f"{args.duration:.0f} s per rate, COACH_WORKERS={args.workers}, "
        f"COACH_QUEUE_PROCESSES={args.processes}, offline engine, loopback"
        + (", each replica pinned to one core" if args.pin else "")
        + (f", each replica held to {args.cpus:g} of a core" if args.cpus else "")
    )
    print(
        "| setup | arrivals | req/s | sent | acked | ack p50 / p99 | reply delay p50 / p99 / max "
        "| replies/s during load | unanswered | worker CPU µs/reply |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    try:
        for setup in setups:
            try:  # a replica that fails to start must not leave the others running
                start(setup, api_url, args.workers, args.processes, args.pin, args.cpus)
                # Not measured: the worker children load the engine on their first job, which
                # under a CPU quota takes long enough to show in the first rate's delays.
                run_once(setup, fake, api_url, WARM_UP_RATE, "even", WARM_UP_SECONDS)
                for pattern in patterns:
                    for rate in rates:
                        print(
                            run_once(setup, fake, api_url, rate, pattern, args.duration), flush=True
                        )
            finally:
                stop(setup)
    finally:
        if fake.stdin:
            fake.stdin.close()
        fake.terminate()
        fake.wait(10)
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
