"""`coach serve` and `coach socket` as a user runs them: real processes, settings from the
environment, a fake Slack Web API on loopback."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.fakes.slack_api import FakeSlack
from tests.slack.conftest import SECRET, Harness


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _env(**values: str) -> dict[str, str]:
    # Nothing from the outer environment may configure the app (no real Slack, no real LLM).
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "OPENAI_", "COACH_"))}
    # Metrics off unless a test asks: a fixed default port would collide between test runs.
    return {**env, "COACH_ENGINE": "offline", "COACH_METRICS_PORT": "0", **values}


def _coach(*args: str) -> list[str]:
    return [sys.executable, "-m", "bot", *args]


def _wait_healthy(harness: Harness, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
        try:
            if harness.get("/healthz").status == 200:
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("coach serve did not become healthy")


def test_coach_serve_answers_a_signed_command(tmp_path: Path) -> None:
    port, metrics_port = _free_port(), _free_port()
    with FakeSlack() as fake:
        env = _env(
            SLACK_BOT_TOKEN="xoxb-cli-test",
            SLACK_SIGNING_SECRET=SECRET,
            SLACK_API_URL=fake.api_url,
            PORT=str(port),
            COACH_METRICS_PORT=str(metrics_port),
        )
        process = subprocess.Popen(
            _coach("serve", "--host", "127.0.0.1"), env=env, cwd=tmp_path, stderr=subprocess.PIPE
        )
        try:
            harness = Harness(port, fake, None)  # type: ignore[arg-type]
            _wait_healthy(harness, process)
            form = {
                "team_id": "T111",
                "channel_id": "C111",
                "user_id": "W111",
                "command": "/coach",
                "text": "ask is social media free?",
                "response_url": fake.response_url("cli"),
                "trigger_id": "t",
            }
            reply = harness.send_signed(urlencode(form), "application/x-www-form-urlencoded")
            assert reply.status == 200
            (answer,) = fake.wait_for("response_url", timeout=30)
            assert answer["response_type"] == "ephemeral" and "Source" in answer.all_text()
            assert fake.calls("auth.test")[0].headers["authorization"] == "Bearer xoxb-cli-test"
            _metrics_on_their_own_port(harness, metrics_port)
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=20) == 0, "SIGTERM stops it cleanly"
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)
            if process.stderr:
                process.stderr.close()


def _metrics_on_their_own_port(slack: Harness, metrics_port: int) -> None:
    assert slack.get("/metrics").status == 404, "not on the public port"
    scrape = Harness(metrics_port, slack.fake, None)  # type: ignore[arg-type]
    found = scrape.get("/metrics")
    assert found.status == 200
    assert 'coach_requests_total{kind="command",outcome="ok"} 1.0' in found.body


@pytest.mark.parametrize(
    ("command", "missing"),
    [
        ("socket", "SLACK_APP_TOKEN"),
        ("serve", "SLACK_SIGNING_SECRET"),
        ("serve", "SLACK_BOT_TOKEN"),
    ],
)
def test_missing_slack_settings_are_one_clear_line(
    tmp_path: Path, command: str, missing: str
) -> None:
    with FakeSlack() as fake:
        values = {
            "SLACK_BOT_TOKEN": "xoxb-x",
            "SLACK_SIGNING_SECRET": "s",
            "SLACK_API_URL": fake.api_url,
        }
        values.pop(missing, None)
        if command == "socket":
            values.pop("SLACK_APP_TOKEN", None)
        done = subprocess.run(
            _coach(command),
            env=_env(**values, PORT=str(_free_port())),
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert done.returncode == 2
    assert missing in done.stderr and "Traceback" not in done.stderr
