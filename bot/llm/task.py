"""What the reviewer and the answerer share: one client, one prompt, rendered once per language."""

from __future__ import annotations

from bot.knowledge import KnowledgeBase
from bot.llm.budget import TokenCounter
from bot.llm.client import ChatClient
from bot.llm.limits import MESSAGE_OVERHEAD_TOKENS, Limits
from bot.llm.material import knowledge_text
from bot.models import LANGUAGES, Language
from bot.prompts import Prompt


class PromptedTask:
    def __init__(
        self,
        client: ChatClient,
        *,
        prompt: Prompt,
        knowledge: KnowledgeBase,
        counter: TokenCounter,
        limits: Limits,
    ) -> None:
        self.client = client
        self.prompt = prompt
        self.knowledge = knowledge
        self.counter = counter
        self.limits = limits
        # The system part (instructions, then the knowledge base) depends only on the language:
        # render it once, count it once; keeping it byte-identical lets providers cache it.
        self.system = {
            lang: prompt.system.render(knowledge=knowledge_text(knowledge, lang))
            for lang in LANGUAGES
        }
        self._system_tokens = {lang: counter.count(text) for lang, text in self.system.items()}

    def _fixed(self, language: Language, user: str) -> int:
        """Tokens of the system part plus `user` (the user part without the user's own text)."""
        return self._system_tokens[language] + self.counter.count(user) + MESSAGE_OVERHEAD_TOKENS
