"""Settings: read once at start-up (environment or .env) and passed down. No module reads os.environ."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.errors import CoachError
from bot.models import Language


class SettingsError(CoachError):
    """A setting has a bad value; the message names the setting and how to fix it."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True
    )

    language: Language = Field(
        "en",
        alias="COACH_LANGUAGE",
        description="Language to answer in when a text is too short to tell (en, de, it).",
    )
    knowledge_dir: Path | None = Field(
        None, alias="COACH_KNOWLEDGE_DIR", description="Override the shipped knowledge base."
    )
    eval_dir: Path | None = Field(
        None, alias="COACH_EVAL_DIR", description="Default folder for `coach eval`."
    )
    max_chars: int = Field(
        40_000,
        alias="COACH_MAX_CHARS",
        ge=100,
        le=1_000_000,
        description="Longest text accepted (Slack's own message limit is 40,000).",
    )


def load_settings(**overrides: object) -> Settings:
    """Read the settings; a bad value becomes one message that names the setting."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else "settings"
        field = Settings.model_fields.get(name)
        env = field.alias if field and field.alias else name
        raise SettingsError(
            f"setting {env} is invalid: {first['msg']} (got {first.get('input')!r})"
        ) from exc
