"""HTTP mode: Bolt's single endpoint POST /slack/events (events, commands, interactivity)
and GET /healthz, served by waitress.

Bolt's own WSGI adapter answers 500 to bodies it cannot decode or parse; this thin WSGI layer
answers those with 4xx first: a bad or missing signature 401 (as Bolt does), a body that is not
UTF-8, not JSON / form data, or not an object 400, a wrong content type 415, too big 413.
Everything well-formed goes to `App.dispatch` unchanged, except the mentions, DMs and /coach
commands that are only queued: the fast lane (bot/slack/fast_lane.py) queues and acks those.
"""

from __future__ import annotations

import contextlib
import json
import logging
import signal
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

import waitress
from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.oauth import OAuthFlow
from slack_sdk.signature import SignatureVerifier

from bot.config import Settings
from bot.observability.context import request_scope
from bot.runtime import settle
from bot.services.ack_pressure import AckPressure
from bot.services.factory import Services
from bot.services.scheduler import Publisher
from bot.services.worker_processes import SHUTDOWN_SECONDS, worker_processes
from bot.slack.app import SlackSetupError, build_app, build_deps, start_workers
from bot.slack.digest.scheduling import start_digest_scheduler
from bot.slack.fast_lane import FastLane, fast_lane
from bot.slack.observe import outcome, request_kind
from bot.slack.wellformed import bolt_request, slack_body
from bot.slack.work import Deps
from bot.storage.subscriptions import Platform

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIEnvironment

    from bot.observability.metrics import Metrics

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
KIND = "coach.kind"  # set in the WSGI environ once the payload's kind is known
# A 40,000-character message is at most 160 kB in UTF-8; view submissions carry the whole
# view (Slack caps views at 250 kB). 1 MiB leaves room and still bounds memory per request.
MAX_BODY_BYTES = 1 << 20
_TYPES = ("application/json", "application/x-www-form-urlencoded")
# Threads answering HTTP requests. An ack waits for its job's insert to commit, and acks
# waiting together share one commit (bot/storage/group_commit.py): with 8 threads a batch
# was at most 8 acks, and the commits' cost per ack doubled the serving process's CPU per
# request under a burst (docs/scaling.md, "HTTP threads"). The slow work is queued and run
# by the job workers, so these threads only ever wait for that commit.
HTTP_THREADS = 32
# Requests in flight from which the serving process counts as busy: its job workers then
# hold back (at most bot.services.ack_pressure.HOLD_SECONDS), so a burst's acks get the CPU.
# Steady load, even at 200 requests/s, averages well under one request in flight.
ACK_PRESSURE_THRESHOLD = 8


