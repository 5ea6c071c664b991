"""The served app as an operator sees it: /metrics, request ids through the worker threads,
and logs that never hold a token or a message's text."""

from __future__ import annotations

import io
import json
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.observability.logs import configure_logging
from bot.observability.metrics import Metrics
from bot.services.factory import build_services
from bot.services.subscriptions import Schedule, SubscriptionService
from bot.slack.digest.scheduling import digest_scheduler
from tests.fakes.slack_api import FakeSlack
from tests.ops.conftest import BOT_TOKEN, ops_settings, samples, serving
from tests.slack.conftest import SECRET, Harness, mention_envelope

MARKER = "Zebraquokka"  # a word no log line should ever contain


def test_metrics_count_requests_by_kind_and_outcome(observed: Harness, metrics: Metrics) -> None:
    assert observed.command("ask is social media free?").status == 200
    assert observed.event(mention_envelope("<@UBOT> is social media free?")).status == 200
    assert observed.post("{}", "application/json").status == 401  # unsigned
    observed.fake.wait_for("response_url")
    observed.fake.wait_for("chat.postMessage")
    assert observed.get("/metrics").status == 404  # served on a port of its own
    found = samples(metrics)
    assert found[("coach_requests_total", (("kind", "command"), ("outcome", "ok")))] == 1
    assert found[("coach_requests_total", (("kind", "app_mention"), ("outcome", "ok")))] == 1
    unsigned = (("kind", "unverified"), ("outcome", "unauthorized"))
    assert found[("coach_requests_total", unsigned)] == 1
    assert found[("coach_ack_seconds_count", (("kind", "command"),))] == 1
    assert found[("coach_tasks_total", (("engine", "offline"), ("task", "ask")))] == 2
    # Health checks and scrapes are not Slack requests.
    observed.get("/healthz")
    assert ("coach_requests_total", (("kind", "unknown"), ("outcome", "ok"))) not in samples(
        metrics
    )


def test_every_answer_carries_a_request_id(observed: Harness) -> None:
    first = observed.command("help")
    second = observed.command("help")
    ids = {first.headers["X-Request-Id"], second.headers["X-Request-Id"]}
    assert len(ids) == 2 and all(len(i) == 16 for i in ids)
    proxied = observed.post("{}", "application/json", **{"X-Request-Id": "nginx-0123456789ab"})
    assert proxied.headers["X-Request-Id"] == "nginx-0123456789ab"


@pytest.mark.usefixtures("restore_logging")
def test_the_request_id_follows_the_work_into_the_worker_thread(observed: Harness) -> None:
    out = io.StringIO()
    configure_logging("INFO", "json", stream=out)
    observed.fake.fail("chat.postMessage", error="channel_not_found", times=2)
    reply = observed.event(mention_envelope("<@UBOT> is social media free?"))
    observed.fake.wait_for("chat.postMessage", count=2)
    observed.fake.wait_quiet()
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    failed = [line for line in lines if line["message"] == "a Slack listener failed"]
    assert failed, lines
    assert failed[0]["request_id"] == reply.headers["X-Request-Id"]
    assert "channel_not_found" in failed[0]["exc_info"]


@pytest.mark.usefixtures("restore_logging")
def test_logs_never_hold_a_token_or_the_message_text(
    fake: FakeSlack, metrics: Metrics, tmp_path: Path
) -> None:
    """Even at DEBUG, through replies, retries and failures."""
    out = io.StringIO()
    settings = ops_settings(fake.api_url, tmp_path, COACH_LOG_LEVEL="DEBUG")
    configure_logging("DEBUG", "text", stream=out, metrics=metrics)
    logging.getLogger("bot").debug("debug is on")
    with serving(fake, settings, build_services(settings, metrics=metrics)) as app:
        fake.fail("chat.postMessage", status=429, retry_after=0)
        fake.fail("response_url", status=503)
        app.command(f"ask is {MARKER} social media free?")
        app.command(f"check {MARKER}: we need no budget, social media is free")
        app.event(mention_envelope(f"<@UBOT> {MARKER} is it free?", event_id="Ev1"))
        fake.fail("chat.postMessage", error="not_in_channel", times=3)
        app.event(mention_envelope(f"<@UBOT> {MARKER} again?", event_id="Ev2", ts="2.0"))
        app.post(json.dumps({"text": MARKER}), "application/json")  # refused, unsigned
        fake.wait_for("response_url", count=3)
        fake.wait_for("chat.postMessage", count=5)
        fake.wait_quiet()
    logged = out.getvalue()
    assert "debug is on" in logged and "a Slack listener failed" in logged  # logs were written
    for secret in (MARKER, MARKER.lower(), BOT_TOKEN, SECRET):
        assert secret not in logged


def test_a_listener_that_fails_before_its_ack_gets_a_200_not_a_500(
    fake: FakeSlack, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The last-resort handler: a bug (here, planted) must not make Slack retry the request."""
    settings = ops_settings(fake.api_url, tmp_path)
    with serving(fake, settings, build_services(settings)) as app:
        bolt = app.bolt
        assert bolt is not None

        @bolt.event("reaction_added")
        def broken_event() -> None:
            raise RuntimeError("a planted bug")

        @bolt.command("/broken")
        def broken_command() -> None:
            raise RuntimeError("a planted bug")

        event = mention_envelope("x", kind="reaction_added")
        assert app.event(event).status == 200
        reply = app.command("anything", command="/broken")
    assert reply.status == 200
    assert reply.json()["text"].startswith("Sorry, something went wrong on my side")
    assert caplog.text.count("listener failed before its ack") == 2
    assert "a planted bug" in caplog.text


def test_a_mention_over_40000_characters_is_refused_politely(
    observed: Harness, metrics: Metrics
) -> None:
    draft = "Wir brauchen kein Budget, Social Media ist kostenlos. " * 800  # > 40,000
    assert len(draft) > 40_000
    observed.fake.set_locale("W222", "de-DE")  # the refusal speaks the user's Slack language
    assert observed.event(mention_envelope(f"<@UBOT> prüf das: {draft}")).status == 200
    (reply,) = observed.fake.wait_for("chat.postMessage")
    assert "ich prüfe höchstens 40,000" in reply.all_text()
    refused = ("coach_inputs_refused_total", (("reason", "too_long"), ("task", "check")))
    assert samples(metrics)[refused] == 1


def test_digests_posted_and_failed_are_counted(observed: Harness, metrics: Metrics) -> None:
    month_ago = datetime.now(UTC) - timedelta(days=30)
    subscriptions = SubscriptionService(observed.deps.database, clock=lambda: month_ago)
    for channel in ("C701", "C702"):
        subscriptions.subscribe(
            "T111",
            channel,
            Schedule(weekday=datetime.now(UTC).weekday(), hour=0, minute=0),
            scope="workspace",
            language="en",
            user="U1",
        )
    observed.fake.fail("chat.postMessage", error="channel_not_found")  # the first one fails
    scheduler = digest_scheduler(
        observed.deps.settings, observed.deps.database, observed.deps.digests, metrics=metrics
    )
    report = scheduler.run_once()
    assert (report.posted, report.failed) == (1, 1)
    found = samples(metrics)
    assert found[("coach_digests_total", (("outcome", "posted"),))] == 1
    assert found[("coach_digests_total", (("outcome", "failed"),))] == 1
