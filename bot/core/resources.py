"""Where the shipped data lives: inside the wheel (bot/_data) or, from a checkout, the repo root."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parents[1]  # bot/


def data_dir(name: str) -> Path:
    """`knowledge`, `prompts` or `teams`: the installed copy if present, else the source tree's."""
    installed = _PACKAGE / "_data" / name
    return installed if installed.is_dir() else _PACKAGE.parent / name


def model_path() -> Path:
    return _PACKAGE / "core" / "artifacts" / "offline-model.npz"


def heldout_dir() -> Path:
    """The held-out tenth of our corpus that `coach eval` scores by default (never trained on)."""
    installed = _PACKAGE / "_data" / "heldout"
    return installed if installed.is_dir() else _PACKAGE.parent / "training" / "heldout"
