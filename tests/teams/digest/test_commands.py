"""`@Coach digest …` through the real Teams endpoint (signed requests, the Agents SDK, the fake
Bot Connector): subscribing stores the conversation reference, bad input gets the usage in
the sender's language (en/de/it) and changes nothing, the manager rule asks the roster, and a
preview is a valid card."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.services.factory import Services
from bot.services.subscriptions import SubscriptionService
from bot.storage.db import Database
from bot.teams.app import build_teams_app
from bot.teams.deps import build_teams_deps
from bot.teams.digest.route import digest_hook
from bot.teams.i18n import teams_text
from bot.teams.runner import TeamsServer
from bot.teams.server import TeamsEndpoint
from tests.fakes.bot_connector import FakeBotConnector
from tests.fakes.teams_auth import TeamsAuth, fake_connections
from tests.teams.conftest import APP_ID, TENANT, TeamsClient, assert_valid_card, teams_settings

CHANNEL = "19:6848757105754c8981c67612732d9aa7@thread.tacv2"
TEAM = "19:66P469zibfbsGI-_a0aN_toLTZpyzS6u7CT3TsXdgPw1@thread.tacv2"
SENDER_AAD = "b15a9416-0ad3-4172-9210-7beb711d3f70"  # from.aadObjectId in the payloads
WORKSPACE = f"teams:{TENANT}"


class RosterConnector(FakeBotConnector):
    """The fake connector, whose roster knows the sender's role in the team."""

    def __init__(self, role: str) -> None:
        super().__init__()
        self.role = role

    def _answer(self, verb: str, path: str) -> tuple[int, Any]:
        if verb == "GET" and "/members/" in path:
            return 200, {"id": "29:sender", "aadObjectId": SENDER_AAD, "userRole": self.role}
        return super()._answer(verb, path)


def serve(database: Database, services: Services, tmp_path: Path, **settings: Any) -> TeamsServer:
    current = teams_settings(COACH_DATA_DIR=str(tmp_path), **settings)
    deps = build_teams_deps(current, services, database=database)
    app = build_teams_app(current, deps, connections=fake_connections(APP_ID), hooks=[digest_hook])
    return TeamsServer(TeamsEndpoint(app), "127.0.0.1", 0).start()


@pytest.fixture
def client(
    request: pytest.FixtureRequest,
    sqlite_database: Database,
    services: Services,
    auth: TeamsAuth,
    tmp_path: Path,
) -> Iterator[TeamsClient]:
    options = dict(getattr(request, "param", {}))  # settings (and the roster's role)
    role = options.pop("role", None)
    connector = RosterConnector(role) if role else FakeBotConnector()
    server = serve(sqlite_database, services, tmp_path, **options)
    with connector:
        try:
            yield TeamsClient(server, auth, connector)
        finally:
            server.stop()


def say(client: TeamsClient, words: str, *, locale: str = "en-US", chat: str = "channel") -> str:
    """Send "@Coach digest …" and return the text of the one reply."""
    client.connector.clear()
    payload = "01-message-channel-mention.json" if chat == "channel" else "02-message-personal.json"
    activity = client.activity(payload, locale=locale)
    mention = "<at>ridotest</at> " if chat == "channel" else ""
    activity["text"] = f"{mention}digest {words}"
    answer = client.post(activity)
    assert answer.status in (200, 202), answer.body
    (reply,) = client.connector.sent()
    return str(reply.body.get("text") or json.dumps(reply.body.get("attachments")))


def rows(database: Database) -> list[Any]:
    return SubscriptionService(database).of_workspace(WORKSPACE)


def test_subscribe_stores_the_reference_and_the_schedule(
    client: TeamsClient, sqlite_database: Database
) -> None:
    reply = say(client, "subscribe friday 16:30 channel")
    assert reply.startswith("This channel now gets the weekly digest as a new post")
    assert "Fridays at 16:30 (America/Los_Angeles)" in reply, "the sender's Teams time zone"
    (record,) = rows(sqlite_database)
    assert (record.platform, record.channel, record.scope) == ("teams", CHANNEL, "channel")
    assert (record.weekday, record.hour, record.minute) == (4, 16, 30)
    assert record.teams is not None
    assert record.teams.service_url == client.connector.service_url
    assert (record.teams.tenant, record.teams.team) == (TENANT, TEAM)
    assert record.teams.bot_id == "28:0b6fe6d1-fece-44f7-9a48-56465e2d5ab8"
    assert record.created_by == SENDER_AAD

    assert say(client, "subscribe monday UTC").startswith("Changed this channel's digest")
    assert len(rows(sqlite_database)) == 1
    listed = say(client, "list")
    assert "this channel: Mondays at 09:00 (UTC)" in listed
    assert say(client, "unsubscribe") == teams_text("digest_unsubscribed", "en")
    assert say(client, "unsubscribe") == teams_text("digest_not_subscribed", "en")
    assert rows(sqlite_database) == []