class SlackEndpoint:
    """The WSGI application."""

    def __init__(
        self,
        app: App,
        signing_secret: str,
        max_body: int = MAX_BODY_BYTES,
        *,
        metrics: Metrics | None = None,
        acks: AckPressure | None = None,
        fast_lane: FastLane | None = None,
    ) -> None:
        if not signing_secret:
            raise ValueError("a signing secret is required in HTTP mode")
        self.app = app
        self.verifier = SignatureVerifier(signing_secret)
        self.max_body = max_body
        self.metrics = metrics
        # Requests in flight, published to the job worker processes (bot/services/ack_pressure.py).
        self.acks = acks
        # Mentions, DMs and /coach commands that are only queued skip Bolt (fast_lane.py).
        self.fast_lane = fast_lane

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        # The request id binds every log line of this request, and of the work it hands to
        # the executor, together; a proxy's X-Request-Id is reused so both logs match.
        with request_scope(environ.get("HTTP_X_REQUEST_ID")) as request_id:
            started = time.perf_counter()
            acks = self.acks
            if acks is None:
                status, headers, body = self._route(environ)
            else:
                acks.enter()
                try:
                    status, headers, body = self._route(environ)
                finally:
                    acks.leave()
            payload = body.encode("utf-8")
            self._observe(environ, status, started)
            start_response(
                status,
                [*headers, ("Content-Length", str(len(payload))), ("X-Request-Id", request_id)],
            )
            return [payload]

    def _observe(self, environ: WSGIEnvironment, status: str, started: float) -> None:
        if environ.get("PATH_INFO") != EVENTS_PATH:
            return  # health checks and scrapes are not Slack requests
        code = int(status.split(" ", 1)[0])
        kind = environ.get(KIND) or ("unverified" if code == 401 else "unreadable")
        if code >= 400:
            log.info("refused a Slack request: HTTP %s (%s)", code, kind)
        if self.metrics is not None:
            self.metrics.request(kind, outcome(code), time.perf_counter() - started)

    def _route(self, environ: WSGIEnvironment) -> tuple[str, list[tuple[str, str]], str]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "GET")
        if path == HEALTH_PATH and method in {"GET", "HEAD"}:
            return "200 OK", [("Content-Type", "text/plain; charset=utf-8")], "ok"
        flow = self.app.oauth_flow  # multi-workspace mode: "Add to Slack" and its callback
        if flow is not None and method == "GET" and path in _oauth_paths(flow):
            return self._oauth(environ, path)
        if path != EVENTS_PATH:
            return _error(404, "not found")
        if method != "POST":
            return _error(405, "use POST")
        return self._slack(environ)

    def _slack(self, environ: WSGIEnvironment) -> tuple[str, list[tuple[str, str]], str]:
        raw = _read(environ, self.max_body)
        if isinstance(raw, int):
            return _error(raw, "bad body")
        headers = _headers(environ)
        refused = self._refuse(raw, headers)
        if refused is not None:
            return refused
        text = raw.decode("utf-8")  # _refuse checked that it decodes
        body = slack_body(text, headers)
        if body is None:
            return _error(400, "the body is not a Slack payload")
        environ[KIND] = request_kind(body)
        if self.fast_lane is not None:
            quick = self.fast_lane.handle(body, headers)
            if quick is not None:
                return _from_bolt(quick)
        # Everything else goes through Bolt, whose request parses the body again (the fast
        # lane's requests, nearly all of a burst, are spared Bolt's request and context).
        request = bolt_request(text, headers)
        if request is None:
            return _error(400, "the body is not a Slack payload")
        return _from_bolt(self.app.dispatch(request))

    def _oauth(self, environ: WSGIEnvironment, path: str) -> tuple[str, list[tuple[str, str]], str]:
        flow = self.app.oauth_flow
        assert flow is not None
        query = str(environ.get("QUERY_STRING") or "")
        request = BoltRequest(body="", query=query, headers=_headers(environ))
        if path == flow.install_path:
            return _from_bolt(flow.handle_installation(request))
        return _from_bolt(flow.handle_callback(request))

    def _refuse(
        self, raw: bytes, headers: dict[str, str | Sequence[str]]
    ) -> tuple[str, list[tuple[str, str]], str] | None:
        """401 for a missing or bad signature or a stale timestamp, 4xx for an unreadable body."""
        timestamp, signature = (
            headers.get("x-slack-request-timestamp"),
            headers.get("x-slack-signature"),
        )
        if (
            not isinstance(timestamp, str)
            or not timestamp.isdigit()
            or not isinstance(signature, str)
        ):
            return _error(401, "invalid request")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return _error(400, "the body is not UTF-8")
        if not self.verifier.is_valid(text, timestamp, signature):
            return _error(401, "invalid request")
        if _content_type(headers) not in _TYPES:
            return _error(415, "expected JSON or form data")
        return None


def _oauth_paths(flow: OAuthFlow) -> tuple[str, str]:
    return flow.install_path, flow.redirect_uri_path


def _read(environ: WSGIEnvironment, limit: int) -> bytes | int:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 400
    if length > limit:
        return 413
    stream = environ.get("wsgi.input")
    return stream.read(length) if stream is not None and length > 0 else b""


def _content_type(headers: dict[str, str | Sequence[str]]) -> str:
    return str(headers.get("content-type", "")).split(";")[0].strip().lower()


def _headers(environ: WSGIEnvironment) -> dict[str, str | Sequence[str]]:
    headers: dict[str, str | Sequence[str]] = {
        k[5:].lower().replace("_", "-"): str(v) for k, v in environ.items() if k.startswith("HTTP_")
    }
    for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        if environ.get(key):
            headers[key.lower().replace("_", "-")] = str(environ[key])
    return headers


