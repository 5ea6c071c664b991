"""The LLM engine: reviewer and answerer over one client, built once from the settings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.config import Settings, SettingsError
from bot.core.engine import OfflineEngine
from bot.llm.answer import LLMAnswerer
from bot.llm.budget import TokenCounter
from bot.llm.client import ChatClient
from bot.llm.limits import MIN_USER_TOKENS, Limits
from bot.llm.openai_compat import OpenAICompatibleClient
from bot.llm.prompts import Prompts, load_prompts
from bot.llm.review import LLMReviewer
from bot.models import LANGUAGES

if TYPE_CHECKING:
    from bot.observability.metrics import Metrics

# Room kept for the offline hints (up to five findings with a short quote each).
_HINT_TOKENS = 5 * 70


@dataclass(frozen=True)
class LLMEngine:
    client: ChatClient
    reviewer: LLMReviewer
    answerer: LLMAnswerer

    @classmethod
    def build(
        cls,
        settings: Settings,
        offline: OfflineEngine,
        *,
        client: ChatClient | None = None,
        prompts: Prompts | None = None,
        counter: TokenCounter | None = None,
        metrics: Metrics | None = None,
    ) -> LLMEngine:
        """Wire the engine; bad prompts or a too-small token budget stop start-up here."""
        client = client or OpenAICompatibleClient.from_settings(settings, metrics=metrics)
        prompts = prompts or load_prompts()
        counter = counter or TokenCounter.load()
        limits = Limits.from_settings(settings)
        knowledge = offline.knowledge
        engine = cls(
            client,
            LLMReviewer(
                client,
                prompt=prompts.review,
                knowledge=knowledge,
                counter=counter,
                limits=limits,
                detector=offline.detector,
            ),
            LLMAnswerer(
                client,
                prompt=prompts.answer,
                knowledge=knowledge,
                counter=counter,
                limits=limits,
                not_covered=offline.not_covered,
            ),
        )
        engine.check_budget(limits)
        return engine

    def check_budget(self, limits: Limits) -> None:
        fixed = max(
            max(self.reviewer.fixed_tokens(lang) + _HINT_TOKENS, self.answerer.fixed_tokens(lang))
            for lang in LANGUAGES
        )
        needed = fixed + MIN_USER_TOKENS
        if needed > limits.max_input_tokens:
            raise SettingsError(
                f"setting COACH_LLM_MAX_INPUT_TOKENS is {limits.max_input_tokens}, but the "
                f"prompts and knowledge base alone take about {fixed} tokens; set it to at "
                f"least {needed} (and keep it below the model's context size)"
            )
