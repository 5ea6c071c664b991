"""Recent results kept for the "Share in channel" button.

A button value holds at most 2,000 characters, so the button carries a reference and the
rendered message waits here. A response_url lives 30 minutes, so that is how long a result
needs to stay; after that (or in another process) sharing asks the user to run it again.

Messages are kept as JSON text: one string per result instead of hundreds of small dicts,
which the garbage collector would otherwise walk through again and again under load.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable

from bot.slack.blocks import Message

SHARE_TTL_SECONDS = 30 * 60


class ResultCache:
    def __init__(
        self,
        ttl: float = SHARE_TTL_SECONDS,
        capacity: int = 2_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl = ttl
        self._capacity = capacity
        self._clock = clock
        self._items: OrderedDict[str, tuple[float, str]] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def new_reference() -> str:
        return uuid.uuid4().hex[:16]

    def put(self, reference: str, message: Message) -> None:
        kept = json.dumps({"text": message.text, "blocks": message.blocks}, ensure_ascii=False)
        with self._lock:
            self._items[reference] = (self._clock() + self._ttl, kept)
            self._items.move_to_end(reference)
            while len(self._items) > self._capacity:
                self._items.popitem(last=False)

    def get(self, reference: str) -> Message | None:
        with self._lock:
            found = self._items.get(reference)
            if found is None or found[0] < self._clock():
                self._items.pop(reference, None)
                return None
        kept = json.loads(found[1])
        return Message(text=kept["text"], blocks=kept["blocks"])
