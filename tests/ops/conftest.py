"""Fixtures for the operations tests: logging restored after each test that reconfigures it."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from bot.observability.logs import LIBRARY_FLOORS


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """configure_logging replaces the root handlers (pytest's own among them): put them back."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    floors = {name: logging.getLogger(name).level for name in LIBRARY_FLOORS}
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
        for name, floor in floors.items():
            logging.getLogger(name).setLevel(floor)
