"""The numbers that bound one LLM request, taken from the settings once."""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import Settings

# Chat formats add a few tokens per message (role markers); two messages, rounded up.
MESSAGE_OVERHEAD_TOKENS = 16
# The least room worth sending a user text in; below this the settings are wrong.
MIN_USER_TOKENS = 200


@dataclass(frozen=True)
class Limits:
    max_input_tokens: int = 6_000
    max_output_tokens: int = 800
    deadline: float = 25.0

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        return cls(
            max_input_tokens=settings.llm_max_input_tokens,
            max_output_tokens=settings.llm_max_output_tokens,
            deadline=settings.llm_deadline,
        )
