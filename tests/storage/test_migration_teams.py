"""Revision 0003 (Teams) on SQLite and PostgreSQL: Slack rows survive it both ways, Teams ids
fit after it, and going down removes exactly what the old schema cannot hold."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import inspect, text

from bot.storage.db import Database

TEAMS_CHANNEL = "19:2a8f0c1d9e7b4c3a8f6d5e4c3b2a1f0e@thread.tacv2"
TENANT = "6e0d5a4b-1f2e-4c3d-9a8b-7c6d5e4f3a2b"
NOW = datetime(2026, 12, 1, 9, tzinfo=UTC).replace(tzinfo=None)


def _subscribe(database: Database, workspace: str, channel: str, extra: str = "") -> None:
    columns = "workspace, channel, scope, weekday, hour, minute, timezone, language, "
    columns += "created_by, created_at"
    values = "(:w, :c, 'workspace', 0, 9, 0, 'UTC', 'en', 'U1', :at)"
    if extra:
        columns += ", platform, service_url, tenant, team, bot_id"
        values = values[:-1] + ", 'teams', 'https://smba.example/teams/', :w, :t, '28:bot')"
    with database.engine.begin() as connection:
        connection.execute(
            text(f"INSERT INTO digest_subscriptions ({columns}) VALUES {values}"),
            {"w": workspace, "c": channel, "at": NOW, "t": extra},
        )


def _rows(database: Database) -> list[tuple[str, str, str | None]]:
    with database.engine.connect() as connection:
        names = {c["name"] for c in _columns(database)}
        platform = "platform" if "platform" in names else "NULL"
        query = f"SELECT workspace, channel, {platform} FROM digest_subscriptions ORDER BY 1"
        return [(row[0], row[1], row[2]) for row in connection.execute(text(query))]


def _columns(database: Database) -> list[dict[str, object]]:
    return [dict(c) for c in inspect(database.engine).get_columns("digest_subscriptions")]


def test_slack_rows_become_slack_and_teams_ids_fit(database: Database) -> None:
    database.downgrade("0002")
    _subscribe(database, "T1", "C1")
    assert database.upgrade() == "0005"
    assert _rows(database) == [("T1", "C1", "slack")]
    _subscribe(database, TENANT, TEAMS_CHANNEL, extra="19:team@thread.tacv2")
    assert ("6e0d5a4b-1f2e-4c3d-9a8b-7c6d5e4f3a2b", TEAMS_CHANNEL, "teams") in _rows(database)


def test_going_down_drops_only_what_the_old_schema_cannot_hold(database: Database) -> None:
    _subscribe(database, "T1", "C1")
    _subscribe(database, TENANT, TEAMS_CHANNEL, extra="19:team@thread.tacv2")
    with database.engine.begin() as connection:
        connection.execute(
            text(
                'INSERT INTO usage_events (workspace, channel, "user", at, kind, language, engine)'
                " VALUES (:w, :c, :u, :at, 'check', 'en', 'offline')"
            ),
            [
                {"w": "T1", "c": "C1", "u": "U1", "at": NOW},
                {"w": TENANT, "c": TEAMS_CHANNEL, "u": TENANT, "at": NOW},
            ],
        )
    database.downgrade("0002")
    assert _rows(database) == [("T1", "C1", None)]
    assert "platform" not in {c["name"] for c in _columns(database)}
    with database.engine.connect() as connection:
        left = connection.execute(text("SELECT workspace FROM usage_events")).scalars().all()
    assert left == ["T1"]
    assert database.upgrade() == "0005"
    assert _rows(database) == [("T1", "C1", "slack")]
