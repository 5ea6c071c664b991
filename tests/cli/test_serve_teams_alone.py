"""`coach serve` with Teams alone loads no Slack code: not Bolt, not slack_sdk, not bot.slack,
digest scheduler included. Python's own import log (-X importtime) names every module the real
process imported, so the check is the process's, not a guess from reading the code. Slack's
publisher still joins that scheduler (and `coach digest run`'s) when Slack can post."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet

from bot.cli.db import digest_scheduler
from bot.config import Settings
from bot.core.engine import OfflineEngine
from bot.services.digest import DigestService
from bot.services.scheduler import Publishers
from bot.storage.db import open_database

KEY = Fernet.generate_key().decode()  # multi-workspace installs keep their tokens sealed
SLACK_MODULES = ("slack_bolt", "slack_sdk", "bot.slack")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _healthy(port: int) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", "/healthz")
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


def _imported(log: str) -> set[str]:
    """The modules named by `-X importtime` lines: 'import time: self | cumulative | name'."""
    names = set()
    for line in log.splitlines():
        if line.startswith("import time:") and line.count("|") == 2:
            names.add(line.rsplit("|", 1)[1].strip())
    return names


def test_teams_alone_imports_no_slack_code(tmp_path: Path) -> None:
    port = _free_port()
    prefixes = ("SLACK_", "OPENAI_", "COACH_", "MICROSOFT_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
    env |= {
        "COACH_ENGINE": "offline",
        "COACH_METRICS_PORT": "0",
        "COACH_DATA_DIR": str(tmp_path),
        "COACH_TEAMS_ANONYMOUS": "true",
        "COACH_TEAMS_PORT": str(port),
        "COACH_DIGEST_SCHEDULER": "true",
    }
    command = [sys.executable, "-X", "importtime", "-m", "bot", "serve", "--host", "127.0.0.1"]
    # A file, not a pipe: the import log is longer than a pipe holds before the server blocks.
    log_path = tmp_path / "stderr.log"
    with log_path.open("wb") as stderr:
        process = subprocess.Popen(
            command, env=env, cwd=tmp_path, stderr=stderr, stdout=subprocess.DEVNULL
        )
        try:
            deadline = time.monotonic() + 60
            while not _healthy(port):
                assert process.poll() is None, "coach serve ended before it was healthy"
                assert time.monotonic() < deadline, "coach serve did not become healthy"
                time.sleep(0.2)
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)
    log = log_path.read_text("utf-8", "replace")
    assert process.returncode == 0, log[-2000:]
    modules = _imported(log)
    # The log is complete: Teams' server and the digest scheduler with Teams' publisher ran.
    assert {
        "bot.teams.runner",
        "bot.services.digest_scheduling",
        "bot.teams.digest.publisher",
    } <= modules
    assert sorted(m for m in modules if m.startswith(SLACK_MODULES)) == []


@pytest.mark.parametrize(
    ("slack", "platforms"),
    [
        ({}, {"teams"}),
        ({"SLACK_BOT_TOKEN": "xoxb-cli"}, {"slack", "teams"}),
        (
            {"SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "s", "COACH_TOKEN_KEYS": KEY},
            {"slack", "teams"},
        ),
    ],
)
def test_the_cli_scheduler_posts_to_slack_only_when_slack_can_post(
    tmp_path: Path, engine: OfflineEngine, slack: dict[str, Any], platforms: set[str]
) -> None:
    values: dict[str, Any] = {"COACH_DATA_DIR": tmp_path, "COACH_TEAMS_ANONYMOUS": "true", **slack}
    settings = Settings(_env_file=None, **values)  # type: ignore[call-arg]
    database = open_database(
        settings.database_url, settings.data_dir, token_keys=settings.token_key_list
    )
    try:
        scheduler = digest_scheduler(settings, database, DigestService(database, engine.knowledge))
        assert isinstance(scheduler.publisher, Publishers)
        assert set(scheduler.publisher.publishers) == platforms
    finally:
        database.dispose()


# Run as `coach` in a process where the Teams SDK cannot be imported (no Teams extra).
WITHOUT_TEAMS_EXTRA = """
import sys

class NoTeamsExtra:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] == "microsoft_agents":
            raise ImportError(f"No module named {name!r}")
        return None

sys.meta_path.insert(0, NoTeamsExtra())
sys.argv = ["coach", *sys.argv[1:]]
from bot.cli.app import main
main()
"""


@pytest.mark.parametrize("args", [("serve", "--host", "127.0.0.1"), ("digest", "run"), ("worker",)])
def test_teams_configured_without_its_extra_is_one_clear_line(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    prefixes = ("SLACK_", "OPENAI_", "COACH_", "MICROSOFT_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
    env |= {
        "COACH_ENGINE": "offline",
        "COACH_METRICS_PORT": "0",
        "COACH_DATA_DIR": str(tmp_path),
        "COACH_TEAMS_ANONYMOUS": "true",
        "COACH_TEAMS_PORT": str(_free_port()),
    }
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT_TEAMS_EXTRA, *args],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().endswith("pip install 'social-media-coach[teams]'")
    assert "Traceback" not in done.stderr
