"""Fuzzing the HTTP endpoint: malformed, truncated and wrongly-typed bodies, signed and
unsigned, into the real served app. Every answer is a 2xx or a 4xx — never a 500 — and comes
within seconds; afterwards the app still serves. Counts are fixed and derandomized.

Seeds are Slack's real payload shapes (tests/slack/payloads); every URL in them, and any the
fuzzer makes up, is pointed at the fake Slack server, so no request leaves loopback.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import socket
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.observability.metrics import Metrics
from bot.slack.blocks import CHECK_MODAL, DRAFT_ACTION, DRAFT_BLOCK
from tests.ops.conftest import samples
from tests.slack.conftest import PAYLOADS, Harness, load

REPLY_SECONDS = 5.0  # far above an ack's few milliseconds; a hang would blow it
FORM = "application/x-www-form-urlencoded"
JSON_TYPE = "application/json"
SEEDS = [
    "app_mention_event.json",
    "assistant_thread_started_event.json",
    "assistant_user_message_event.json",
    "block_actions.json",
    "message_shortcut.json",
    "url_verification.json",
    "view_submission.json",
]
COMMAND = (PAYLOADS / "slash_command.form.txt").read_text().strip()
COMMAND_TEXT = st.sampled_from(["ask is it free?", "check no budget needed", "traps", "help", ""])

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=12,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*prefix, index))
    return found


def _set(value: Any, path: tuple[Any, ...], new: Any, delete: bool) -> None:
    *parents, last = path
    for step in parents:
        value = value[step]
    if delete and isinstance(value, dict):
        del value[last]
    else:
        value[last] = new


def _local(value: Any, url: str) -> Any:
    """Every string that looks like a URL now points at the fake (a response_url above all)."""
    if isinstance(value, dict):
        return {k: _local(v, url) for k, v in value.items()}
    if isinstance(value, list):
        return [_local(v, url) for v in value]
    if isinstance(value, str) and ("://" in value or value.startswith("//")):
        return url
    return value


def seed(name: str) -> dict[str, Any]:
    """Slack's payload shape, with the coach's own ids so that it reaches a listener."""
    payload = load(name)
    if payload.get("type") == "message_action":
        payload["callback_id"] = "check_message"
    elif payload.get("type") == "view_submission":
        view = payload["view"]
        view["callback_id"] = CHECK_MODAL
        view["private_metadata"] = json.dumps({"channel": "C111", "response_url": "x://fake"})
        view["state"] = {
            "values": {DRAFT_BLOCK: {DRAFT_ACTION: {"value": "Social media is free."}}}
        }
    elif payload.get("type") == "block_actions":
        payload["actions"][0]["action_id"] = "coach_share"
        payload["actions"][0]["value"] = json.dumps({"k": "answer", "r": "x", "l": "de", "t": [5]})
    elif payload.get("type") == "event_callback" and payload["event"].get("type") == "app_mention":
        payload["event"]["text"] = "<@UBOT> check this: social media is free"
    return payload


@st.composite
def mutated(draw: st.DrawFn) -> Any:
    """A real payload with a few fields deleted or replaced by values of any type."""
    payload = seed(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 4))):
        paths = _paths(payload)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        _set(payload, path, draw(JSON_VALUES), delete=draw(st.booleans()))
    return payload


@st.composite
def requests(draw: st.DrawFn, url: str) -> tuple[bytes, str, bool]:
    """(body, content type, signed?)"""
    shape = draw(
        st.sampled_from(["mutated-json", "mutated-form", "command", "json", "bytes", "truncated"])
    )
    if shape == "mutated-json":
        body, kind = json.dumps(_local(draw(mutated()), url)), JSON_TYPE
    elif shape == "mutated-form":
        body, kind = "payload=" + quote(json.dumps(_local(draw(mutated()), url))), FORM
    elif shape == "command":
        fields = dict(pair.split("=", 1) for pair in COMMAND.split("&"))
        fields |= {"command": "/coach", "response_url": url, "text": draw(COMMAND_TEXT)}
        for key in draw(st.lists(st.sampled_from(sorted(fields)), max_size=3)):
            fields[key] = draw(st.text(max_size=40).filter(lambda t: "://" not in t))
        body, kind = urlencode(fields), FORM
    elif shape == "json":
        body, kind = json.dumps(_local(draw(JSON_VALUES), url)), JSON_TYPE
    elif shape == "truncated":
        whole = json.dumps(_local(seed(draw(st.sampled_from(SEEDS))), url))
        body, kind = whole[: draw(st.integers(0, len(whole) - 1))], JSON_TYPE
    else:
        raw = draw(st.binary(max_size=600))
        kind = draw(st.sampled_from([JSON_TYPE, FORM, "text/plain", "", "multipart/form-data"]))
        return raw, kind, draw(st.booleans())
    # Mostly signed: unsigned bodies stop at the signature check. (Hypothesis draws small
    # integers most often, so "== 9" is the rare case.)
    return body.encode("utf-8"), kind, draw(st.integers(0, 9)) != 9


def sign(raw: bytes, secret: str) -> dict[str, str]:
    """Slack's v0 signature over the raw bytes (also bytes that are not UTF-8)."""
    stamp = str(int(time.time()))
    digest = hmac.new(secret.encode(), b"v0:" + stamp.encode() + b":" + raw, hashlib.sha256)
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": "v0=" + digest.hexdigest()}


