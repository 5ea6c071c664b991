"""HTTP answers first: the work behind a reply waits while requests are being answered.

The aiohttp loop answers Teams and the executor threads render replies, all under one
interpreter lock. Under a burst, reviews being computed would slow down the 202s Teams waits
for. So a reply's work starts only once no request has been in flight for `quiet` seconds, or
after `max_wait` at the latest; with a handful of messages a second nothing ever waits. (The
Slack front end does the same with its AckGate.)
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from contextlib import contextmanager

DEFAULT_MAX_WAIT = 2.0  # seconds a reply may be held back
QUIET_SECONDS = 0.02


class AnswerGate:
    """Used on the event loop's thread only, so plain counters suffice."""

    def __init__(self, max_wait: float = DEFAULT_MAX_WAIT, quiet: float = QUIET_SECONDS) -> None:
        self.max_wait = max_wait
        self.quiet = quiet
        self._in_flight = 0
        self._last = 0.0
        self._turn: asyncio.Lock | None = None  # made on the loop that uses it

    @contextmanager
    def request(self) -> Iterator[None]:
        self._in_flight += 1
        try:
            yield
        finally:
            self._in_flight -= 1
            self._last = time.monotonic()

    async def wait_quiet(self) -> None:
        """Return once no request is in flight (one waiter watches; the rest queue behind)."""
        deadline = time.monotonic() + self.max_wait
        self._turn = self._turn or asyncio.Lock()
        try:
            async with asyncio.timeout(self.max_wait):
                async with self._turn:
                    while (now := time.monotonic()) < deadline:
                        calm = self.quiet - (now - self._last)
                        if self._in_flight == 0 and calm <= 0:
                            return
                        await asyncio.sleep(max(calm, self.quiet / 2))
        except TimeoutError:
            return
