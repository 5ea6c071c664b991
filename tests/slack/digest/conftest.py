"""The digest's tests use the Slack harness of tests/slack (the real app, signed requests, the
fake Slack Web API) with a real database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.slack_api import FakeSlack
from tests.slack.conftest import services  # noqa: F401  -- the shared session fixture


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as server:
        yield server
