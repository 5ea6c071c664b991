"""The fast lane (bot/slack/fast_lane.py) against Bolt itself: the same signed request, sent
to the real app with and without the fast lane, must queue the same job and get the same ack.
No job worker runs here, so what was queued stays in the queue to be read back."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlencode

import pytest
from slack_bolt import BoltResponse

from bot.i18n import text
from bot.services.factory import Services
from bot.services.jobs import Job
from bot.slack.fast_lane import FastLane
from bot.storage.db import Database
from tests.fakes.slack_api import BOT_USER, FakeSlack
from tests.slack.conftest import Harness, Reply, mention_envelope, running_app, slack_settings


class Lanes:
    """One app with the fast lane, one without; `taken` counts what the fast lane answered."""

    def __init__(self, fast: Harness, bolt: Harness) -> None:
        self.fast, self.bolt = fast, bolt
        self.taken = 0
        lane = fast.lane
        assert isinstance(lane, FastLane), "single-workspace mode has a fast lane"
        handle = lane.handle

        def counted(
            body: dict[str, Any], headers: Mapping[str, str | Sequence[str]]
        ) -> BoltResponse | None:
            response = handle(body, headers)
            self.taken += response is not None
            return response

        lane.handle = counted  # type: ignore[method-assign]

    def both(self, send: str, *args: Any) -> tuple[Reply, Reply]:
        return getattr(self.fast, send)(*args), getattr(self.bolt, send)(*args)


def queued(harness: Harness) -> list[tuple[str, dict[str, Any]]]:
    """The jobs waiting in the app's reply queue, as (kind, data)."""
    jobs = [Job.model_validate_json(task.args[0]) for task in harness.deps.jobs.huey.pending()]
    return [(job.kind, job.data) for job in jobs]


def same_ack(fast: Reply, bolt: Reply) -> None:
    assert (fast.status, fast.body) == (bolt.status, bolt.body)
    assert fast.headers.get("Content-Type") == bolt.headers.get("Content-Type")


@contextmanager
def lanes(
    fake: FakeSlack, services: Services, database: Database, **update: Any
) -> Iterator[Lanes]:
    settings = slack_settings(fake.api_url).model_copy(update={"queue_run_jobs": False, **update})
    with (
        running_app(fake, services, database, settings) as fast,
        running_app(fake, services, database, settings, fast=False) as bolt,
    ):
        yield Lanes(fast, bolt)


@pytest.fixture
def two(fake: FakeSlack, services: Services, sqlite_database: Database) -> Iterator[Lanes]:
    with lanes(fake, services, sqlite_database) as found:
        yield found


def dm(text: str, **event: Any) -> dict[str, Any]:
    envelope = mention_envelope(text, kind="message", channel="D111")
    envelope["event"].update({"channel_type": "im", **event})
    return envelope


QUEUED_EVENTS = {
    "mention": mention_envelope("<@UBOT> is it free?", thread_ts="1700000000.000001"),
    "dm": dm("what is a trap?"),
    "dm with a file": dm("check this", subtype="file_share"),
    "channel message naming the coach": mention_envelope(
        f"<@{BOT_USER}> check this draft", kind="message"
    ),
}


@pytest.mark.parametrize("name", QUEUED_EVENTS)
def test_a_queued_event_is_the_same_job_and_ack_as_through_bolt(two: Lanes, name: str) -> None:
    fast, bolt = two.both("event", QUEUED_EVENTS[name])
    same_ack(fast, bolt)
    assert fast.status == 200 and fast.body == ""
    assert two.taken == 1, "the fast lane answered it"
    (job,) = queued(two.fast)
    assert job == queued(two.bolt)[0]
    assert job[1]["bot"] == BOT_USER and job[1]["team"] == "T111"
    assert job[1]["enterprise"] == "E111"


