"""The language a Slack user set (users.info with include_locale), cached per user.

It is the fallback when a text is too short to tell its language, and the language of UI
that has no text at all (help, App Home). It is a Slack call, so never on the ack path.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.models import Language
from bot.slack.i18n import language_of_locale

log = logging.getLogger(__name__)

# People rarely change their Slack language; a day keeps users.info calls to one per user.
LOCALE_TTL_SECONDS = 24 * 3600.0
_UNKNOWN_TTL_SECONDS = 300.0  # after a failed lookup, try again soon


class LocaleCache:
    def __init__(
        self,
        default: Language,
        ttl: float = LOCALE_TTL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.default = default
        self._ttl = ttl
        self._clock = clock
        self._known: dict[str, tuple[float, Language | None]] = {}
        self._lock = threading.Lock()

    def cached(self, user: str) -> Language:
        """Only what is already known (no Slack call): safe on the ack path."""
        with self._lock:
            found = self._known.get(user)
        if found and found[0] > self._clock() and found[1]:
            return found[1]
        return self.default

    def language(self, client: WebClient, user: str) -> Language:
        with self._lock:
            found = self._known.get(user)
        if found and found[0] > self._clock():
            return found[1] or self.default
        language = self._lookup(client, user)
        ttl = self._ttl if language else _UNKNOWN_TTL_SECONDS
        with self._lock:
            self._known[user] = (self._clock() + ttl, language)
        return language or self.default

    def forget_all(self) -> None:
        with self._lock:
            self._known.clear()

    @staticmethod
    def _lookup(client: WebClient, user: str) -> Language | None:
        try:
            response = client.users_info(user=user, include_locale=True)
        except (SlackApiError, SlackClientError, OSError) as exc:
            log.warning("users.info for %s failed (%s); using the default language", user, exc)
            return None
        info = response.get("user") or {}
        return language_of_locale(info.get("locale"))
