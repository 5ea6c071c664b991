"""Process settings for a long-running server (`coach serve`, `coach socket`).

Start-up builds a large, long-lived heap: the knowledge base, the offline model's lexicons,
the Bolt app, SQLAlchemy's metadata. Python's cyclic garbage collector would walk all of it on
every full collection, which under a burst of requests stalls acks by tens of milliseconds
each time. Once everything is built, `settle` moves those objects out of the collector's view
(they live as long as the process anyway); requests' short-lived objects are still collected.
"""

from __future__ import annotations

import gc


def settle() -> None:
    """Call once, after start-up and before serving traffic."""
    gc.collect()
    gc.freeze()
