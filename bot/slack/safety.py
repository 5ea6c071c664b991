"""The last line of defence for acks: a listener that raises before its ack gets a 200, not
Bolt's default 500.

Nothing fallible runs before an ack except parsing the payload, so such a failure is a bug
or a forged payload, and it would fail the same way on every retry: a 500 only makes Slack
send it three more times (and, if it happens often, disable the app's event subscription).
The failure is logged with its traceback and counted as an error; a slash command's user sees
the usual apology instead of Slack's "failed with the error" line.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse

from bot.i18n import text
from bot.models import Language
from bot.slack.observe import request_kind

log = logging.getLogger(__name__)


def install_error_handler(app: App, language: Language) -> None:
    def listener_failed(error: Exception, request: BoltRequest) -> BoltResponse:
        body: Any = request.body
        kind = request_kind(body) if isinstance(body, dict) else "unreadable"
        log.error("a %s listener failed before its ack", kind, exc_info=error)
        acked = request.context.ack.response if request.context.ack else None
        if acked is not None:
            return acked  # it did ack: Slack gets what the listener meant to send
        if kind == "command":
            apology = {"response_type": "ephemeral", "text": text("error", language)}
            return BoltResponse(
                status=200,
                body=json.dumps(apology),
                headers={"content-type": "application/json; charset=utf-8"},
            )
        return BoltResponse(status=200, body="")

    app.error(listener_failed)
