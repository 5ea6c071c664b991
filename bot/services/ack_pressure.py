"""Acks first, within a bound: the serving process tells its job worker processes when its HTTP
threads are all but full, and the workers then wait before taking the next job — for at most
HOLD_SECONDS of one busy spell, and then not again for COOLDOWN_SECONDS, so a load that keeps
the threads full (or nearly, in flickering spells) is answered at (almost) the normal pace, and
a load below saturation never waits at all.

Why: on a machine with few cores, the workers' replies (engine, render, post) take CPU from the
acks exactly when a burst needs it (Slack allows 3 seconds per ack). The OS priority of the
workers (niceness 10) did not stop that measurably; not taking new jobs for a moment does.

The signal is one number in a small shared file that the serving process creates and its
children inherit (a descriptor, no path): the monotonic time at which the current busy spell
began, or 0. Only the serving process writes it, on the edges of a busy spell; workers read it
before each job. `time.monotonic` is one clock for all processes of a machine (Linux, macOS).
"""

from __future__ import annotations

import mmap
import os
import struct
import tempfile
import threading
import time
from collections.abc import Callable

HOLD_SECONDS = 1.0  # the longest a busy spell holds the workers back
# After holding, the workers do not hold again for this long, however the spells come: busy
# spells that flicker on and off under a steady load near saturation hold the replies back for
# at most HOLD / (HOLD + COOLDOWN) of the time (a fifth), never long enough to become a cliff.
COOLDOWN_SECONDS = 4.0
_FORMAT = struct.Struct("d")


class AckPressure:
    """The serving process's side: counts requests in flight and publishes busy spells."""

    def __init__(self, threshold: int, clock: Callable[[], float] = time.monotonic) -> None:
        if threshold < 1:
            raise ValueError("threshold must be at least 1")
        self.threshold = threshold
        self._clock = clock
        # A file without a name: the workers share it through the descriptor they inherit.
        self._fd, path = tempfile.mkstemp(prefix="coach-acks-")
        os.unlink(path)
        os.ftruncate(self._fd, _FORMAT.size)
        self._map = mmap.mmap(self._fd, _FORMAT.size)
        self._lock = threading.Lock()
        self._in_flight = 0
        self._busy = False

    @property
    def fd(self) -> int:
        """The descriptor a child process inherits (subprocess `pass_fds`)."""
        return self._fd

    def close(self) -> None:
        self._map.close()
        os.close(self._fd)

    def enter(self) -> None:
        with self._lock:
            self._in_flight += 1
            if not self._busy and self._in_flight >= self.threshold:
                self._busy = True
                _FORMAT.pack_into(self._map, 0, self._clock())

    def leave(self) -> None:
        with self._lock:
            self._in_flight -= 1
            if self._busy and self._in_flight < self.threshold:
                self._busy = False
                _FORMAT.pack_into(self._map, 0, 0.0)

    @property
    def in_flight(self) -> int:
        return self._in_flight


class AckPressureReader:
    """A worker process's side: `hold()` is true while the serving process is in a busy spell
    that began less than `hold_seconds` ago, within a holding window of `hold_seconds` that
    opens at most once per `hold_seconds + cooldown_seconds`. Shared by the worker threads of
    a process; a race between them costs at most one poll more or less."""

    def __init__(
        self,
        fd: int,
        hold_seconds: float = HOLD_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        cooldown_seconds: float = COOLDOWN_SECONDS,
    ) -> None:
        self._map = mmap.mmap(fd, _FORMAT.size)
        self.hold_seconds = hold_seconds
        self.cooldown_seconds = cooldown_seconds
        self._clock = clock
        self._window_end: float | None = None  # the current holding window's end
        self._cooldown_until = float("-inf")

    def busy_since(self) -> float:
        return float(_FORMAT.unpack_from(self._map, 0)[0])

    def hold(self) -> bool:
        now = self._clock()
        if self._window_end is not None and now >= self._window_end:
            self._cooldown_until = self._window_end + self.cooldown_seconds
            self._window_end = None
        if now < self._cooldown_until:
            return False
        since = self.busy_since()
        if not (since > 0 and 0 <= now - since < self.hold_seconds):
            return False
        if self._window_end is None:
            self._window_end = now + self.hold_seconds
        return True