def _from_bolt(response: BoltResponse) -> tuple[str, list[tuple[str, str]], str]:
    headers = [
        (k, v)
        for k, values in response.headers.items()
        if k.lower() != "content-length"
        for v in values
    ]
    return _status(response.status), headers, response.body


def _error(code: int, message: str) -> tuple[str, list[tuple[str, str]], str]:
    # X-Slack-No-Retry: a request that was refused once will be refused again.
    headers = [("Content-Type", "application/json"), ("X-Slack-No-Retry", "1")]
    return _status(code), headers, json.dumps({"error": message})


def _status(code: int) -> str:
    return f"{code} {HTTPStatus(code).phrase}"


def create_server(
    endpoint: SlackEndpoint, host: str, port: int, threads: int = HTTP_THREADS
) -> Any:
    """A waitress server, bound but not yet serving: `.run()` serves, `.close()` stops."""
    return waitress.create_server(endpoint, host=host, port=port, threads=threads, ident="coach")


class BackgroundServer:
    """A waitress server on its own thread (tests and the benchmark); `stop` is clean."""

    def __init__(self, server: Any) -> None:
        self.server = server
        self.port = int(server.effective_port)
        self._thread = threading.Thread(target=server.run, name="coach-http", daemon=True)

    def start(self) -> BackgroundServer:
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        # waitress's loop owns its sockets: close them from inside the loop, or it trips over
        # a descriptor closed under its feet.
        server = self.server

        def close_all() -> None:
            for channel in list(server._map.values()):
                if channel is not server and channel is not server.trigger:
                    channel.close()
            server.close()

        # OSError: the loop was already awake (a response had just pulled the trigger) and ran
        # `close_all` between the thunk being queued and the byte being written; the trigger
        # it closed is the proof that the work is done.
        with contextlib.suppress(OSError):
            server.trigger.pull_trigger(close_all)
        self._thread.join(timeout)
        server.task_dispatcher.shutdown()


def endpoint_for(settings: Settings, services: Services) -> tuple[SlackEndpoint, Deps]:
    if settings.slack_signing_secret is None:
        raise SlackSetupError(
            "SLACK_SIGNING_SECRET is not set; HTTP mode needs it to verify requests"
        )
    deps = build_deps(settings, services)
    app = build_app(settings, deps)
    start_workers(settings, deps)
    secret = settings.slack_signing_secret.get_secret_value()
    # Job worker processes (the default) hold back while the acks are busy; threads inside
    # this process have no such signal (they share its interpreter lock anyway).
    workers_apart = settings.queue_run_jobs and settings.queue_processes > 0
    acks = AckPressure(ACK_PRESSURE_THRESHOLD) if workers_apart else None
    endpoint = SlackEndpoint(
        app, secret, metrics=services.metrics, acks=acks, fast_lane=fast_lane(app, deps)
    )
    return endpoint, deps


def serve(
    settings: Settings,
    services: Services,
    host: str,
    digest_publishers: Mapping[Platform, Publisher] | None = None,
) -> None:
    """Serve until SIGTERM or Ctrl-C; then finish the jobs being run. Jobs still queued stay
    in the queue for the other replicas, or for this one when it is back.

    `digest_publishers`: the other platforms' (Teams) for the one digest scheduler."""
    endpoint, deps = endpoint_for(settings, services)
    try:
        server = create_server(endpoint, host, settings.port)
    except OSError as exc:  # the port is taken, or a privileged port without the right
        raise SlackSetupError(
            f"cannot listen on {host}:{settings.port} ({exc.strerror or exc}); "
            "set PORT to a free port"
        ) from exc
    log.info("serving Slack on http://%s:%s%s", host, server.effective_port, EVENTS_PATH)
    scheduler = start_digest_scheduler(settings, deps, digest_publishers)
    children = worker_processes(settings, endpoint.acks)
    settle()
    # waitress stops on KeyboardInterrupt; SIGTERM (docker stop, Kubernetes) should too.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        server.run()
    finally:
        log.info("stopping: finishing the replies in progress")
        if scheduler is not None:
            scheduler.stop()  # a digest being posted finishes, or its lease hands it over
        if children is not None:
            children.stop()  # each finishes the jobs it is running
        if endpoint.acks is not None:
            endpoint.acks.close()
        deps.shutdown(SHUTDOWN_SECONDS)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
