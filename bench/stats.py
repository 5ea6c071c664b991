"""Figures shared by the load benchmarks (slack_load, teams_load, slack_steady): percentiles, the
one-line report of a load run, the summary table, and the CPU time of the processes involved.

CPU time is read from /proc (Linux); elsewhere it is reported as unknown. Wall-clock ratios
swing with whatever else runs on the machine; CPU seconds per request hardly do.
"""

from __future__ import annotations

import os
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")
_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def percentile(values: Sequence[float], share: float) -> float:
    """The value below which `share` of `values` lie (nearest rank); NaN when empty."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


@dataclass(frozen=True)
class LoadRun:
    """One closed-loop load run: each request's latency, the run's length, failures."""

    latencies: list[float]
    seconds: float
    errors: int

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds

    def p(self, share: float) -> float:
        return percentile(self.latencies, share)

    def line(self, name: str, failure: str = "non-200") -> str:
        ms = 1000.0
        return (
            f"{name:6s} {len(self.latencies):5d} requests  {self.rate:7.0f} req/s  "
            f"p50 {self.p(0.5) * ms:6.1f} ms  p99 {self.p(0.99) * ms:6.1f} ms  "
            f"max {max(self.latencies, default=float('nan')) * ms:6.1f} ms  "
            f"{failure} {self.errors}"
        )


def median_ratio(ratios: Iterable[float]) -> float:
    return statistics.median(list(ratios))


def table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A Markdown table, as the docs quote it."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


# -- CPU time of processes ---------------------------------------------------------------------
def _stat(pid: int) -> list[str] | None:
    try:
        text = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()  # fields from the 3rd on; the name may hold spaces


def children_of(pid: int) -> list[int]:
    """Direct children of `pid` (Linux), e.g. the worker processes `coach serve` starts."""
    found = []
    for entry in PROC.glob("[0-9]*"):
        fields = _stat(int(entry.name))
        if fields is not None and int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def cpu_seconds(pids: Iterable[int]) -> float:
    """User + system CPU seconds used so far by these processes (all their threads)."""
    total = 0
    for pid in pids:
        fields = _stat(pid)
        if fields is not None:
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / _TICKS


def cpu_known() -> bool:
    return PROC.joinpath("self", "stat").exists()
