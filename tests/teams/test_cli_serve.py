"""`coach serve` with Teams settings, as a user runs it: a real process, Slack and Teams side by
side or Teams alone, replies landing in the fake Bot Connector."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from tests.fakes.bot_connector import FakeBotConnector
from tests.fakes.slack_api import FakeSlack
from tests.teams.conftest import load


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _env(tmp_path: Path, **values: str) -> dict[str, str]:
    prefixes = ("SLACK_", "OPENAI_", "COACH_", "MICROSOFT_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
    return {
        **env,
        "COACH_ENGINE": "offline",
        "COACH_METRICS_PORT": "0",
        "COACH_DATA_DIR": str(tmp_path),
        **values,
    }


def _get(port: int, path: str) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8")
    finally:
        connection.close()


def _post(port: int, activity: dict[str, object]) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        body = json.dumps(activity).encode("utf-8")
        connection.request("POST", "/api/messages", body, {"Content-Type": "application/json"})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def _wait_healthy(process: subprocess.Popen[bytes], *ports: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    waiting = set(ports)
    while waiting and time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
        for port in list(waiting):
            try:
                if _get(port, "/healthz")[0] == 200:
                    waiting.discard(port)
            except OSError:
                time.sleep(0.1)
    assert not waiting, f"coach serve did not become healthy on {waiting}"


def _run(env: dict[str, str], tmp_path: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1"]
    return subprocess.Popen(command, env=env, cwd=tmp_path, stderr=subprocess.PIPE)


def _stop(process: subprocess.Popen[bytes]) -> str:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        code = process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
    log = process.stderr.read().decode() if process.stderr else ""
    if process.stderr:
        process.stderr.close()
    assert code == 0, log
    return log


def _teams_reply(port: int, connector: FakeBotConnector) -> None:
    activity = load("02-message-personal.json")
    activity.update(serviceUrl=connector.service_url, text="Is social media free?")
    assert _post(port, activity) == 202
    [call] = connector.wait_for(1, timeout=30)
    assert "Source" in call.all_text()


def test_slack_and_teams_side_by_side_in_one_coach_serve(tmp_path: Path) -> None:
    slack_port, teams_port, metrics_port = _free_port(), _free_port(), _free_port()
    with FakeBotConnector() as connector, FakeSlack() as slack:
        env = _env(
            tmp_path,
            SLACK_BOT_TOKEN="xoxb-cli-test",
            SLACK_SIGNING_SECRET="secret",
            SLACK_API_URL=slack.api_url,
            PORT=str(slack_port),
            MICROSOFT_APP_ID="00000000-0000-0000-0000-0000000000b0",
            COACH_TEAMS_ANONYMOUS="true",
            COACH_TEAMS_PORT=str(teams_port),
            COACH_METRICS_PORT=str(metrics_port),
        )
        process = _run(env, tmp_path)
        try:
            _wait_healthy(process, slack_port, teams_port)
            _teams_reply(teams_port, connector)
            assert _get(teams_port, "/metrics")[0] == 404  # counts stay on the internal port
            assert 'kind="teams.message"' in _get(metrics_port, "/metrics")[1]
        finally:
            log = _stop(process)
    assert "UNSIGNED" in log


def test_teams_alone(tmp_path: Path) -> None:
    teams_port = _free_port()
    env = _env(tmp_path, COACH_TEAMS_ANONYMOUS="true", COACH_TEAMS_PORT=str(teams_port))
    with FakeBotConnector() as connector:
        process = _run(env, tmp_path)
        try:
            _wait_healthy(process, teams_port)
            _teams_reply(teams_port, connector)
        finally:
            _stop(process)


def test_an_app_id_without_a_secret_is_one_clear_line(tmp_path: Path) -> None:
    env = _env(tmp_path, MICROSOFT_APP_ID="00000000-0000-0000-0000-0000000000b0")
    env["COACH_TEAMS_PORT"] = str(_free_port())
    done = subprocess.run(
        [sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert "MICROSOFT_APP_PASSWORD" in done.stderr and "Traceback" not in done.stderr


def test_a_web_only_teams_replica_and_a_coach_worker_answer_together(tmp_path: Path) -> None:
    teams_port = _free_port()
    env = _env(tmp_path, COACH_TEAMS_ANONYMOUS="true", COACH_TEAMS_PORT=str(teams_port))
    with FakeBotConnector() as connector:
        web = _run({**env, "COACH_QUEUE_RUN_JOBS": "false"}, tmp_path)
        worker: subprocess.Popen[bytes] | None = None
        try:
            _wait_healthy(web, teams_port)
            activity = load("02-message-personal.json")
            activity.update(serviceUrl=connector.service_url, text="Is social media free?")
            assert _post(teams_port, activity) == 202
            connector.wait_quiet(0.5)
            assert connector.sent() == []  # the web replica only queued it
            command = [sys.executable, "-m", "bot", "worker"]
            worker = subprocess.Popen(command, env=env, cwd=tmp_path, stderr=subprocess.PIPE)
            [call] = connector.wait_for(1, timeout=60)
            assert call.reply_to == activity["id"] and "Source" in call.all_text()
            assert "running queued Teams replies" in _stop(worker)
        finally:
            _stop(web)
            if worker is not None and worker.poll() is None:
                worker.kill()
                worker.wait(10)
