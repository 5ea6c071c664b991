"""What users.info says about a Slack user — language, time zone, admin role — cached per user.

The language is the fallback when a text is too short to tell its language, and the language
of UI that has no text at all (help, App Home); people rarely change it, so it is kept for a
day. The role decides who may manage the weekly digest and the time zone is a new digest's
default: those must be current, so `fresh` accepts only a lookup made moments ago — which is
still the one lookup of the same command, so a command costs one users.info call, not two.
It is a Slack call either way, so never on the ack path.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.i18n import language_of_locale
from bot.models import Language

log = logging.getLogger(__name__)

# People rarely change their Slack language; a day keeps users.info calls to one per user.
LOCALE_TTL_SECONDS = 24 * 3600.0
_UNKNOWN_TTL_SECONDS = 300.0  # after a failed lookup, try again soon
# A role or time zone older than this is looked up again: a demoted admin loses the right to
# manage digests within a minute, and one command never looks the same user up twice.
FRESH_SECONDS = 60.0
# Owners and the primary owner are admins too, but Slack sets each flag on its own.
_ADMIN_FLAGS = ("is_admin", "is_owner", "is_primary_owner")


@dataclass(frozen=True)
class SlackUser:
    """The parts of a users.info answer the coach uses."""

    language: Language | None
    timezone: str | None
    admin: bool  # a workspace admin, owner or primary owner


@dataclass(frozen=True)
class _Entry:
    profile: SlackUser | None  # the last successful lookup
    fetched: float  # when it was made
    team: str | None  # the workspace it was made for, when the caller said
    failed: float | None = None  # when the latest lookup failed, if it did


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
        self._known: dict[str, _Entry] = {}
        self._lock = threading.Lock()

    def cached(self, user: str) -> Language:
        """Only what is already known (no Slack call): safe on the ack path."""
        with self._lock:
            found = self._known.get(user)
        if found and found.profile and found.fetched + self._ttl > self._clock():
            return found.profile.language or self.default
        return self.default

    def language(self, client: WebClient, user: str, team: str | None = None) -> Language:
        """The user's Slack language, looked up at most once a day (`team`: the workspace the
        request came from, so that a `fresh` lookup right after can reuse this one)."""
        with self._lock:
            found = self._known.get(user)
        now = self._clock()
        if found and found.profile and found.fetched + self._ttl > now:
            return found.profile.language or self.default
        if found and found.failed is not None and found.failed + _UNKNOWN_TTL_SECONDS > now:
            return self.default
        profile = self._refresh(client, user, team)
        return (profile.language if profile else None) or self.default

    def fresh(
        self, client: WebClient, user: str, team: str, max_age: float = FRESH_SECONDS
    ) -> SlackUser | None:
        """The user as Slack sees them now, in workspace `team`; None if users.info failed.

        A lookup younger than `max_age` is reused, a failed one too: retrying at once would
        call users.info twice in one command, and a 429 asks for the opposite.
        """
        with self._lock:
            found = self._known.get(user)
        now = self._clock()
        if found and found.failed is not None and now - found.failed <= max_age:
            return None
        if found and found.profile and found.team == team and now - found.fetched <= max_age:
            return found.profile
        return self._refresh(client, user, team)

    def forget_all(self) -> None:
        with self._lock:
            self._known.clear()

    def _refresh(self, client: WebClient, user: str, team: str | None) -> SlackUser | None:
        profile = self._lookup(client, user)
        now = self._clock()
        with self._lock:
            if profile is not None:
                self._known[user] = _Entry(profile, now, team)
            else:  # keep what was known; only note the failure
                previous = self._known.get(user)
                kept = previous.profile if previous else None
                self._known[user] = _Entry(
                    kept, previous.fetched if previous else now, None, failed=now
                )
        return profile

    @staticmethod
    def _lookup(client: WebClient, user: str) -> SlackUser | None:
        try:
            response = client.users_info(user=user, include_locale=True)
        except SlackApiError as exc:
            log.warning("users.info for %s failed: %s", user, exc.response.get("error"))
            return None
        except (SlackClientError, OSError) as exc:
            log.warning("users.info for %s failed: %s", user, type(exc).__name__)
            return None
        info = response.get("user") or {}
        zone = info.get("tz")
        return SlackUser(
            language=language_of_locale(info.get("locale")),
            timezone=zone if isinstance(zone, str) else None,
            admin=any(info.get(flag) is True for flag in _ADMIN_FLAGS),
        )
