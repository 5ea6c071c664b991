"""Start-up is quiet: building the app logs no warning, even with the token in the environment."""

from __future__ import annotations

import logging

import pytest

from bot.services.factory import Services
from bot.slack.bolt_logging import bolt_logger
from bot.storage.db import Database
from tests.fakes.slack_api import FakeSlack
from tests.slack.conftest import running_app


def test_start_up_logs_no_warning_with_the_token_in_the_environment(
    fake: FakeSlack,
    services: Services,
    sqlite_database: Database,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Docker and most hosts pass SLACK_BOT_TOKEN as a real environment variable, which Bolt
    # reads on its own beside the client we give it.
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-from-the-environment")
    caplog.set_level(logging.DEBUG)
    with running_app(fake, services, sqlite_database) as slack:
        assert slack.command("help").status == 200
        fake.wait_for("response_url")
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert warnings == [], [r.getMessage() for r in warnings]
    assert fake.calls("auth.test"), "the app still checks its token at start-up"


def test_other_bolt_warnings_still_get_through(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    bolt_logger().warning("something Bolt wants an operator to see")
    assert [r.getMessage() for r in caplog.records] == ["something Bolt wants an operator to see"]
