"""Migrations from an empty database, on SQLite and on the real PostgreSQL: the schema they
build is exactly the models' (and slack_sdk's store tables), they go down and up again, and
replicas starting together migrate once."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import MetaData, inspect

from bot.storage.db import Database, StorageError, database_url, open_database
from bot.storage.schema import Base
from tests.databases import PostgresSchema

OUR_TABLES = {
    "usage_events",
    "usage_traps",
    "feedback",
    "dedup_keys",
    "digest_subscriptions",
    "digest_deliveries",
    "shared_results",
    "rate_counters",
}
SLACK_TABLES = {"slack_bots", "slack_installations", "slack_oauth_states"}
HEAD = "0003"


def expected_metadata() -> MetaData:
    """Our models plus the tables slack_sdk's stores define, as slack_sdk defines them."""
    metadata = MetaData()
    for table in Base.metadata.tables.values():
        table.to_metadata(metadata)
    SQLAlchemyInstallationStore.build_bots_table(metadata, "slack_bots")
    SQLAlchemyInstallationStore.build_installations_table(metadata, "slack_installations")
    SQLAlchemyOAuthStateStore.build_oauth_states_table(metadata, "slack_oauth_states")
    return metadata


def test_the_migrated_schema_is_exactly_the_models(database: Database) -> None:
    assert set(inspect(database.engine).get_table_names()) == {
        *OUR_TABLES,
        *SLACK_TABLES,
        "alembic_version",
    }
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, expected_metadata())
    assert differences == []


def test_down_to_empty_and_up_again(database: Database) -> None:
    assert database.revision() == HEAD
    database.downgrade("base")
    assert set(inspect(database.engine).get_table_names()) <= {"alembic_version"}
    assert database.upgrade() == HEAD
    assert set(inspect(database.engine).get_table_names()) >= OUR_TABLES


def test_the_shared_state_revision_goes_down_alone(database: Database) -> None:
    database.downgrade("0001")
    tables = set(inspect(database.engine).get_table_names())
    assert not tables & {"shared_results", "rate_counters"}
    assert tables >= OUR_TABLES - {"shared_results", "rate_counters"}
    assert database.upgrade() == HEAD


def test_upgrading_twice_changes_nothing(database: Database) -> None:
    assert database.upgrade() == HEAD
    assert database.upgrade() == HEAD


@pytest.mark.postgres
def test_replicas_starting_together_migrate_once(postgres_schema: PostgresSchema) -> None:
    replicas = [Database.connect(postgres_schema.url) for _ in range(4)]
    start = threading.Barrier(len(replicas))
    results: list[str] = []
    errors: list[BaseException] = []

    def migrate(database: Database) -> None:
        start.wait()
        try:
            results.append(database.upgrade())
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=migrate, args=(d,)) for d in replicas]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    for database in replicas:
        database.dispose()
    assert errors == []
    assert results == [HEAD] * 4


def test_the_embedded_default_is_created_on_first_start(tmp_path: Path) -> None:
    folder = tmp_path / "not" / "there"
    database = open_database(None, folder)
    try:
        assert (folder / "coach.db").is_file()
        assert database.dialect == "sqlite" and database.revision() == HEAD
    finally:
        database.dispose()


def test_hosting_platform_urls_mean_psycopg_3(tmp_path: Path) -> None:
    assert database_url("postgres://u:p@h/db", tmp_path) == "postgresql+psycopg://u:p@h/db"
    assert database_url("postgresql://h/db", tmp_path) == "postgresql+psycopg://h/db"
    assert database_url("postgresql+psycopg://h/db", tmp_path) == "postgresql+psycopg://h/db"
    assert database_url(None, tmp_path) == f"sqlite:///{(tmp_path / 'coach.db').resolve()}"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("not a url", "not a database URL"),
        ("postgresql+psycopg://nobody@127.0.0.1:1/none", "cannot reach the database"),
    ],
)
def test_a_bad_database_is_one_clear_error(tmp_path: Path, url: str, message: str) -> None:
    with pytest.raises(StorageError, match=message):
        open_database(url, tmp_path)


def test_an_unwritable_data_directory_is_one_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StorageError, match="COACH_DATA_DIR"):
        open_database(None, blocker / "data")


def test_slack_sdk_stores_work_on_the_migrated_tables(database: Database) -> None:
    store = SQLAlchemyInstallationStore(client_id="111.222", engine=database.engine)
    store.save(
        Installation(
            app_id="A111",
            team_id="T222",
            bot_token="xoxb-t222",
            bot_id="B222",
            bot_user_id="UBOT",
            bot_scopes="commands,chat:write",
            user_id="U1",
        )
    )
    bot = store.find_bot(enterprise_id=None, team_id="T222")
    assert bot is not None and bot.bot_token == "xoxb-t222"
    assert store.find_bot(enterprise_id=None, team_id="T333") is None
    store.delete_all(enterprise_id=None, team_id="T222")
    assert store.find_bot(enterprise_id=None, team_id="T222") is None

    states = SQLAlchemyOAuthStateStore(expiration_seconds=60, engine=database.engine)
    state = states.issue()
    assert states.consume(state) is True
    assert states.consume(state) is False, "a state is good for one install only"
