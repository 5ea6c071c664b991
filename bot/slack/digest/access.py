"""Who may subscribe and unsubscribe channels to the weekly digest (COACH_DIGEST_MANAGERS).

Checked in the slow half of `/coach digest`, after the ack, because it may need users.info
(the role). `preview` and `list` are open to everyone: they change nothing. When Slack cannot
tell us the role (users.info fails or is rate limited), the answer is no — with a log line and
a polite reply — because a setting meant to restrict must not open up while Slack is down.
"""

from __future__ import annotations

import logging

from slack_sdk import WebClient

from bot.models import Language
from bot.slack.blocks import Message, notice
from bot.slack.digest.blocks import managers_text
from bot.slack.i18n import slack_text
from bot.slack.payloads import Who
from bot.slack.work import Deps

log = logging.getLogger(__name__)


def refusal(deps: Deps, client: WebClient, who: Who, language: Language) -> Message | None:
    """None when `who` may manage digest subscriptions; else the ephemeral reply saying who may.

    A listed user is allowed by id alone, without a Slack call; everyone else needs a fresh
    users.info (usually the one this command already made for the language).
    """
    managers = deps.settings.digest_access
    who_may = managers_text(managers, language)
    if who_may is None or who.user in managers.users:
        return None
    profile = deps.locales.fresh(client, who.user, who.team)
    if profile is not None and profile.admin:
        return None
    lines = [slack_text("digest_refused", language, managers=who_may)]
    if profile is None:
        log.warning(
            "refused %s a digest change: users.info failed, so the admin role is unknown",
            who.user,
        )
        lines.append(slack_text("digest_role_unknown", language))
    else:
        log.info("refused %s a digest change (COACH_DIGEST_MANAGERS=%s)", who.user, managers.mode)
    return notice("\n".join(lines))
