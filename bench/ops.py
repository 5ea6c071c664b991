"""What observability costs an ack: the real HTTP endpoint called in process (no sockets, so
only CPU counts), once without metrics and once with them, on signed url_verification
requests (the whole ack path — signature, parsing, Bolt's dispatch — and no slow work after
it, so no other thread competes); plus the cost of one JSON log line. Prints microseconds.

    python bench/ops.py [--requests 3000]
"""

from __future__ import annotations

import argparse
import io
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from slack_sdk.signature import SignatureVerifier

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.config import load_settings  # noqa: E402 - after the path, run from anywhere
from bot.observability.context import request_scope  # noqa: E402
from bot.observability.logs import configure_logging  # noqa: E402
from bot.observability.metrics import Metrics  # noqa: E402
from bot.services.factory import build_services  # noqa: E402
from bot.slack.server import endpoint_for  # noqa: E402
from tests.fakes.slack_api import FakeSlack  # noqa: E402

SECRET = "bench-signing-secret"


def environ(body: str, content_type: str) -> dict[str, Any]:
    stamp = str(int(time.time()))
    signature = SignatureVerifier(SECRET).generate_signature(timestamp=stamp, body=body)
    raw = body.encode()
    return {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/slack/events",
        "CONTENT_TYPE": content_type,
        "CONTENT_LENGTH": str(len(raw)),
        "HTTP_X_SLACK_REQUEST_TIMESTAMP": stamp,
        "HTTP_X_SLACK_SIGNATURE": signature,
        "wsgi.input": io.BytesIO(raw),
    }


def endpoint(with_metrics: bool) -> Any:
    fake = FakeSlack().__enter__()  # auth.test at start-up; replies are never awaited here
    settings = load_settings(
        COACH_ENGINE="offline",
        SLACK_BOT_TOKEN="xoxb-bench",
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=fake.api_url,
        COACH_DATA_DIR=tempfile.mkdtemp(prefix="coach-ops-bench-"),
    )
    services = build_services(settings, metrics=Metrics() if with_metrics else None)
    app, _ = endpoint_for(settings, services)
    return app


def measure(apps: list[Any], body: tuple[str, str], count: int) -> list[float]:
    """Microseconds per request for each app: rounds alternate between the apps (so drift
    hits both alike), the first round warms up, the median of the others counts."""

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        assert status.startswith("200"), status

    rounds: list[list[float]] = [[] for _ in apps]
    for _ in range(8):
        for index, app in enumerate(apps):
            requests = [environ(*body) for _ in range(count)]
            started = time.perf_counter()
            for request in requests:
                app(request, start_response)
            rounds[index].append((time.perf_counter() - started) / count * 1e6)
    return [statistics.median(times[1:]) for times in rounds]


def log_line_cost(count: int) -> float:
    configure_logging("INFO", "json", stream=io.StringIO())
    log = logging.getLogger("bot.bench")
    with request_scope():
        started = time.perf_counter()
        for i in range(count):
            log.info("replied to a %s in %.1f ms", "command", i / 10)
        return (time.perf_counter() - started) / count * 1e6


def metrics_cost(count: int) -> float:

    metrics = Metrics()
    started = time.perf_counter()
    for _ in range(count):
        metrics.request("command", "ok", 0.004)
    return (time.perf_counter() - started) / count * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=3000)
    args = parser.parse_args()
    verification = ('{"type":"url_verification","challenge":"c","token":"t"}', "application/json")
    line = log_line_cost(args.requests)  # first: no other thread is busy yet
    count = metrics_cost(args.requests * 10)
    logging.disable(logging.CRITICAL)  # the bench measures acks, not the console
    with_metrics, without = measure([endpoint(True), endpoint(False)], verification, args.requests)
    print(f"ack path, in process ({args.requests} signed requests x 7 rounds, median):")
    print(f"  without metrics   {without:8.1f} µs per request")
    print(f"  with metrics      {with_metrics:8.1f} µs per request")
    print(
        f"  difference        {with_metrics - without:8.1f} µs ({with_metrics / without - 1:+.1%})"
    )
    print(f"counting a request  {count:8.1f} µs (Metrics.request: a counter and a histogram)")
    print(f"one JSON log line   {line:8.1f} µs")


if __name__ == "__main__":
    main()
