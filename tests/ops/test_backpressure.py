"""Past the backlog bound the user hears "busy, try again in a minute" in their language,
never silence, and coach_jobs_total{outcome="busy"} counts it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.i18n import text
from bot.observability.metrics import Metrics
from bot.services.factory import build_services
from tests.fakes.slack_api import FakeSlack
from tests.ops.conftest import ops_settings, samples, serving
from tests.slack.conftest import mention_envelope


@pytest.mark.parametrize("language", ["en", "de", "it"])
def test_a_full_queue_answers_busy_and_counts_it(
    fake: FakeSlack, tmp_path: Path, language: str
) -> None:
    metrics = Metrics()
    # One queued job fills the queue; no worker runs here, so it stays full.
    settings = ops_settings(
        fake.api_url,
        tmp_path,
        COACH_QUEUE_MAX_BACKLOG=1,
        COACH_QUEUE_RUN_JOBS=False,
        COACH_LANGUAGE=language,
    )
    busy = text("busy", language)
    with serving(fake, settings, build_services(settings, metrics=metrics)) as app:
        first = app.command("ask is social media free?")
        assert first.status == 200 and first.body == ""  # queued: a plain ack
        second = app.command("ask is social media free?")
        assert second.status == 200
        assert busy in second.json()["text"] and second.json()["response_type"] == "ephemeral"

        envelope = mention_envelope("<@UBOT> ask is it free?", thread_ts="1700000000.000001")
        assert app.event(envelope).status == 200
        (notice,) = fake.wait_for("chat.postMessage")
        assert busy in notice.all_text() and notice["thread_ts"] == "1700000000.000001"
        assert app.deps.jobs.backlog() == 1  # the refused requests were not queued

    found = samples(metrics)
    assert found[("coach_jobs_total", (("outcome", "busy"),))] == 2
    assert found[("coach_jobs_total", (("outcome", "queued"),))] == 1


def test_busy_is_said_in_every_language() -> None:
    phrases = {language: text("busy", language) for language in ("en", "de", "it")}
    assert len(set(phrases.values())) == 3
    assert all("minute" in phrase.lower() or "minuto" in phrase for phrase in phrases.values())
