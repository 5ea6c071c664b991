"""The PostgreSQL fixtures skip only when the server is unreachable, and never under CI."""

from __future__ import annotations

import socket

import pytest

from tests import databases


@pytest.fixture
def closed_port(monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the fixtures at a loopback port nobody listens on: a server that is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setattr(databases, "PG_HOST", f"127.0.0.1:{port}")
    monkeypatch.setattr(databases, "_NO_POSTGRES", [])


@pytest.mark.usefixtures("closed_port")
def test_an_unreachable_server_skips_on_a_developer_machine(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="is unreachable"):
        databases.PostgresSchema()


@pytest.mark.usefixtures("closed_port")
def test_an_unreachable_server_fails_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must run the PostgreSQL tests"):
        databases.PostgresSchema()


def test_a_bug_in_check_is_an_error_not_a_skip(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: databases.Database) -> None:
        raise TypeError("a bug of ours")

    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setattr(databases, "_NO_POSTGRES", [])
    monkeypatch.setattr(databases.Database, "check", broken)
    with pytest.raises(TypeError, match="a bug of ours"):
        databases.PostgresSchema()
