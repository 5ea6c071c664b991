"""Start-up with bad configuration: `coach serve` as an operator runs it, in a real process.
One clear line names the setting and the fix, exit code 2, never a traceback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.fakes.slack_api import FakeSlack
from tests.slack.conftest import SECRET, Harness


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _env(**values: str) -> dict[str, str]:
    inherited = {
        k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "OPENAI_", "COACH_"))
    }
    # Metrics off unless a test asks: the fixed default port would collide between test runs.
    return {**inherited, "COACH_ENGINE": "offline", "COACH_METRICS_PORT": "0", **values}


def serve(tmp_path: Path, **values: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1"],
        env=_env(COACH_DATA_DIR=str(tmp_path / "data"), **values),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def one_clear_line(done: subprocess.CompletedProcess[str], *words: str) -> str:
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("coach: error:")]
    assert len(errors) == 1 and done.stderr.rstrip().endswith(errors[0]), done.stderr
    for word in words:
        assert word in errors[0], errors[0]
    return errors[0]


@pytest.mark.parametrize(
    ("setting", "value", "expected"),
    [
        ("PORT", "abc", "a number from 1 to 65535"),
        ("PORT", "70000", "a number from 1 to 65535"),
        ("COACH_LOG_LEVEL", "LOUD", "'DEBUG', 'INFO', 'WARNING' or 'ERROR'"),
        ("COACH_LOG_FORMAT", "xml", "json, text, or auto"),
        ("COACH_RATE_USER_PER_HOUR", "-5", "0 means no limit"),
        ("COACH_LLM_TIMEOUT", "soon", "Seconds per LLM request"),
        ("COACH_DIGEST_MANAGERS", "admin", "'admin' is neither a Slack user id"),
        ("COACH_DIGEST_MANAGERS", "@alice,U024BE7LH", "everyone, admins (workspace admins"),
    ],
)
def test_a_bad_value_names_the_setting_and_what_it_expects(
    tmp_path: Path, setting: str, value: str, expected: str
) -> None:
    done = serve(tmp_path, SLACK_BOT_TOKEN="xoxb-x", SLACK_SIGNING_SECRET="s", **{setting: value})
    one_clear_line(done, f"setting {setting} is invalid", expected, "Fix it in the environment")


def test_a_bad_value_in_a_secrets_file_is_named_too(tmp_path: Path) -> None:
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "COACH_LLM_MAX_INPUT_TOKENS").write_text("10")
    done = serve(
        tmp_path,
        SLACK_BOT_TOKEN="xoxb-x",
        SLACK_SIGNING_SECRET="s",
        COACH_SECRETS_DIR=str(tmp_path / "secrets"),
    )
    one_clear_line(done, "COACH_LLM_MAX_INPUT_TOKENS", "greater than or equal to 500")


def test_a_port_in_use_is_one_line(tmp_path: Path) -> None:
    with FakeSlack() as fake, socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        done = serve(
            tmp_path,
            SLACK_BOT_TOKEN="xoxb-x",
            SLACK_SIGNING_SECRET="s",
            SLACK_API_URL=fake.api_url,
            PORT=port,
        )
    one_clear_line(done, f"cannot listen on 127.0.0.1:{port}", "set PORT to a free port")


def test_slack_unreachable_or_refusing_the_token_is_one_line(tmp_path: Path) -> None:
    closed = f"http://127.0.0.1:{_free_port()}/api/"
    done = serve(tmp_path, SLACK_BOT_TOKEN="xoxb-x", SLACK_SIGNING_SECRET="s", SLACK_API_URL=closed)
    one_clear_line(done, "check SLACK_BOT_TOKEN and SLACK_API_URL")
    with FakeSlack() as fake:  # the fake refuses tokens that are not xox…
        done = serve(
            tmp_path, SLACK_BOT_TOKEN="wrong", SLACK_SIGNING_SECRET="s", SLACK_API_URL=fake.api_url
        )
    line = one_clear_line(done, "did not accept the bot token", "SLACK_BOT_TOKEN")
    assert "wrong" not in line


def test_llm_required_but_not_configured_is_one_line(tmp_path: Path) -> None:
    done = serve(tmp_path, SLACK_BOT_TOKEN="xoxb-x", SLACK_SIGNING_SECRET="s", COACH_ENGINE="llm")
    one_clear_line(done, "COACH_ENGINE", "OPENAI_API_KEY", "OPENAI_BASE_URL")


def test_secrets_are_read_from_mounted_files(tmp_path: Path) -> None:
    """Docker and Kubernetes secrets: one file per setting, no secret in the environment."""
    secrets = tmp_path / "run-secrets"
    secrets.mkdir()
    (secrets / "SLACK_BOT_TOKEN").write_text("xoxb-from-a-file\n")
    (secrets / "SLACK_SIGNING_SECRET").write_text(SECRET + "\n")
    port = _free_port()
    with FakeSlack() as fake:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1"],
            env=_env(
                COACH_SECRETS_DIR=str(secrets),
                COACH_DATA_DIR=str(tmp_path / "data"),
                SLACK_API_URL=fake.api_url,
                PORT=str(port),
            ),
            cwd=tmp_path,
            stderr=subprocess.DEVNULL,
        )
        try:
            harness = Harness(port, fake, None)  # type: ignore[arg-type]
            deadline = time.monotonic() + 60
            while True:
                assert process.poll() is None and time.monotonic() < deadline
                try:
                    if harness.get("/healthz").status == 200:
                        break
                except OSError:
                    time.sleep(0.1)
            assert harness.command("help").status == 200  # the signing secret came from a file
            (auth,) = fake.calls("auth.test")
            assert auth.headers["authorization"] == "Bearer xoxb-from-a-file"
        finally:
            process.terminate()
            process.wait(timeout=30)


def test_an_unreachable_database_names_database_url_without_its_password(tmp_path: Path) -> None:
    url = f"postgresql://coach:hunter2-secret@127.0.0.1:{_free_port()}/coach"
    done = serve(tmp_path, SLACK_BOT_TOKEN="xoxb-x", SLACK_SIGNING_SECRET="s", DATABASE_URL=url)
    one_clear_line(done, "cannot reach the database", "check DATABASE_URL")
    assert "hunter2" not in done.stderr


def test_a_secret_with_a_bad_value_is_named_but_never_echoed() -> None:
    from bot.config import SettingsError, load_settings

    with pytest.raises(SettingsError) as caught:
        load_settings(_env_file=None, SLACK_BOT_TOKEN=12345678)
    assert "SLACK_BOT_TOKEN" in str(caught.value) and "12345678" not in str(caught.value)


@pytest.mark.parametrize(
    ("value", "mode", "users"),
    [
        ("everyone", "everyone", set()),
        (" Admins ", "admins", set()),
        ("U024BE7LH, U0G9QF9C6,U024BE7LH,", "listed", {"U024BE7LH", "U0G9QF9C6"}),
        ("W0ENTERPRISE1", "listed", {"W0ENTERPRISE1"}),
        (
            "U024BE7LH,0B3F9C1E-7A2D-4E5F-8A9B-0C1D2E3F4A5B",
            "listed",
            {"U024BE7LH", "0b3f9c1e-7a2d-4e5f-8a9b-0c1d2e3f4a5b"},
        ),
    ],
)
def test_digest_managers_are_read_and_normalised(value: str, mode: str, users: set[str]) -> None:
    from bot.config import load_settings

    access = load_settings(_env_file=None, COACH_DIGEST_MANAGERS=value).digest_access
    assert (access.mode, set(access.users)) == (mode, users)
    assert load_settings(_env_file=None).digest_access.mode == "everyone", "the default"


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("", "it is empty"),
        (" , ", "it is empty"),
        ("u024be7lh", "'u024be7lh' is neither a Slack user id"),
        ("alice@example.com", "is neither a Slack user id"),
        ("admins,U024BE7LH", "admins stands alone"),
        ("nobody", "'nobody' is neither a Slack user id"),
    ],
)
def test_a_bad_digest_managers_value_is_one_message_naming_it(value: str, problem: str) -> None:
    """Strict: a typo must not silently lock everybody but the admins out (or let all in)."""
    from bot.config import SettingsError, load_settings

    with pytest.raises(SettingsError) as caught:
        load_settings(_env_file=None, COACH_DIGEST_MANAGERS=value)
    message = str(caught.value)
    assert message.startswith("setting COACH_DIGEST_MANAGERS is invalid") and problem in message
    assert "\n" not in message
