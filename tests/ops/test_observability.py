"""Structured logs, request ids and metrics, as an operator reads them."""

from __future__ import annotations

import gc
import io
import json
import logging
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from bot import __version__
from bot.observability.context import (
    NO_REQUEST,
    carried,
    current_request_id,
    new_request_id,
    request_scope,
)
from bot.observability.logs import component, configure_logging, redact
from bot.observability.metrics import Metrics
from bot.runtime import settle
from tests.ops.conftest import samples

pytestmark = pytest.mark.usefixtures("restore_logging")


def test_a_request_scope_binds_an_id_and_forgets_it_afterwards() -> None:
    assert current_request_id() == NO_REQUEST
    with request_scope() as first:
        assert current_request_id() == first and len(first) == 16
    assert current_request_id() == NO_REQUEST
    with request_scope("nginx-3f2a9c0d11") as proxied:
        assert proxied == "nginx-3f2a9c0d11"
    with request_scope("evil\nINFO forged line") as replaced:
        assert "\n" not in replaced and replaced != "evil\nINFO forged line"


def test_the_request_id_travels_to_worker_threads() -> None:
    seen: list[str] = []
    with ThreadPoolExecutor(1) as pool, request_scope() as rid:
        pool.submit(carried(lambda: seen.append(current_request_id()))).result()
        pool.submit(lambda: seen.append(current_request_id())).result()  # not carried
    assert seen == [rid, NO_REQUEST]


def test_json_logs_are_one_object_per_line_with_the_request_id() -> None:
    out = io.StringIO()
    configure_logging("INFO", "json", stream=out)
    log = logging.getLogger("bot.slack.work")
    with request_scope() as rid:
        log.info("replied to %s", "a mention")
        worker = threading.Thread(target=carried(lambda: log.warning("from a worker")))
        worker.start()
        worker.join()
    try:
        raise ValueError("boom")
    except ValueError:
        log.exception("failed")
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [line["message"] for line in lines] == [
        "replied to a mention",
        "from a worker",
        "failed",
    ]
    assert [line["request_id"] for line in lines] == [rid, rid, NO_REQUEST]
    assert lines[0]["level"] == "INFO" and lines[0]["logger"] == "bot.slack.work"
    assert "time" in lines[0] and "ValueError: boom" in lines[2]["exc_info"]


def test_text_logs_are_readable_lines() -> None:
    out = io.StringIO()
    configure_logging("INFO", "text", stream=out)
    with request_scope("abcdef0123456789"):
        logging.getLogger("bot.llm").info("llm answer ok")
    line = out.getvalue().strip()
    assert line.endswith("INFO    bot.llm [abcdef0123456789] llm answer ok")


def test_auto_format_is_json_when_not_a_terminal() -> None:
    out = io.StringIO()  # not a TTY, like a container's stderr
    configure_logging("INFO", "auto", stream=out)
    logging.getLogger("bot").info("hello")
    assert json.loads(out.getvalue())["message"] == "hello"


@pytest.mark.parametrize(
    "secret",
    [
        "xoxb-1234567890-0987654321-AbCdEfGhIjKl",
        "xapp-1-A111-222-abcdef",
        "sk-proj-abcdefghijklmnop",
        "Bearer abcdefghijklmnop.qrs",
        "token=abc123def",
    ],
)
def test_secrets_are_masked_in_every_line(secret: str) -> None:
    out = io.StringIO()
    configure_logging("INFO", "json", stream=out)
    logging.getLogger("slack_sdk.web").error("call failed with %s in it", secret)
    assert secret not in out.getvalue() and "[redacted]" in out.getvalue()
    assert redact(f"x {secret} y") == "x [redacted] y"


def test_debug_is_for_our_code_only_libraries_stay_at_info() -> None:
    out = io.StringIO()
    configure_logging("DEBUG", "text", stream=out)
    logging.getLogger("bot.slack.app").debug("ours")
    logging.getLogger("slack_sdk.web.base_client").debug("Sending a request - body: secret text")
    logging.getLogger("httpx").info("HTTP Request: POST https://api.openai.com/v1/chat")
    assert "ours" in out.getvalue()
    assert "secret text" not in out.getvalue() and "HTTP Request" not in out.getvalue()


def test_warnings_and_errors_are_counted_per_component() -> None:
    metrics = Metrics()
    configure_logging("INFO", "json", stream=io.StringIO(), metrics=metrics)
    logging.getLogger("bot.slack.work").exception("a Slack listener failed")
    logging.getLogger("bot.llm.openai_compat").warning("llm answer unavailable")
    logging.getLogger("bot.llm.retry").info("not counted")
    found = samples(metrics)
    assert found[("coach_log_events_total", (("component", "slack"), ("level", "error")))] == 1
    assert found[("coach_log_events_total", (("component", "llm"), ("level", "warning")))] == 1
    assert component("waitress.queue") == "waitress"


def test_metrics_start_at_zero_and_keep_labels_bounded() -> None:
    metrics = Metrics(engine="llm")
    found = samples(metrics)
    for number in range(1, 6):
        assert found[("coach_traps_flagged_total", (("number", str(number)),))] == 0
    assert found[("coach_digests_total", (("outcome", "failed"),))] == 0
    assert found[("coach_build_info", (("engine", "llm"), ("version", __version__)))] == 1
    metrics.request("command", "ok", 0.012)
    metrics.slack_api_error("chat.postMessage\nX", "rate limited!")  # never from users, but…
    metrics.llm_tokens_used("answer", 120, None)
    found = samples(metrics)
    assert found[("coach_requests_total", (("kind", "command"), ("outcome", "ok")))] == 1
    assert found[("coach_ack_seconds_bucket", (("kind", "command"), ("le", "0.025")))] == 1
    assert found[("coach_slack_api_errors_total", (("method", "other"), ("reason", "other")))] == 1
    assert found[("coach_llm_tokens_total", (("task", "answer"), ("type", "prompt")))] == 120
    assert ("coach_llm_tokens_total", (("task", "answer"), ("type", "completion"))) not in found


def test_request_ids_are_distinct_and_look_alike() -> None:
    ids = [new_request_id() for _ in range(10_000)]
    assert len(set(ids)) == len(ids)
    assert all(len(rid) == 16 and int(rid, 16) >= 0 for rid in ids)


def test_settling_moves_the_start_up_heap_out_of_the_collector() -> None:
    gc.unfreeze()
    try:
        settle()
        assert gc.get_freeze_count() > 1000
    finally:
        gc.unfreeze()