@pytest.mark.parametrize(
    ("locale", "words", "expected"),
    [
        ("en-US", "subscribe someday", "I didn't understand “someday”."),
        ("de-DE", "abonnieren irgendwann", "„irgendwann“ habe ich nicht verstanden."),
        ("it-IT", "iscrivi qualche_volta", r"Non ho capito «qualche\_volta»."),
        ("de-DE", "subscribe Mars/Olympus", "„Mars/Olympus“ ist keine Zeitzone"),
        ("it-IT", "subscribe 25:00", "Non ho capito «25:00»."),
        ("en-US", "explode", "I didn't understand “explode”."),
        ("en-US", "subscribe monday tuesday", "I didn't understand “tuesday”."),
    ],
)
def test_bad_input_gets_the_usage_in_the_senders_language_and_changes_nothing(
    client: TeamsClient, sqlite_database: Database, locale: str, words: str, expected: str
) -> None:
    reply = say(client, words, locale=locale)
    language = locale[:2]
    assert reply.startswith(expected)
    assert teams_text("digest_usage", language) in reply  # type: ignore[arg-type]
    assert rows(sqlite_database) == []


def test_long_or_odd_input_is_quoted_short_and_defused(client: TeamsClient) -> None:
    reply = say(client, "subscribe " + "[x](http://evil.example)" * 2000)
    assert reply.startswith("I didn't understand")
    assert not re.search(r"(?<!\\)\]\(http", reply), "no live link"
    assert "\\[x\\](http" in reply and len(reply) < 1200


def test_a_channel_argument_and_a_chat_are_explained(
    client: TeamsClient, sqlite_database: Database
) -> None:
    assert say(client, "subscribe C0123ABCD") == teams_text("digest_here_only", "en")
    assert say(client, "abonnieren", locale="de-DE", chat="personal") == teams_text(
        "digest_needs_channel", "de"
    )
    assert say(client, "") == teams_text("digest_usage", "en")
    assert rows(sqlite_database) == []


def test_a_preview_is_a_valid_card_in_the_channels_thread(client: TeamsClient) -> None:
    client.connector.clear()
    activity = client.activity("01-message-channel-mention.json", locale="it-IT")
    activity["text"] = "<at>ridotest</at> digest anteprima"
    assert client.post(activity).status in (200, 202)
    (reply,) = client.connector.sent()
    assert reply.reply_to is not None, "a reply to the command, not a new post"
    (card,) = reply.cards()
    assert_valid_card(card)
    assert card["lang"] == "it" and teams_text("digest_preview_note", "it") in json.dumps(
        card, ensure_ascii=False
    )


@pytest.mark.parametrize("client", [dict(COACH_DIGEST_MANAGERS="admins")], indirect=True)
def test_admins_only_refuses_when_the_roster_cannot_say(
    client: TeamsClient, sqlite_database: Database
) -> None:
    reply = say(client, "subscribe", locale="de-DE")
    assert reply.startswith("Digest-Abonnements können Sie leider nicht ändern.")
    assert (
        teams_text("digest_managers_admins", "de") in reply
        and teams_text("digest_role_unknown", "de") in reply
    )
    members = [c for c in client.connector.calls if c.method == "GET"]
    assert members and members[0].path.endswith(
        "/members/"
        + "29:17bUvCasIPKfQIXHvNzcPjD86fwm6GkWc1PvCGP2-NSkNb7AyGYpjQ7Xw-XgTwaHW5JxZ4KMNDxn1kcL8fwX1Nw"
    )
    assert rows(sqlite_database) == []
    assert "Mondays at 09:00" not in say(client, "list")
    assert teams_text("digest_managers_admins", "en") in say(client, "list"), (
        "list is open to everyone"
    )


@pytest.mark.parametrize(
    "client", [dict(COACH_DIGEST_MANAGERS="admins", role="owner")], indirect=True
)
def test_a_team_owner_may_subscribe(client: TeamsClient, sqlite_database: Database) -> None:
    assert say(client, "subscribe").startswith("This channel now gets")
    assert len(rows(sqlite_database)) == 1


@pytest.mark.parametrize(
    "client", [dict(COACH_DIGEST_MANAGERS="admins", role="user")], indirect=True
)
def test_a_member_is_refused_without_the_unknown_role_note(
    client: TeamsClient, sqlite_database: Database
) -> None:
    reply = say(client, "subscribe", locale="it-IT")
    assert (
        reply.startswith("Non potete modificare")
        and teams_text("digest_role_unknown", "it") not in reply
    )
    assert rows(sqlite_database) == []


@pytest.mark.parametrize(
    "client", [dict(COACH_DIGEST_MANAGERS=f"U024BE7LH,{SENDER_AAD.upper()}")], indirect=True
)
def test_a_listed_entra_id_may_subscribe_without_asking_the_roster(
    client: TeamsClient, sqlite_database: Database
) -> None:
    assert say(client, "subscribe").startswith("This channel now gets")
    assert [c for c in client.connector.calls if c.method == "GET"] == []