@pytest.mark.parametrize("command", ["ask is social media free?", "check my draft", "traps", ""])
def test_a_queued_command_is_the_same_job_and_ack_as_through_bolt(two: Lanes, command: str) -> None:
    fast, bolt = two.both("command", command)
    same_ack(fast, bolt)
    assert fast.status == 200 and fast.body == ""
    assert two.taken == 1
    assert queued(two.fast) == queued(two.bolt) != []


NOT_QUEUED = {
    "an edited DM": dm("changed", subtype="message_changed"),
    "a bot's DM": dm("beep", bot_id="B999"),
    "a DM with a forged subtype": dm("hi", subtype=["file_share"]),
    "a channel message not for the coach": mention_envelope("lunch?", kind="message"),
    "the coach's own mention": mention_envelope(f"<@{BOT_USER}> hi", **{}),
}
NOT_QUEUED["the coach's own mention"]["event"]["user"] = BOT_USER


@pytest.mark.parametrize("name", NOT_QUEUED)
def test_an_event_the_rules_filter_is_not_queued_and_goes_to_bolt(two: Lanes, name: str) -> None:
    fast, bolt = two.both("event", NOT_QUEUED[name])
    same_ack(fast, bolt)
    assert fast.status == 200
    assert two.taken == 0
    assert queued(two.fast) == queued(two.bolt) == []


def test_a_bare_check_still_opens_the_modal_through_bolt(two: Lanes) -> None:
    reply = two.fast.command("check")
    assert reply.status == 200 and reply.body == ""
    assert two.taken == 0
    assert two.fast.fake.wait_for("views.open")
    assert queued(two.fast) == []


def test_a_malformed_command_goes_to_bolt(two: Lanes) -> None:
    form = {"command": "/coach", "text": "ask x"}  # no user, no channel
    body = urlencode(form)
    fast = two.fast.send_signed(body, "application/x-www-form-urlencoded")
    bolt = two.bolt.send_signed(body, "application/x-www-form-urlencoded")
    same_ack(fast, bolt)
    assert fast.status == 200 and two.taken == 0 and queued(two.fast) == []


@pytest.mark.parametrize("authorizations", [[1], 5, ["T1"]])
def test_ids_bolt_cannot_read_are_refused_as_by_bolt(two: Lanes, authorizations: object) -> None:
    # Bolt's extractors raise on these shapes (the fuzz test found one): a 400, never a 500.
    envelope = {**QUEUED_EVENTS["mention"], "authorizations": authorizations}
    fast, bolt = two.both("event", envelope)
    same_ack(fast, bolt)
    assert fast.status == 400 and two.taken == 0 and queued(two.fast) == []


def test_a_retried_delivery_is_logged_by_the_fast_lane(
    two: Lanes, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="bot.slack.listeners.events"):
        reply = two.fast.event(QUEUED_EVENTS["mention"], retry=1)
    assert reply.status == 200 and two.taken == 1
    assert "re-delivered an event (attempt 1, http_timeout)" in caplog.text


def test_past_the_backlog_bound_the_busy_ack_is_the_same(
    fake: FakeSlack, services: Services, sqlite_database: Database
) -> None:
    with lanes(fake, services, sqlite_database, queue_max_backlog=1) as two:
        first = two.both("command", "ask is it free?")
        second = two.both("command", "ask is it free?")
        same_ack(*first)
        same_ack(*second)
        body = json.loads(second[0].body)
        assert body["response_type"] == "ephemeral" and text("busy", "en") in body["text"]
        assert two.taken == 2
        assert len(queued(two.fast)) == len(queued(two.bolt)) == 1

        envelope = mention_envelope("<@UBOT> is it free?", thread_ts="1700000000.000001")
        assert two.fast.event(envelope).status == 200 and two.taken == 3
        (notice,) = fake.wait_for("chat.postMessage")
        assert text("busy", "en") in notice.all_text()
        assert notice["thread_ts"] == "1700000000.000001"
        assert len(queued(two.fast)) == 1
