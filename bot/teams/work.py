"""The slow half of a Teams reply, run on the executor: call a service, render a card, and
the one error boundary that turns any failure into a friendly, localized card."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Literal

from bot.errors import CoachError, EmptyInput, InputTooLong
from bot.i18n import text
from bot.models import Language, Review
from bot.services.intent import split_intent
from bot.teams.cards import Card, answer_card, notice_card, review_card
from bot.teams.deps import TeamsDeps
from bot.teams.i18n import teams_text
from bot.teams.incoming import Who

log = logging.getLogger(__name__)
Kind = Literal["check", "ask"]


def new_reference() -> str:
    """Unguessable: whoever holds it could read the card it names."""
    return uuid.uuid4().hex


def failure(exc: CoachError, language: Language, kind: Kind) -> Card:
    if isinstance(exc, EmptyInput):
        return notice_card(
            teams_text("empty_check" if kind == "check" else "empty_question", language)
        )
    if isinstance(exc, InputTooLong):
        length, limit = f"{exc.length:,}", f"{exc.limit:,}"
        return notice_card(text("too_long", language, length=length, limit=limit))
    log.warning("the coach could not %s: %s", kind, exc)
    return notice_card(text("error", language))


def reviewed(deps: TeamsDeps, who: Who, draft: str, review: Review) -> Card:
    """Count the review for the digest, keep its card for the feedback buttons."""
    deps.usage.checked(who.origin, review, draft)
    ref = new_reference()
    result = review_card(review, deps.knowledge, ref)
    deps.cards.put(ref, result)
    return result


def check(deps: TeamsDeps, who: Who, draft: str, fallback: Language) -> Card:
    try:
        review = deps.services.review.review(draft, fallback, caller=who.caller)
    except CoachError as exc:
        return failure(exc, fallback, "check")
    return reviewed(deps, who, draft, review)


def check_offline(deps: TeamsDeps, who: Who, draft: str, fallback: Language) -> Card:
    """The offline engine alone, for an invoke whose LLM answer Teams could not wait for
    (the input passed the service's checks already on the way in)."""
    try:
        review = deps.services.engine.review(draft, fallback)
    except CoachError as exc:
        return failure(exc, fallback, "check")
    note = teams_text("llm_slow", review.language)
    return reviewed(deps, who, draft, review.model_copy(update={"notes": (*review.notes, note)}))


def ask(deps: TeamsDeps, who: Who, question: str, fallback: Language) -> Card:
    try:
        answer = deps.services.answer.ask(question, fallback, caller=who.caller)
    except CoachError as exc:
        return failure(exc, fallback, "ask")
    deps.usage.asked(who.origin, answer, question)
    ref = new_reference()
    result = answer_card(answer, deps.knowledge, ref)
    deps.cards.put(ref, result)
    return result


def reply(deps: TeamsDeps, who: Who, said: str, fallback: Language) -> Card:
    """The same triggers as Slack: "check this: …" checks a draft, anything else is a question."""
    intent, rest = split_intent(said)
    if intent == "check":
        return check(deps, who, rest, fallback)
    return ask(deps, who, rest, fallback)


def guarded(work: Callable[[], Card], language: Language) -> Callable[[], Card]:
    """The error boundary: log with context, give the user a kind card, never a trace."""

    def run() -> Card:
        try:
            return work()
        except Exception:
            log.exception("a Teams reply failed")
            return notice_card(text("error", language))

    return run
