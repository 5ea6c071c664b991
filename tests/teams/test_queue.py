"""Teams messages through the reply queue: acked at once, answered by a worker through the
connector, once per job even when a job is run again, and a polite "busy" past the backlog
bound. The real endpoint with signed activities, the queue on SQLite, the fake connector.

The servers here start with COACH_QUEUE_RUN_JOBS=false, so that the test decides when the
workers start (`deps.jobs.start`) and can look at the queue in between."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.i18n import text
from bot.services.factory import Services
from bot.services.jobs import MAX_ATTEMPTS, RUN, Job
from bot.storage.db import Database
from bot.teams import jobs as teams_jobs
from bot.teams.deps import TeamsDeps
from bot.teams.runner import TeamsServer
from tests.fakes.bot_connector import FakeBotConnector
from tests.fakes.teams_auth import TeamsAuth
from tests.teams.conftest import TeamsClient, start_server, teams_settings

PERSONAL = "02-message-personal.json"


@pytest.fixture
def parked(
    tmp_path: Path,
    services: Services,
    sqlite_database: Database,
    auth: TeamsAuth,
    connector: FakeBotConnector,
    request: pytest.FixtureRequest,
) -> Iterator[TeamsClient]:
    """An endpoint whose queued replies wait until the test starts the workers."""
    overrides: dict[str, Any] = getattr(request, "param", {})
    settings = teams_settings(COACH_DATA_DIR=str(tmp_path), COACH_QUEUE_RUN_JOBS=False, **overrides)
    server: TeamsServer = start_server(settings, services, sqlite_database)
    try:
        yield TeamsClient(server, auth, connector)
    finally:
        server.stop()


def deps_of(teams: TeamsClient) -> TeamsDeps:
    return teams.server.endpoint.teams.deps


def jobs_counted(teams: TeamsClient, outcome: str) -> float:
    """coach_jobs_total for `outcome` (the services, and so the metrics, are session-wide)."""
    pattern = rf'^coach_jobs_total\{{outcome="{outcome}"\}} (\S+)$'
    found = re.search(pattern, teams.metrics_text(), re.MULTILINE)
    return float(found.group(1)) if found else 0.0


def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "waited in vain"
        time.sleep(0.05)


def queued_payloads(deps: TeamsDeps) -> list[str]:
    return [task.args[0] for task in deps.jobs.huey.pending()]


def test_a_message_is_acked_at_once_and_answered_by_a_worker(parked: TeamsClient) -> None:
    deps = deps_of(parked)
    activity = parked.activity(PERSONAL, text="Is social media free?")
    assert parked.post(activity).status == 202
    parked.connector.wait_quiet(0.3)
    assert parked.connector.sent() == []  # nothing is answered inside the request
    assert parked.post(activity).status == 202  # Teams re-delivers it: not queued again
    [payload] = queued_payloads(deps)
    job = Job.model_validate_json(payload)
    assert job.kind == "teams.message" and job.data["said"] == "Is social media free?"

    deps.jobs.start(2)
    [call] = parked.connector.wait_for(1)
    assert call.reply_to == activity["id"]  # a reply to the message, as inside a turn
    assert call.conversation == activity["conversation"]["id"]
    assert "Source" in call.all_text()
    assert call.headers["authorization"] == "Bearer fake-outbound-token"
    parked.connector.wait_quiet(0.3)
    assert len(parked.connector.sent()) == 1


def test_a_job_run_again_after_its_worker_died_posts_once(parked: TeamsClient) -> None:
    deps = deps_of(parked)
    activity = parked.activity(PERSONAL, text="check this: Social media is free for us.")
    assert parked.post(activity).status == 202
    [payload] = queued_payloads(deps)
    recovered, done = jobs_counted(parked, "recovered"), jobs_counted(parked, "done")
    deps.jobs.start(2)
    parked.connector.wait_for(1)
    wait_until(lambda: jobs_counted(parked, "done") == done + 1)

    # As if the worker had died after posting but before it could clear its ledger entry.
    job = Job.model_validate_json(payload)
    deps.jobs.huey.put(RUN + job.id, json.dumps({"owner": "a-dead-worker", "job": payload}))
    assert deps.jobs.recover() == 1
    wait_until(lambda: jobs_counted(parked, "done") == done + 2)  # it ran a second time …
    assert jobs_counted(parked, "recovered") == recovered + 1
    parked.connector.wait_quiet(0.3)
    assert len(parked.connector.sent()) == 1  # … and did not post a second time


def test_a_passing_connector_outage_delays_the_reply_but_does_not_lose_it(
    parked: TeamsClient,
) -> None:
    """The connector answers 503 twice: the worker tries the post again, and it goes out once."""
    deps = deps_of(parked)
    activity = parked.activity(PERSONAL, text="Is social media free?")
    assert parked.post(activity).status == 202
    parked.connector.fail(503, times=2)
    deps.jobs.start(1)
    [call] = parked.connector.wait_for(1, timeout=30)
    assert [c.status for c in parked.connector.calls if c.is_activity][:2] == [503, 503]
    assert call.reply_to == activity["id"] and "Source" in call.all_text()
    parked.connector.wait_quiet(0.5)
    assert len(parked.connector.sent()) == 1


def test_a_post_the_connector_never_answers_is_given_up_and_sent_again(
    parked: TeamsClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker thread must not wait for ever on a post: past POST_TIMEOUT it is cancelled and
    counts as a passing failure. The connector may have taken the first one (Teams gives no
    way to look), so the user can get the card twice, never none."""
    monkeypatch.setattr(teams_jobs, "POST_TIMEOUT", 0.5)
    deps = deps_of(parked)
    activity = parked.activity(PERSONAL, text="Is social media free?")
    assert parked.post(activity).status == 202
    done = jobs_counted(parked, "done")
    parked.connector.delay(3.0)  # the first post is taken but not answered in time
    deps.jobs.start(1)
    parked.connector.wait_for(1)
    parked.connector.delay(0.0)
    wait_until(lambda: jobs_counted(parked, "done") == done + 1, timeout=20)
    sent = parked.connector.sent()
    assert len(sent) == 2 and all(call.reply_to == activity["id"] for call in sent)


