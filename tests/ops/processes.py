"""Real `coach serve` processes for the crash tests: started with their log in a file, and
stopped gracefully (SIGTERM, exit 0) or killed if a test failed before it could."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve(env: dict[str, str], cwd: Path, port_setting: str) -> tuple[subprocess.Popen[bytes], int]:
    """`coach serve` on a free port given through `port_setting` (PORT, COACH_TEAMS_PORT)."""
    port = free_port()
    with (cwd / f"serve-{port}.log").open("wb") as log:  # the child keeps its own copy
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1"],
            env={**env, port_setting: str(port)},
            cwd=cwd,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
    return process, port


@contextmanager
def stopped_cleanly(process: subprocess.Popen[bytes]) -> Iterator[None]:
    """Run the body, then SIGTERM the process and expect exit 0; kill it if the body failed."""
    try:
        yield
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
