"""Fixtures for the operations tests: the app as `coach serve` composes it, with metrics, over
the fake Slack Web API; logging restored after each test that reconfigures it."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families
from slack_bolt import App

from bot.config import Settings
from bot.observability.logs import LIBRARY_FLOORS
from bot.observability.metrics import Metrics
from bot.services.factory import Services, build_services
from bot.slack.server import BackgroundServer, create_server, endpoint_for
from tests.fakes.slack_api import FakeSlack
from tests.ops.outage import Outage
from tests.slack.conftest import SECRET, Harness

BOT_TOKEN = "xoxb-ops-test-token-0123456789"


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """configure_logging replaces the root handlers (pytest's own among them): put them back."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    floors = {name: logging.getLogger(name).level for name in LIBRARY_FLOORS}
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
        for name, floor in floors.items():
            logging.getLogger(name).setLevel(floor)


def ops_settings(api_url: str, data_dir: Path, **extra: Any) -> Settings:
    """Settings as `coach serve` reads them, pointed at loopback fakes only."""
    values: dict[str, Any] = {
        "COACH_ENGINE": "offline",
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": api_url,
        "COACH_WORKERS": 4,
        "COACH_QUEUE_PROCESSES": 0,  # job threads in the test's own process
        "COACH_DATA_DIR": str(data_dir),
        **extra,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@dataclass
class Served(Harness):
    bolt: App | None = None  # the Bolt app behind the endpoint


@contextmanager
def serving(fake: FakeSlack, settings: Settings, services: Services) -> Iterator[Served]:
    """The app exactly as `coach serve` composes it (endpoint_for), on a free loopback port."""
    endpoint, deps = endpoint_for(settings, services)
    server = BackgroundServer(create_server(endpoint, "127.0.0.1", 0, threads=4)).start()
    try:
        yield Served(server.port, fake, deps, bolt=endpoint.app)
    finally:
        server.stop()
        deps.shutdown()


@pytest.fixture
def metrics() -> Metrics:
    return Metrics()


@pytest.fixture
def observed(fake: FakeSlack, metrics: Metrics, tmp_path: Path) -> Iterator[Harness]:
    """The served app, with metrics, over the fake Slack Web API."""
    settings = ops_settings(fake.api_url, tmp_path)
    with serving(fake, settings, build_services(settings, metrics=metrics)) as harness:
        yield harness


def samples(metrics: Metrics) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of the exposition, keyed by name and sorted labels."""
    body, _ = metrics.render()
    found = {}
    for family in text_string_to_metric_families(body.decode()):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as server:
        yield server


@pytest.fixture(params=[pytest.param("postgres", marks=pytest.mark.postgres)])
def outage() -> Iterator[Outage]:
    """A PostgreSQL schema behind a proxy that can play the database stopping."""
    found = Outage()
    try:
        yield found
    finally:
        found.close()