def send(app: Harness, raw: bytes, content_type: str, signed: bool) -> int:
    headers = {"Content-Type": content_type} if content_type else {}
    if signed:
        headers |= sign(raw, app.secret)
    connection = http.client.HTTPConnection("127.0.0.1", app.port, timeout=REPLY_SECONDS)
    started = time.monotonic()
    try:
        connection.request("POST", "/slack/events", body=raw, headers=headers)
        response = connection.getresponse()
        response.read()
    finally:
        connection.close()
    assert time.monotonic() - started < REPLY_SECONDS
    return response.status


def fuzz(app: Harness, metrics: Metrics) -> Callable[..., None]:
    statuses: dict[int, int] = {}
    url = app.fake.response_url("fuzz")

    @settings(
        max_examples=400,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(requests(url))
    def run(case: tuple[bytes, str, bool]) -> None:
        status = send(app, *case)
        statuses[status] = statuses.get(status, 0) + 1
        assert status < 500, case

    def check() -> None:
        run()
        assert sum(statuses.values()) == 400
        assert {200, 400, 401} <= set(statuses), statuses  # every path was reached
        errors = [
            v for (name, labels), v in samples(metrics).items() if ("outcome", "error") in labels
        ]
        assert not any(errors)

    return check


UNEXPECTED = ("slow listener work failed", "listener failed before its ack")


def test_no_body_gets_a_500_or_a_hang(
    observed: Harness, metrics: Metrics, caplog: pytest.LogCaptureFixture
) -> None:
    fuzz(observed, metrics)()
    assert observed.get("/healthz").status == 200
    assert observed.command("help").status == 200
    observed.fake.wait_quiet()
    # Bad payloads are refused or answered inside the listeners' error boundary; none may
    # reach the last-resort handlers (those are for bugs).
    assert not [r for r in caplog.records if any(u in r.getMessage() for u in UNEXPECTED)]


def test_a_body_shorter_than_its_content_length_does_not_hold_the_server(
    observed: Harness,
) -> None:
    body = json.dumps(load("url_verification.json")).encode()
    with socket.create_connection(("127.0.0.1", observed.port), timeout=REPLY_SECONDS) as raw:
        head = (
            "POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body) + 500}\r\n\r\n"
        )
        raw.sendall(head.encode() + body)
        raw.shutdown(socket.SHUT_WR)  # the client gives up half-way
        answer = raw.recv(1024)
    assert answer == b"" or int(answer.split()[1]) < 500
    assert observed.event(load("url_verification.json")).status == 200


def test_a_bad_content_length_is_refused(observed: Harness) -> None:
    with socket.create_connection(("127.0.0.1", observed.port), timeout=REPLY_SECONDS) as raw:
        raw.sendall(b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: many\r\n\r\n{}")
        answer = raw.recv(1024)
    assert answer.split()[1] == b"400"


def test_the_fuzz_seeds_exist() -> None:
    assert all((PAYLOADS / name).is_file() for name in SEEDS)
    assert Path(PAYLOADS / "slash_command.form.txt").is_file()
