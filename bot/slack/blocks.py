"""Block Kit rendering: pure functions from the coach's models to Slack messages and views.

Everything is built with slack_sdk's block models, whose `to_dict()` enforces the per-element
limits (3,000 chars per section, 150 per header, 75 per button…); the block-count limits (50
per message, 100 per view), which slack_sdk does not check, are enforced here. User text is
always escaped and quoted, never interpreted.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.core.knowledge import KnowledgeBase
from bot.core.phrases import language_name
from bot.i18n import plural, text
from bot.models import Answer, Finding, Language, Review
from bot.slack.i18n import slack_text
from bot.slack.mrkdwn import escape, quote, shorten, split

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
SECTION_CHARS = 3000
HEADER_CHARS = 150
FALLBACK_CHARS = 3000  # the notification text; Slack advises staying well under 4,000
MODAL_DRAFT_CHARS = 3000  # plain_text_input's own maximum

SHARE = "coach_share"
FEEDBACK = {
    rating: f"coach_feedback_{rating}" for rating in ("helpful", "not_helpful", "false_alarm")
}
CHECK_MODAL = "coach_check"
DRAFT_BLOCK, DRAFT_ACTION = "draft", "text"
DIGEST_BLOCK = "digest_subscriptions"
MANAGERS_BLOCK = "digest_managers"


@dataclass(frozen=True)
class Message:
    text: str  # the notification / screen-reader text
    blocks: list[dict[str, Any]]

    def as_kwargs(self) -> dict[str, Any]:
        return {"text": self.text, "blocks": self.blocks}


def _section(markdown: str) -> SectionBlock:
    # verbatim: Slack must not turn plain "@here" or channel names into live mentions.
    return SectionBlock(text=MarkdownTextObject(text=markdown, verbatim=True))


def _context(markdown: str, block_id: str | None = None) -> ContextBlock:
    return ContextBlock(
        block_id=block_id,
        elements=[MarkdownTextObject(text=shorten(markdown, SECTION_CHARS), verbatim=True)],
    )


def _header(plain: str) -> HeaderBlock:
    return HeaderBlock(text=PlainTextObject(text=shorten(plain, HEADER_CHARS), emoji=True))


def _fit(
    body: Sequence[Block], tail: Sequence[Block], limit: int, language: Language
) -> list[dict[str, Any]]:
    """At most `limit` blocks; what does not fit is counted in a note, the tail always stays."""
    room = limit - len(tail)
    if len(body) > room:
        dropped = len(body) - (room - 1)
        body = [*body[: room - 1], _context(text("more_findings", language, count=dropped))]
    return [block.to_dict() for block in [*body, *tail]]


def _actions(
    language: Language, reference: dict[str, Any], *, share: bool, false_alarm: bool
) -> ActionsBlock:
    value = json.dumps(reference, separators=(",", ":"))
    ratings = ["helpful", "not_helpful"] + (["false_alarm"] if false_alarm else [])
    buttons = [
        ButtonElement(text=text(rating, language), action_id=FEEDBACK[rating], value=value)
        for rating in ratings
    ]
    if share:
        label = slack_text("share", language)
        buttons.insert(0, ButtonElement(text=label, action_id=SHARE, value=value, style="primary"))
    return ActionsBlock(block_id="coach_actions", elements=buttons)


def reference(kind: str, ref: str, language: Language, topics: tuple[int, ...]) -> dict[str, Any]:
    """What a button carries back: enough to record feedback and find the result to share."""
    return {"k": kind, "r": ref, "l": language, "t": list(topics)}


def _finding(finding: Finding, knowledge: KnowledgeBase, language: Language) -> list[Block]:
    item = knowledge[finding.number]
    entry = item.entry(language)
    sure = text("confidence", language, percent=f"{finding.confidence:.0%}")
    head = f"*#{finding.number} {escape(entry.title)}*  ·  _{sure}_"
    tail = f"*{text('advice', language)}:* {escape(finding.advice)}"
    if finding.rewrite:
        tail += f"\n*{text('rewrite', language)}:* {escape(finding.rewrite)}"
    tail = shorten(tail, SECTION_CHARS // 2)
    budget = SECTION_CHARS - len(head) - len(tail) - 2
    limit = len(finding.evidence)
    evidence = quote(finding.evidence)
    while len(evidence) > budget and limit > 1:
        limit = limit * 3 // 4  # escaping and quoting grow the text: shrink until the quote fits
        evidence = quote(shorten(finding.evidence, limit))
    source = item.source
    cite = (
        f"{text('source', language)}: #{item.number} {escape(entry.title)} — "
        f"{escape(source.author)}, _{escape(source.title[language])}_ "
        f"({escape(source.publication)})"
    )
    return [_section(f"{head}\n{evidence}\n{tail}"), _context(cite)]


def review_message(
    review: Review, knowledge: KnowledgeBase, ref: str, *, share: bool = True
) -> Message:
    language = review.language
    topics = tuple(sorted({f.number for f in review.findings}))
    if review.clean:
        summary = text("review_clean", language)
        body: list[Block] = [_section(f":white_check_mark: {summary}")]
    else:
        found = plural("review_found", len(review.findings), language)
        titles = ", ".join(
            f"#{f.number} {knowledge[f.number].entry(language).title}" for f in review.findings
        )
        summary = f"{found}: {titles}"
        body = [_header(f"⚠️ {found}")]
        for finding in review.findings:
            body += _finding(finding, knowledge, language)
    body += [_context(escape(note)) for note in review.notes]
    if review.other_language:  # said first: the findings below are only a best effort
        name = language_name(review.other_language, language)
        body.insert(0, _context(text("review_other_language", language, name=name)))
    tail = [
        _actions(
            language,
            reference("review", ref, language, topics),
            share=share,
            false_alarm=not review.clean,
        )
    ]
    return Message(
        shorten(escape(summary), FALLBACK_CHARS), _fit(body, tail, MAX_MESSAGE_BLOCKS, language)
    )


def answer_body(answer: Answer) -> str:
    """The answer as mrkdwn (escaped: an LLM may echo user text back)."""
    return escape(answer.text).replace("**", "*")


def answer_footer(
    answer: Answer, knowledge: KnowledgeBase, ref: str, *, share: bool
) -> list[Block]:
    language = answer.language
    blocks: list[Block] = []
    if answer.citations:
        cited = "  ·  ".join(f"#{c.number} {escape(c.title)}" for c in answer.citations)
        blocks.append(_context(f"{text('source', language)}: {cited}"))
    blocks += [_context(escape(note)) for note in answer.notes]
    topics = tuple(c.number for c in answer.citations)
    blocks.append(
        _actions(
            language, reference("answer", ref, language, topics), share=share, false_alarm=False
        )
    )
    return blocks


def answer_message(
    answer: Answer, knowledge: KnowledgeBase, ref: str, *, share: bool = True
) -> Message:
    body: list[Block] = [_section(piece) for piece in split(answer_body(answer), SECTION_CHARS)]
    footer = answer_footer(answer, knowledge, ref, share=share)
    return Message(
        shorten(escape(answer.text), FALLBACK_CHARS),
        _fit(body, footer, MAX_MESSAGE_BLOCKS, answer.language),
    )


def stream_footer(answer: Answer, knowledge: KnowledgeBase, ref: str) -> list[dict[str, Any]]:
    """The blocks closing a streamed answer: its citations and the feedback buttons."""
    return [block.to_dict() for block in answer_footer(answer, knowledge, ref, share=False)]


def notice(message: str) -> Message:
    """A short message composed from UI strings (and already-escaped user text)."""
    return Message(
        shorten(message, FALLBACK_CHARS), [_section(shorten(message, SECTION_CHARS)).to_dict()]
    )


def help_message(language: Language, unknown: str | None = None) -> Message:
    lines = [slack_text("help", language)]
    if unknown:
        lines.insert(0, text("unknown_command", language, name=escape(shorten(unknown, 40))))
    return notice("\n\n".join(lines))


def traps_message(knowledge: KnowledgeBase, language: Language) -> Message:
    blocks: list[Block] = [_header(text("traps_header", language))]
    for item in knowledge:
        entry = item.entry(language)
        blocks.append(_section(f"*#{item.number} {escape(entry.title)}*\n{escape(entry.summary)}"))
    fallback = "\n".join(f"#{i.number} {i.entry(language).title}" for i in knowledge)
    return Message(fallback, [b.to_dict() for b in blocks])


def shared(message: Message, user: str, language: Language) -> Message:
    """The message as posted to the channel: who shared it on top, no share button."""
    blocks = [b for b in message.blocks if b.get("block_id") != "coach_actions"]
    byline = _context(slack_text("shared_by", language, user=user)).to_dict()
    return Message(message.text, [byline, *blocks][:MAX_MESSAGE_BLOCKS])


def check_modal(language: Language, metadata: dict[str, str]) -> dict[str, Any]:
    draft = PlainTextInputElement(
        action_id=DRAFT_ACTION,
        multiline=True,
        max_length=MODAL_DRAFT_CHARS,
        placeholder=shorten(text("form_hint", language), 150),
    )
    view = View(
        type="modal",
        callback_id=CHECK_MODAL,
        title=text("form_title", language),
        submit=text("form_submit", language),
        close=text("form_cancel", language),
        private_metadata=json.dumps(metadata),
        blocks=[
            InputBlock(
                block_id=DRAFT_BLOCK,
                label=text("form_label", language),
                hint=text("form_hint", language),
                element=draft,
            )
        ],
    )
    return view.to_dict()


def home_view(
    knowledge: KnowledgeBase,
    language: Language,
    subscriptions: str | None = None,
    managers: str | None = None,
) -> dict[str, Any]:
    """`subscriptions`: the workspace's digest subscriptions as mrkdwn lines; `managers`: who
    may change them, when not everyone may."""
    blocks: list[Block] = [
        _section(text("intro", language)),
        _header(text("traps_header", language)),
    ]
    for item in knowledge:
        entry = item.entry(language)
        blocks.append(_section(f"*#{item.number} {escape(entry.title)}*\n{escape(entry.summary)}"))
    blocks += [
        DividerBlock(),
        _header(text("how_to_use", language)),
        _section(slack_text("help", language)),
        DividerBlock(),
        _header(text("digest_subscriptions", language)),
        SectionBlock(
            block_id=DIGEST_BLOCK,
            text=MarkdownTextObject(
                text=shorten(
                    subscriptions or slack_text("digest_list_none", language), SECTION_CHARS
                )
            ),
        ),
    ]
    if managers:
        blocks.append(_context(managers, MANAGERS_BLOCK))
    return View(type="home", blocks=_fit(blocks, [], MAX_VIEW_BLOCKS, language)).to_dict()


def suggested_prompts(language: Language) -> list[dict[str, str]]:
    return [
        {"title": text(f"prompt_{n}_title", language), "message": text(f"prompt_{n}", language)}
        for n in (1, 2, 3)
    ]