def test_a_job_that_keeps_failing_tells_the_user_once(parked: TeamsClient) -> None:
    deps = deps_of(parked)
    activity = parked.activity(PERSONAL, text="Is social media free?", locale="it-IT")
    assert parked.post(activity).status == 202
    [payload] = queued_payloads(deps)
    deps.jobs.huey.storage.flush_queue()
    last = Job.model_validate_json(payload).model_copy(update={"attempts": MAX_ATTEMPTS + 1})
    assert deps.jobs.submit(last)
    assert deps.jobs.submit(last)  # and the same job once more: still one notice
    deps.jobs.start(2)
    [call] = parked.connector.wait_for(1)
    assert call.reply_to == activity["id"]
    assert text("error", "it") in call.all_text()
    parked.connector.wait_quiet(0.3)
    assert len(parked.connector.sent()) == 1


@pytest.mark.parametrize("parked", [{"COACH_QUEUE_MAX_BACKLOG": 1}], indirect=True)
def test_past_the_backlog_bound_the_user_is_told_to_try_again(parked: TeamsClient) -> None:
    deps = deps_of(parked)
    busy = jobs_counted(parked, "busy")
    first = parked.activity(PERSONAL, text="Is social media free?", id="first")
    assert parked.post(first).status == 202
    parked.connector.wait_quiet(0.3)
    assert parked.connector.sent() == []  # queued

    second = parked.activity(PERSONAL, text="Is social media free?", id="second", locale="de-DE")
    assert parked.post(second).status == 202
    [call] = parked.connector.wait_for(1)  # at once, not from a worker
    assert call.reply_to == "second"
    assert text("busy", "de") in call.all_text()
    assert jobs_counted(parked, "busy") == busy + 1
    assert len(queued_payloads(deps)) == 1

    deps.jobs.start(2)
    calls = parked.connector.wait_for(2)
    assert calls[1].reply_to == "first" and "Source" in calls[1].all_text()
    # The refused message was not marked as handled: Teams' re-delivery gets its answer
    # (once the ack side sees room: it reads the backlog at most BACKLOG_CACHE_SECONDS late).
    wait_until(lambda: deps.jobs.backlog() == 0)
    assert parked.post(second).status == 202
    calls = parked.connector.wait_for(3)
    assert calls[2].reply_to == "second" and "Source" in calls[2].all_text()
