"""Prometheus metrics, served at GET /metrics on their own port (metrics_server.py).

One `Metrics` object is built at start-up and passed down (no import-time registry): the
transports count requests and Slack API errors, the services count tasks, fallbacks, refused
inputs and traps, the LLM client counts latency and tokens, and a logging handler counts
warnings and errors per component. Label values come from short fixed sets, never from user
input, so the number of series stays bounded.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    Info,
    generate_latest,
)

from bot import __version__
from bot.models import TRAP_NUMBERS

# Slack wants an ack within 3 seconds; the buckets are dense below that.
ACK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0)
LLM_BUCKETS = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0, 60.0)
TASKS = ("ask", "check")
DIGEST_OUTCOMES = ("posted", "failed")
JOB_OUTCOMES = ("queued", "done", "failed", "recovered", "gave_up", "busy")
_LABEL = re.compile(r"^[A-Za-z0-9_.:-]{1,48}$")


def _safe(value: str) -> str:
    """Label values are ours, but a surprise must not create unbounded series."""
    return value if _LABEL.match(value) else "other"


class Metrics:
    def __init__(self, registry: CollectorRegistry | None = None, engine: str = "offline") -> None:
        self.registry = registry or CollectorRegistry()
        Info("coach_build", "Version and engine of this process.", registry=self.registry).info(
            {"version": __version__, "engine": engine}
        )
        self._transport()
        self._services()
        self._llm()
        self._operations()
        self._request_children: dict[tuple[str, str], tuple[Any, Any]] = {}
        self._job_children: dict[str, Any] = {}
        self._zeroes()

    def _counter(self, name: str, doc: str, *labels: str) -> Counter:
        return Counter(name, doc, list(labels), registry=self.registry)

    def _transport(self) -> None:
        self.requests = self._counter(
            "coach_requests",
            "Slack and Teams requests by kind (command, app_mention, block_actions, …; Teams: "
            "teams.message, teams.invoke, …) and outcome (ok, unauthorized, forbidden, "
            "bad_request, too_large, unsupported_type, not_found, error).",
            "kind",
            "outcome",
        )
        self.ack_seconds = Histogram(
            "coach_ack_seconds",
            "Seconds from a Slack or Teams request's arrival to its HTTP answer (the ack).",
            ["kind"],
            buckets=ACK_BUCKETS,
            registry=self.registry,
        )
        self.slack_api_errors = self._counter(
            "coach_slack_api_errors",
            "Failed Slack Web API calls (each attempt), by method and reason.",
            "method",
            "reason",
        )

    def _services(self) -> None:
        self.tasks = self._counter(
            "coach_tasks",
            "Answers (ask) and reviews (check) given, by the engine that gave them.",
            "task",
            "engine",
        )
        self.refused = self._counter(
            "coach_inputs_refused",
            "Inputs refused with an explanation: empty or over the length limit.",
            "task",
            "reason",
        )
        self.fallbacks = self._counter(
            "coach_fallbacks",
            "LLM-path requests answered by the offline engine instead, by reason.",
            "task",
            "reason",
        )
        self.rate_limited = self._counter(
            "coach_rate_limited",
            "LLM-backed requests over the per-user or per-workspace limit.",
            "scope",
        )
        self.traps = self._counter(
            "coach_traps_flagged", "Traps flagged in reviews, by trap number (1-5).", "number"
        )

    def _llm(self) -> None:
        self.llm_seconds = Histogram(
            "coach_llm_request_seconds",
            "Seconds per LLM request (retries included), by task and outcome.",
            ["task", "outcome"],
            buckets=LLM_BUCKETS,
            registry=self.registry,
        )
        self.llm_tokens = self._counter(
            "coach_llm_tokens",
            "Tokens the LLM server reported, by task and type (prompt, completion).",
            "task",
            "type",
        )
        self.llm_retries = self._counter(
            "coach_llm_retries", "LLM attempts that failed transiently and were retried.", "task"
        )

    def _operations(self) -> None:
        self.log_events = self._counter(
            "coach_log_events",
            "Warnings and errors logged, by level and component (slack, llm, services, …).",
            "level",
            "component",
        )
        self.digests = self._counter(
            "coach_digests", "Weekly digests, by outcome (posted, failed, given_up).", "outcome"
        )
        self.usage_events = self._counter(
            "coach_usage_events",
            "Usage events for the digest: written at once, queued while the database was "
            "unavailable, or flushed once it was back.",
            "outcome",
        )
        self.jobs = self._counter(
            "coach_jobs",
            "Reply jobs by outcome: queued, done, failed, recovered (run again after a worker "
            "died), gave_up (the user was told), busy (refused past the backlog bound).",
            "outcome",
        )
        self.usage_pending = Gauge(
            "coach_usage_events_pending",
            "Usage events waiting to be written because the database was unavailable.",
            registry=self.registry,
        )

    def _zeroes(self) -> None:
        # Series that exist from the start, so rate() and alerts work before the first event.
        for number in TRAP_NUMBERS:
            self.traps.labels(str(number))
        for outcome in DIGEST_OUTCOMES:
            self.digests.labels(outcome)
        for outcome in ("written", "queued", "flushed"):
            self.usage_events.labels(outcome)
        for outcome in JOB_OUTCOMES:
            self.jobs.labels(outcome)
        for task in TASKS:
            for engine in ("offline", "llm"):
                self.tasks.labels(task, engine)

    # -- recording ----------------------------------------------------------------------------
    def request(self, kind: str, outcome: str, seconds: float) -> None:
        # On every ack: the labelled children are looked up once per (kind, outcome) and
        # kept, which halves the cost (both label sets are small and fixed).
        children = self._request_children.get((kind, outcome))
        if children is None:
            safe = _safe(kind)
            children = (self.requests.labels(safe, _safe(outcome)), self.ack_seconds.labels(safe))
            self._request_children[(kind, outcome)] = children
        children[0].inc()
        children[1].observe(seconds)

    def task(self, task: str, engine: str) -> None:
        self.tasks.labels(_safe(task), _safe(engine)).inc()

    def refused_input(self, task: str, reason: str) -> None:
        self.refused.labels(_safe(task), _safe(reason)).inc()

    def fallback(self, task: str, reason: str) -> None:
        self.fallbacks.labels(_safe(task), _safe(reason)).inc()

    def limited(self, scope: str) -> None:
        self.rate_limited.labels(_safe(scope)).inc()

    def flagged(self, numbers: Iterable[int]) -> None:
        for number in numbers:
            self.traps.labels(str(number)).inc()

    def llm_request(self, task: str, outcome: str, seconds: float) -> None:
        self.llm_seconds.labels(_safe(task), _safe(outcome)).observe(seconds)

    def llm_tokens_used(self, task: str, prompt: object, completion: object) -> None:
        """Token counts as the server reported them (some servers report none)."""
        for kind, count in (("prompt", prompt), ("completion", completion)):
            if isinstance(count, int) and count > 0:
                self.llm_tokens.labels(_safe(task), kind).inc(count)

    def llm_retry(self, task: str) -> None:
        self.llm_retries.labels(_safe(task)).inc()

    def slack_api_error(self, method: str, reason: str) -> None:
        self.slack_api_errors.labels(_safe(method), _safe(reason)).inc()

    def log_message(self, level: str, component: str) -> None:
        self.log_events.labels(_safe(level), _safe(component)).inc()

    def usage_event(self, outcome: str, amount: int = 1) -> None:
        self.usage_events.labels(_safe(outcome)).inc(amount)

    def digest(self, outcome: str, amount: int = 1) -> None:
        self.digests.labels(_safe(outcome)).inc(amount)

    # -- exposition ---------------------------------------------------------------------------
    def job(self, outcome: str) -> None:
        # On every ack ("queued"): the fixed outcomes' children were made by _zeroes.
        child = self._job_children.get(outcome)
        if child is None:
            child = self._job_children[outcome] = self.jobs.labels(_safe(outcome))
        child.inc()

    def render(self) -> tuple[bytes, str]:
        """The text exposition format and its content type."""
        return generate_latest(self.registry), CONTENT_TYPE_LATEST
