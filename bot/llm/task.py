"""What the reviewer and the answerer share: one client, one prompt, rendered once per language."""

from __future__ import annotations

from pydantic import BaseModel

from bot.core.knowledge import KnowledgeBase
from bot.llm.budget import TokenCounter
from bot.llm.client import ChatClient, ChatRequest, Task
from bot.llm.errors import LLMBudgetError
from bot.llm.limits import MESSAGE_OVERHEAD_TOKENS, MIN_USER_TOKENS, Limits
from bot.llm.material import fence, knowledge_text
from bot.llm.prompts import Prompt
from bot.models import LANGUAGES, Language


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

    def _user(self, language: Language, context: str, fenced: str) -> str:
        raise NotImplementedError

    def fixed_tokens(self, language: Language, context: str) -> int:
        """Tokens of everything but the user's own text."""
        return self._fixed(language, self._user(language, context, fence("")))

    def _build(
        self, task: Task, language: Language, context: str, text: str, schema: type[BaseModel]
    ) -> tuple[ChatRequest, str]:
        """The request, and the part of `text` that fits the input budget."""
        room = self.limits.max_input_tokens - self.fixed_tokens(language, context)
        if room < MIN_USER_TOKENS:
            raise LLMBudgetError(f"only {room} tokens left for the {task}")
        part = self.counter.truncate(text, room)
        request = ChatRequest(
            task=task,
            system=self.system[language],
            user=self._user(language, context, fence(part)),
            schema=schema,
            max_tokens=self.limits.max_output_tokens,
        )
        return request, part

    def _fixed(self, language: Language, user: str) -> int:
        """Tokens of the system part plus `user` (the user part without the user's own text)."""
        return self._system_tokens[language] + self.counter.count(user) + MESSAGE_OVERHEAD_TOKENS
