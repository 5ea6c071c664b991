"""Draft reviews by the LLM, grounded in the draft and merged with the offline findings."""

from __future__ import annotations

from collections.abc import Callable

from bot.core.detector import TrapDetector
from bot.core.knowledge import KnowledgeBase
from bot.llm.budget import TokenCounter
from bot.llm.client import ChatClient, Deadline
from bot.llm.errors import LLMGroundingError
from bot.llm.grounding import ground_findings, merge
from bot.llm.limits import Limits
from bot.llm.material import LANGUAGE_NAMES, review_hints
from bot.llm.notes import note
from bot.llm.parsing import parse_reply
from bot.llm.prompts import Prompt
from bot.llm.schemas import DraftReview
from bot.llm.task import PromptedTask
from bot.models import Finding, Language, Review


class LLMReviewer(PromptedTask):
    def __init__(
        self,
        client: ChatClient,
        *,
        prompt: Prompt,
        knowledge: KnowledgeBase,
        counter: TokenCounter,
        limits: Limits,
        detector: TrapDetector | None = None,
    ) -> None:
        super().__init__(client, prompt=prompt, knowledge=knowledge, counter=counter, limits=limits)
        # The offline detector vouches for traps only the model found (see grounding.merge).
        self.detector = detector

    def fixed_tokens(self, language: Language, hints: str = "- none") -> int:
        """Tokens of everything but the draft itself."""
        return super().fixed_tokens(language, hints)

    def review(self, text: str, offline: Review) -> Review:
        """The model's review of `text`; `offline` gives the language, hints and the safety net.

        Raises `LLMError` when the model gives nothing usable; the service then answers offline.
        """
        deadline = Deadline(self.limits.deadline)
        language = offline.language
        request, part = self._build("review", language, review_hints(offline), text, DraftReview)
        reply = parse_reply(self.client.complete(request, deadline), DraftReview)
        findings = ground_findings(reply.findings, part, self.knowledge, language)
        if reply.findings and not findings:
            raise LLMGroundingError(
                f"none of the {len(reply.findings)} findings quoted the draft or the knowledge"
            )
        notes = offline.notes
        if len(part) < len(text):
            notes += (note("draft_cut", language, chars=len(part)),)
        return Review(
            language=language,
            findings=merge(findings, offline, self._supported(language)),
            engine="llm",
            notes=notes,
            other_language=offline.other_language,
        )

    def _supported(self, language: Language) -> Callable[[Finding], bool]:
        detector = self.detector
        if detector is None:
            return lambda _: True
        return lambda finding: detector.supports(finding.evidence, finding.number, language)

    def _user(self, language: Language, hints: str, draft: str) -> str:
        return self.prompt.user.render(language=LANGUAGE_NAMES[language], hints=hints, draft=draft)
