"""The logger handed to Bolt, without the one warning our composition always triggers.

Bolt reads SLACK_BOT_TOKEN from the process environment on its own, even when it is given a
ready client, and then warns on every start that "`token` will be unused". We always give it
the client built from Settings (the one place secrets are read, with our base URL, timeout and
retry handlers), so that warning says nothing: it only told operators who set the token in the
environment, as the docs ask, that something was wrong when nothing was.
"""

from __future__ import annotations

import logging

from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped

_UNUSED_TOKEN = warning_client_prioritized_and_token_skipped()


class _DropUnusedTokenWarning(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != _UNUSED_TOKEN


def bolt_logger() -> logging.Logger:
    """Bolt's framework logger; every other Bolt warning still gets through."""
    logger = logging.getLogger("bot.slack.bolt")
    if not any(isinstance(f, _DropUnusedTokenWarning) for f in logger.filters):
        logger.addFilter(_DropUnusedTokenWarning())
    return logger
