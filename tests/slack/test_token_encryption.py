"""Workspace tokens at rest, on SQLite and PostgreSQL: installs through the real app store no
plain `xox…` token, the app still answers each workspace with its own token, rows stored before
encryption are encrypted (by the migration, or at start-up), a key rotates without downtime,
and a missing, malformed or wrong key stops start-up with one clear error."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import SecretStr
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from sqlalchemy import column, select, table

from bot.cli.db import seal_stored_tokens
from bot.config import Settings
from bot.services.factory import Services
from bot.slack.app import build_deps
from bot.storage.db import Database, open_database
from bot.storage.token_cipher import TOKEN_COLUMNS, TokenCipher, TokenKeyError
from tests.fakes.slack_api import FakeSlack
from tests.slack.conftest import running_app
from tests.slack.test_oauth import CLIENT_ID, TOKEN_KEY, install, oauth_settings

OTHER_KEY = "Sp0gDx7aw0sOpGIQkvMaa0gZVa1Pj2n0qJe2uFfhKCM="  # fixed: parameter ids must be equal on every xdist worker


def stored_tokens(database: Database) -> list[str]:
    """Every non-empty token column of slack_sdk's tables, as stored."""
    found: list[str] = []
    with database.engine.connect() as connection:
        for name, columns in TOKEN_COLUMNS.items():
            rows = connection.execute(select(table(name, *(column(c) for c in columns))))
            found += [value for row in rows for value in row if value]
    return found


def plain_install(database: Database, team: str, token: str) -> None:
    """A workspace installed before tokens were encrypted: slack_sdk's plain store."""
    SQLAlchemyInstallationStore(client_id=CLIENT_ID, engine=database.engine).save(
        Installation(
            app_id="A111",
            team_id=team,
            user_id="W111",
            bot_token=token,
            bot_id="BBOT",
            bot_user_id="UBOT",
            bot_scopes="commands,chat:write",
            installed_at=datetime.now(UTC).timestamp(),
        )
    )


def test_installs_store_no_plain_token_and_the_app_still_authorizes(
    fake: FakeSlack, services: Services, database: Database
) -> None:
    with running_app(fake, services, database, oauth_settings(fake)) as slack:
        install(slack, "T777", "xoxb-t777")
        tokens = stored_tokens(database)
        assert len(tokens) == 2  # the installation's and the bot's row
        assert not [t for t in tokens if "xox" in t]
        fake.state.calls.clear()
        assert slack.command("traps", team_id="T777").status == 200
        (answer,) = fake.wait_for("response_url")
        assert "#5" in answer.all_text()
        used = {c.headers["authorization"] for c in fake.calls("users.info")}
        assert used == {"Bearer xoxb-t777"}


def test_the_migration_encrypts_tokens_stored_before_it(database: Database) -> None:
    database.downgrade("0004")
    plain_install(database, "T555", "xoxb-t555")
    assert "xoxb-t555" in stored_tokens(database)
    database.upgrade(token_keys=[TOKEN_KEY])
    tokens = stored_tokens(database)
    assert tokens and not [t for t in tokens if "xox" in t]
    assert {TokenCipher([TOKEN_KEY]).decrypt(t) for t in tokens} == {"xoxb-t555"}


def test_start_up_encrypts_what_a_keyless_migration_left_plain(
    fake: FakeSlack, services: Services, database: Database
) -> None:
    plain_install(database, "T555", "xoxb-t555")  # migrated without a key: still plain
    deps = build_deps(oauth_settings(fake), services, database=database)
    try:
        assert not [t for t in stored_tokens(database) if "xox" in t]
        assert deps.installations is not None
        found = deps.installations.find_bot(enterprise_id=None, team_id="T555")
        assert found is not None and found.bot_token == "xoxb-t555"
    finally:
        deps.executor.shutdown(wait=True)


def test_a_new_key_put_first_re_encrypts_and_the_old_one_can_go(
    fake: FakeSlack, services: Services, database: Database
) -> None:
    plain_install(database, "T555", "xoxb-t555")
    for keys in (TOKEN_KEY, f"{OTHER_KEY},{TOKEN_KEY}"):  # roll out, then rotate
        settings = oauth_settings(fake).model_copy(update={"token_keys": _secret(keys)})
        build_deps(settings, services, database=database).executor.shutdown(wait=True)
    only_new = TokenCipher([OTHER_KEY])
    assert {only_new.decrypt(t) for t in stored_tokens(database)} == {"xoxb-t555"}


@pytest.mark.parametrize(
    ("keys", "message"),
    [
        ("", "COACH_TOKEN_KEYS is not set"),
        ("not-a-key", "not a Fernet key"),
        (OTHER_KEY, "cannot decrypt the workspace tokens"),
    ],
)
def test_a_missing_malformed_or_wrong_key_is_one_clear_error_at_start_up(
    fake: FakeSlack, services: Services, database: Database, keys: str, message: str
) -> None:
    plain_install(database, "T555", "xoxb-t555")
    build_deps(oauth_settings(fake), services, database=database).executor.shutdown(wait=True)
    settings = oauth_settings(fake).model_copy(update={"token_keys": _secret(keys)})
    with pytest.raises(TokenKeyError, match=message) as caught:
        build_deps(settings, services, database=database)
    assert "xoxb" not in str(caught.value) and TOKEN_KEY not in str(caught.value)


def test_coach_db_encrypt_tokens_seals_the_settings_database(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, COACH_DATA_DIR=tmp_path, COACH_TOKEN_KEYS=TOKEN_KEY)  # type: ignore[call-arg]
    database = open_database(None, tmp_path)  # migrated without a key: rows stay plain
    plain_install(database, "T555", "xoxb-t555")
    assert seal_stored_tokens(settings) == 2
    assert not [t for t in stored_tokens(database) if "xox" in t]
    assert seal_stored_tokens(settings) == 0, "nothing left to do"
    database.dispose()


def _secret(value: str) -> SecretStr | None:
    return SecretStr(value) if value else None
