"""Shared fixtures. Tests talk to real parts: the shipped model, real HTTP servers on loopback,
real databases. Nothing reaches beyond loopback, except the tests marked `registry`
(tests/ops/test_image.py installs the image's packages from the registry, as the image build
does): CI runs them; deselect them offline with `-m "not registry"`."""

from __future__ import annotations

import pytest

from bot.core.engine import OfflineEngine
from bot.services.answer import AnswerService
from bot.services.review import ReviewService

# Real databases (SQLite files, PostgreSQL schemas): the `database`, `sqlite_database` and
# `postgres_schema` fixtures.
pytest_plugins = ["tests.databases"]


@pytest.fixture(scope="session")
def engine() -> OfflineEngine:
    return OfflineEngine.load()


@pytest.fixture(scope="session")
def reviewer(engine: OfflineEngine) -> ReviewService:
    return ReviewService(engine)


@pytest.fixture(scope="session")
def answerer(engine: OfflineEngine) -> AnswerService:
    return AnswerService(engine)
