"""What goes into a prompt besides the template: the knowledge base, hints, fenced user text."""

from __future__ import annotations

import json
import re

from bot.core.knowledge import KnowledgeBase
from bot.models import Answer, Language, Review

LANGUAGE_NAMES: dict[Language, str] = {"en": "English", "de": "German", "it": "Italian"}
# Hints quote the draft; a long quote adds tokens, not information.
_HINT_QUOTE_CHARS = 160
_BACKTICKS = re.compile(r"`+")


def knowledge_text(knowledge: KnowledgeBase, language: Language) -> str:
    """The whole knowledge base in one language, compact (keywords are for the offline model)."""
    blocks = []
    for item in knowledge:
        entry = item.entry(language)
        signs = "\n".join(f"  - {sign}" for sign in entry.warning_signs)
        blocks.append(
            f"## {item.number}. {entry.title}\n"
            f"Misconception: {entry.misconception}\n"
            f"Why it is wrong: {entry.why_wrong}\n"
            f"What to do instead: {entry.instead}\n"
            f"Warning signs:\n{signs}"
        )
    return "\n\n".join(blocks)


def review_hints(review: Review) -> str:
    if not review.findings:
        return "- none"
    lines = []
    for finding in review.findings:
        quote = finding.evidence[:_HINT_QUOTE_CHARS]
        # JSON quoting keeps the draft's words visibly data, even outside the fence.
        lines.append(
            f"- trap {finding.number} ({finding.slug}), confidence {finding.confidence:.2f}, "
            f"evidence {json.dumps(quote, ensure_ascii=False)}"
        )
    return "\n".join(lines)


def answer_ranking(answer: Answer) -> str:
    ranked = ", ".join(f"{s.number} ({s.score:.2f})" for s in answer.ranking) or "none"
    verdict = f"best match {answer.topic}" if answer.topic else "judged not covered"
    return f"{ranked}; {verdict}"


def fence(text: str) -> str:
    """`text` between fence lines longer than any backtick run inside it, so it cannot close
    the fence early and pose as instructions."""
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    line = "`" * max(3, longest + 1)
    return f"{line}\n{text}\n{line}"
