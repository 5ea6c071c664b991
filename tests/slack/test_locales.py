"""The users.info cache: the language for a day, the role and time zone only when fresh, and one
lookup shared by both — against the fake Slack Web API over HTTP, with a hand-moved clock."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_sdk import WebClient

from bot.slack.locales import FRESH_SECONDS, LocaleCache, SlackUser
from tests.fakes.slack_api import FakeSlack


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as server:
        yield server


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    return WebClient(token="xoxb-test", base_url=fake.api_url, retry_handlers=[])


def test_the_language_lookup_serves_a_role_check_right_after(
    fake: FakeSlack, client: WebClient
) -> None:
    clock = Clock()
    cache = LocaleCache("en", clock=clock)
    fake.set_locale("W1", "de-DE")
    fake.set_role("W1", "owner")
    assert cache.language(client, "W1", "T1") == "de"
    clock.now += FRESH_SECONDS - 1
    assert cache.fresh(client, "W1", "T1") == SlackUser("de", "Europe/Rome", admin=True)
    assert len(fake.calls("users.info")) == 1
    assert fake.calls("users.info")[0]["include_locale"] in {"1", "true", "True"}


def test_a_role_is_looked_up_again_once_stale_or_for_another_workspace(
    fake: FakeSlack, client: WebClient
) -> None:
    clock = Clock()
    cache = LocaleCache("en", clock=clock)
    fake.set_role("W1", "admin")
    assert cache.fresh(client, "W1", "T1") is not None
    fake.set_role("W1", "member")  # demoted
    found = cache.fresh(client, "W1", "T2")  # the admin role of T1 says nothing about T2
    assert found is not None and not found.admin
    fake.set_role("W1", "admin")
    clock.now += FRESH_SECONDS + 1
    found = cache.fresh(client, "W1", "T2")
    assert found is not None and found.admin
    assert len(fake.calls("users.info")) == 3
    # The language, though, is good for a day: no further call.
    clock.now += 3600
    assert cache.language(client, "W1") == "en"
    assert len(fake.calls("users.info")) == 3


def test_a_failed_lookup_is_not_repeated_at_once_and_keeps_the_known_language(
    fake: FakeSlack, client: WebClient
) -> None:
    clock = Clock()
    cache = LocaleCache("en", clock=clock)
    fake.set_locale("W1", "it-IT")
    fake.set_role("W1", "admin")
    assert cache.language(client, "W1") == "it"
    clock.now += FRESH_SECONDS + 1
    fake.fail("users.info", status=429, error="ratelimited", retry_after=30)
    assert cache.fresh(client, "W1", "T1") is None
    assert cache.fresh(client, "W1", "T1") is None, "a failure is reused, not retried at once"
    assert len(fake.calls("users.info")) == 2
    assert cache.language(client, "W1") == "it"
    assert cache.cached("W1") == "it"
    clock.now += FRESH_SECONDS + 1
    found = cache.fresh(client, "W1", "T1")
    assert found is not None and found.admin, "tried again after a minute"


def test_an_unknown_user_gets_the_default_language_and_is_asked_again_later(
    fake: FakeSlack, client: WebClient
) -> None:
    clock = Clock()
    cache = LocaleCache("de", clock=clock)
    fake.fail("users.info", error="user_not_found")
    assert cache.language(client, "W9") == "de"
    assert cache.language(client, "W9") == "de"
    assert len(fake.calls("users.info")) == 1
    clock.now += 301
    fake.set_locale("W9", "en-GB")
    assert cache.language(client, "W9") == "en"
    assert len(fake.calls("users.info")) == 2
