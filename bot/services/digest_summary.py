"""The digest's prose, phrased by the LLM when one is configured: two or three sentences on
top of the figures, never instead of them.

The model sees the figures only (no user text reaches this prompt). What it writes is checked:
mentions are defused, and a summary with any number that is not one of the figures is dropped,
because the figures always come from the database. Any failure means a digest without prose.
"""

from __future__ import annotations

import json
import logging
import re

from pydantic import BaseModel, ConfigDict

from bot.config import Settings
from bot.llm.client import ChatClient, ChatRequest, Deadline
from bot.llm.errors import LLMError
from bot.llm.parsing import parse_reply
from bot.llm.prompts import Prompt, load_prompts
from bot.llm.safety import defuse
from bot.models import Digest

log = logging.getLogger(__name__)

LANGUAGE_NAMES = {"en": "English", "de": "German", "it": "Italian"}
MAX_TOKENS = 300  # about 60 words in any of the three languages, with room for the JSON
DAYS = 7
_NUMBER = re.compile(r"\d+")


class DigestSummary(BaseModel):
    model_config = ConfigDict(extra="forbid")
    summary: str


class LLMSummarizer:
    def __init__(self, client: ChatClient, prompt: Prompt, *, deadline: float) -> None:
        self.client = client
        self.prompt = prompt
        self.deadline = deadline
        self.system = prompt.system.render()

    @classmethod
    def from_settings(cls, settings: Settings, client: ChatClient) -> LLMSummarizer:
        return cls(client, load_prompts().digest, deadline=settings.llm_deadline)

    def summarize(self, digest: Digest) -> str | None:
        request = ChatRequest(
            task="digest",
            system=self.system,
            user=self.prompt.user.render(
                language=LANGUAGE_NAMES[digest.language], figures=figures(digest)
            ),
            schema=DigestSummary,
            max_tokens=MAX_TOKENS,
        )
        try:
            reply = parse_reply(
                self.client.complete(request, Deadline(self.deadline)), DigestSummary
            )
        except LLMError as exc:
            log.warning("digest summary skipped (%s: %s)", type(exc).__name__, exc)
            return None
        text = defuse(reply.summary.strip())
        invented = sorted(set(_NUMBER.findall(text)) - allowed_numbers(digest))
        if invented:
            log.warning(
                "digest summary dropped: it states numbers not in the figures (%s)", invented
            )
            return None
        return text or None


def figures(digest: Digest) -> str:
    """The digest's figures as the model sees them: JSON, in the digest's language."""
    featured = digest.featured
    data = {
        "period_days": DAYS,
        "quiet_week": digest.quiet,
        "drafts_checked": digest.drafts_checked,
        "drafts_checked_last_week": digest.drafts_last_week,
        "drafts_with_at_least_one_trap": digest.drafts_with_traps,
        "traps_flagged": [
            {
                "number": t.number,
                "title": t.title,
                "this_week": t.this_week,
                "last_week": t.last_week,
            }
            for t in digest.traps
        ],
        "questions_answered": digest.questions,
        "questions_answered_last_week": digest.questions_last_week,
        "questions_by_topic": [
            {"number": t.number, "title": t.title, "count": t.count}
            if t.number
            else {"outside_the_knowledge_base": t.count}
            for t in digest.topics
        ],
        "feedback": digest.feedback.model_dump(),
        "misconception_of_the_week": {
            "number": featured.number,
            "title": featured.title,
            "why_it_is_wrong": featured.why,
            "what_to_do_instead": featured.instead,
        },
    }
    return json.dumps(data, ensure_ascii=False, indent=1)


def allowed_numbers(digest: Digest) -> set[str]:
    """Every number the summary may state: the figures, the trap numbers, the week's length."""
    values = {
        DAYS,
        digest.drafts_checked,
        digest.drafts_last_week,
        digest.drafts_with_traps,
        digest.questions,
        digest.questions_last_week,
        digest.feedback.helpful,
        digest.feedback.not_helpful,
        digest.feedback.false_alarm,
    }
    for trap in digest.traps:
        values |= {trap.number, trap.this_week, trap.last_week, abs(trap.change)}
    values |= {topic.count for topic in digest.topics}
    return {str(value) for value in values}


def summarizer_for(settings: Settings, client: ChatClient | None = None) -> LLMSummarizer | None:
    """The summarizer when an LLM is configured (reusing `client` if the caller has one)."""
    if not settings.llm_configured:
        return None
    if client is None:
        # Imported here: openai takes a while to load, and only a configured LLM needs it.
        from bot.llm.openai_compat import OpenAICompatibleClient  # noqa: PLC0415

        client = OpenAICompatibleClient.from_settings(settings)
    return LLMSummarizer.from_settings(settings, client)
