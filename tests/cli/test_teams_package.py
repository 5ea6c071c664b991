"""`coach teams package`, run as the real command: the zip with the id filled in, and a clear
one-line refusal (exit 2, no file, no traceback) when the id or the domain is missing or wrong."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APP_ID = "5d2c6e1a-3f4b-4a8c-9e7d-1b2a3c4d5e6f"


def coach(
    tmp_path: Path, *args: str, app_id: str | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "MICROSOFT_APP_ID"}
    if app_id is not None:
        environment["MICROSOFT_APP_ID"] = app_id
    return subprocess.run(
        [sys.executable, "-m", "bot", "teams", "package", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**environment, "COLUMNS": "200"},
        cwd=tmp_path,  # no .env here: only what the test sets
        check=False,
    )


def manifest_in(path: Path) -> dict[str, object]:
    with zipfile.ZipFile(path) as archive:
        return dict(json.loads(archive.read("manifest.json")))


def test_the_package_takes_the_id_from_the_option(tmp_path: Path) -> None:
    result = coach(tmp_path, "--app-id", APP_ID, "--domain", "coach.example.org", "-o", "out.zip")
    assert result.returncode == 0, result.stderr
    assert "out.zip" in result.stdout
    document = manifest_in(tmp_path / "out.zip")
    assert document["id"] == APP_ID
    assert document["validDomains"] == ["coach.example.org"]


def test_the_package_takes_the_id_from_the_settings_and_the_host_from_a_url(
    tmp_path: Path,
) -> None:
    result = coach(
        tmp_path, "--domain", "https://Coach.Example.org/api/messages", app_id=APP_ID.upper()
    )
    assert result.returncode == 0, result.stderr
    document = manifest_in(tmp_path / "coach-teams.zip")
    assert document["id"] == APP_ID  # GUIDs are written in lower case
    assert document["validDomains"] == ["coach.example.org"]


@pytest.mark.parametrize(
    ("args", "app_id", "says"),
    [
        (
            ["--domain", "coach.example.org"],
            None,
            "no Teams app id: pass --app-id or set MICROSOFT_APP_ID",
        ),
        (["--app-id", "not-a-guid", "--domain", "coach.example.org"], None, "is not a GUID"),
        (["--app-id", APP_ID], None, "no bot domain: pass --domain"),
        (["--domain", "https:// bad host/"], APP_ID, "is not a host name"),
        (["--domain", "coach.example.org", "-o", "missing/dir/x.zip"], APP_ID, "cannot write"),
    ],
)
def test_a_missing_or_wrong_value_is_refused_clearly(
    tmp_path: Path, args: list[str], app_id: str | None, says: str
) -> None:
    result = coach(tmp_path, *args, app_id=app_id)
    assert result.returncode == 2
    assert says in result.stderr
    assert result.stderr.startswith("coach: error: ") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
    assert not list(tmp_path.rglob("*.zip")) and not list(tmp_path.rglob("*.partial"))
