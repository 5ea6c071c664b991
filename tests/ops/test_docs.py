"""Every setting is documented where operators look: .env.example and README (or docs/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Settings

ROOT = Path(__file__).resolve().parents[2]
NAMES = sorted(field.alias or name for name, field in Settings.model_fields.items())


def _docs() -> str:
    """The README and the docs/ pages it links (Teams' settings live in docs/teams.md)."""
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    return "\n".join(page.read_text(encoding="utf-8") for page in pages)


@pytest.mark.parametrize("name", NAMES)
def test_every_setting_is_documented(name: str) -> None:
    assert f"# {name}=" in (ROOT / ".env.example").read_text(encoding="utf-8")
    assert f"`{name}`" in _docs()


def test_the_readme_lists_every_metric() -> None:
    from bot.observability.metrics import Metrics

    readme = _docs()
    names = {family.name for family in Metrics().registry.collect()}
    missing = [
        name
        for name in sorted(names)
        if not any(f"`{name}{suffix}`" in readme for suffix in ("", "_total", "_info"))
    ]
    assert not missing
