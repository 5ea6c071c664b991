"""Teams while the database (and so the reply queue on it) is away: a message is still acked and
answered, from the process that acked it, and Teams' re-delivery of it gets no second reply.
The real endpoint with signed activities; PostgreSQL behind a proxy that plays the outage."""

from __future__ import annotations

from pathlib import Path

from bot.observability.metrics import Metrics
from bot.services.factory import build_services
from bot.storage.db import Database
from tests.fakes.bot_connector import FakeBotConnector
from tests.fakes.teams_auth import TeamsAuth
from tests.ops.outage import Outage
from tests.teams.conftest import APP_ID, TeamsClient, start_server, teams_settings


def test_a_stopped_database_costs_no_teams_reply(outage: Outage, tmp_path: Path) -> None:
    settings = teams_settings(COACH_DATA_DIR=str(tmp_path), DATABASE_URL=outage.url)
    database = Database.connect(outage.url)
    services = build_services(settings, metrics=Metrics())
    with TeamsAuth(APP_ID) as auth, auth.installed(), FakeBotConnector() as connector:
        server = start_server(settings, services, database)
        try:
            teams = TeamsClient(server, auth, connector)
            outage.proxy.down()
            activity = teams.activity("02-message-personal.json", text="Is social media free?")
            assert teams.post(activity).status == 202
            [call] = connector.wait_for(1, timeout=30)
            assert call.reply_to == activity["id"] and "Source" in call.all_text()
            assert teams.post(activity).status == 202  # Teams re-delivers it
            connector.wait_quiet(0.5)
            assert len(connector.sent()) == 1
            outage.proxy.up()
        finally:
            server.stop()
            database.dispose()
