"""One warning per database outage, not one per request that meets it.

The fallbacks (claims, Share results, LLM limits kept in memory while the database is away)
each tell the operator once when they take over; the next success rearms the warning.
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


class OutageNotice:
    def __init__(self, fallback: str) -> None:
        self.fallback = fallback  # what happens meanwhile, e.g. "de-duplicating in memory"
        self.down = False

    def failed(self, exc: Exception) -> None:
        if not self.down:
            log.warning("database unavailable (%s); %s", type(exc).__name__, self.fallback)
        self.down = True

    def recovered(self) -> None:
        self.down = False
