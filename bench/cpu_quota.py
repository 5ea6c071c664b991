"""A CPU quota for a benchmark's server process, as a container's `--cpus` or Kubernetes'
`resources.limits.cpu` sets it: the process and every child it starts may use `cpus` of a core
on average, whichever cores they run on.

Why: on a machine with two cores, a second replica cannot show what it adds when each replica
could take a whole core — PostgreSQL, the load generator and the fake Slack need the rest. With
each replica held to a fraction of a core, one replica's ceiling is its own, and two replicas
have room to reach twice it (docs/scaling.md).

Linux only, as root: cgroup v2 (`cpu.max`) where the cpu controller is enabled, otherwise
cgroup v1's cpu controller (`cpu.cfs_quota_us`). Anything else is a clear error, not a run
without the limit.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from pathlib import Path

PERIOD_US = 100_000
_V2 = Path("/sys/fs/cgroup")
_V1 = Path("/sys/fs/cgroup/cpu")


def _v2_has_cpu() -> bool:
    """cgroup v2 with the cpu controller available to child groups."""
    try:
        return "cpu" in (_V2 / "cgroup.subtree_control").read_text(encoding="ascii").split()
    except OSError:
        return False


class CpuQuota:
    """A cgroup of its own holding at most `cpus` of a core; `enter` is called in the child
    between fork and exec (it only writes one file), `remove` once its processes are gone."""

    def __init__(self, cpus: float) -> None:
        if not 0.01 <= cpus <= (os.cpu_count() or 1):
            raise SystemExit(f"--cpus must lie between 0.01 and the core count, not {cpus}")
        quota = round(cpus * PERIOD_US)
        name = f"coach-bench-{uuid.uuid4().hex[:8]}"
        if _v2_has_cpu():
            limits = {"cpu.max": f"{quota} {PERIOD_US}"}
            self.path = _V2 / name
        else:
            limits = {"cpu.cfs_period_us": str(PERIOD_US), "cpu.cfs_quota_us": str(quota)}
            self.path = _V1 / name
        try:
            self.path.mkdir()
            for file, value in limits.items():
                (self.path / file).write_text(value, encoding="ascii")
        except OSError as exc:
            with contextlib.suppress(OSError):
                self.path.rmdir()
            raise SystemExit(
                f"--cpus needs a writable cgroup cpu controller (root on Linux): {exc}"
            ) from exc
        self.procs = str(self.path / "cgroup.procs")

    def enter(self) -> None:
        """Move the calling process into the quota (its later children follow)."""
        fd = os.open(self.procs, os.O_WRONLY)
        try:
            os.write(fd, b"0")
        finally:
            os.close(fd)

    def throttled_seconds(self) -> float:
        """How long the quota held the group back so far."""
        for line in (self.path / "cpu.stat").read_text(encoding="ascii").splitlines():
            key, value = line.split()
            if key == "throttled_usec":
                return int(value) / 1e6
            if key == "throttled_time":  # v1, in nanoseconds
                return int(value) / 1e9
        return 0.0

    def remove(self) -> None:
        """Remove the group; its processes must have exited."""
        # A process still in it leaves the group behind, empty once that process exits.
        with contextlib.suppress(OSError):
            self.path.rmdir()
