"""Structured logs: one JSON object per line in production, readable lines in a terminal.

Every line carries the request id (see `context.py`). What the coach logs is decided where it
logs — kinds, ids, sizes and timings, never a token or a message's text — and two guards back
that up here: secrets that look like tokens or keys are masked in every formatted line, and
third-party loggers stay at INFO or above whatever COACH_LOG_LEVEL says, because at DEBUG
slack_sdk, Bolt, openai and httpx print whole request bodies.
"""

from __future__ import annotations

import logging
import re
import sys
from typing import TYPE_CHECKING, Any, Literal, TextIO

from bot.observability.context import current_request_id

if TYPE_CHECKING:
    from bot.observability.metrics import Metrics

LogFormat = Literal["auto", "json", "text"]
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR"]

TEXT_FORMAT = "%(asctime)s %(levelname)-7s %(name)s [%(request_id)s] %(message)s"
JSON_FIELDS = ("asctime", "levelname", "name", "request_id", "message")
JSON_RENAMES = {"asctime": "time", "levelname": "level", "name": "logger"}
# Libraries whose DEBUG (and for httpx, INFO) output carries payloads, headers or noise.
LIBRARY_FLOORS = {
    "slack_sdk": logging.INFO,
    "slack_bolt": logging.INFO,
    "bot.slack.bolt": logging.INFO,  # Bolt's framework logger, as the app names it
    "openai": logging.INFO,
    "httpx": logging.WARNING,  # one INFO line per LLM request, with its URL
    "httpcore": logging.WARNING,
    "urllib3": logging.INFO,
    "waitress": logging.INFO,
    "websocket": logging.INFO,
    "huey": logging.WARNING,  # two INFO lines per job ("Executing …", "… executed in")
}
_SECRET = re.compile(
    r"\bxox[a-z]-[A-Za-z0-9-]+"  # Slack bot/user/refresh tokens
    r"|\bxapp-[A-Za-z0-9-]+"  # Slack app-level tokens
    r"|\bsk-[A-Za-z0-9_-]{8,}"  # OpenAI-style API keys
    r"|(?i:\bbearer\s+)[A-Za-z0-9._~+/=-]{8,}"
    r"|(?i:\b(?:api[_-]?key|token|password|secret)=)[^\s&\"']+"
)
REDACTED = "[redacted]"


# Substrings every secret pattern contains: lines without any (nearly all) skip the regex,
# which would otherwise cost more than formatting the line.
_TRIGGERS = ("xox", "xapp-", "sk-", "bearer", "key=", "token=", "password=", "secret=")


def redact(text: str) -> str:
    lowered = text.lower()
    if not any(trigger in lowered for trigger in _TRIGGERS):
        return text
    return _SECRET.sub(REDACTED, text)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def json_formatter() -> logging.Formatter:
    # Imported here: only servers log JSON, and `coach check` should not pay for the import.
    from pythonjsonlogger.json import JsonFormatter  # noqa: PLC0415

    class RedactingJsonFormatter(JsonFormatter):
        def format(self, record: logging.LogRecord) -> str:
            return redact(super().format(record))

    return RedactingJsonFormatter(
        list(JSON_FIELDS), rename_fields=JSON_RENAMES, datefmt="%Y-%m-%dT%H:%M:%S%z"
    )


class CountingHandler(logging.Handler):
    """Counts warnings and errors per component, so an alert can watch for them."""

    def __init__(self, metrics: Metrics) -> None:
        super().__init__(logging.WARNING)
        self.metrics = metrics

    def emit(self, record: logging.LogRecord) -> None:
        self.metrics.log_message(record.levelname.lower(), component(record.name))


def component(logger_name: str) -> str:
    """`bot.slack.work` → `slack`, `bot.llm.retry` → `llm`; other libraries by their top name."""
    parts = logger_name.split(".")
    if parts[0] == "bot" and len(parts) > 1:
        return parts[1]
    return parts[0] or "root"


def configure_logging(
    level: LogLevel = "INFO",
    log_format: LogFormat = "auto",
    *,
    stream: TextIO | None = None,
    metrics: Metrics | None = None,
) -> logging.Handler:
    """Replace the root handlers with one structured handler; returns it (tests read it)."""
    out: Any = stream or sys.stderr
    use_json = log_format == "json" or (log_format == "auto" and not _is_terminal(out))
    handler = logging.StreamHandler(out)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(json_formatter() if use_json else TextFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    if metrics is not None:
        root.addHandler(CountingHandler(metrics))
    numeric = logging.getLevelName(level)
    root.setLevel(numeric)
    for name, floor in LIBRARY_FLOORS.items():
        logging.getLogger(name).setLevel(max(numeric, floor))
    return handler


def _is_terminal(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False
