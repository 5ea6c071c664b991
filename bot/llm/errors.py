"""What can go wrong at the LLM boundary. Services catch `LLMError` and answer offline instead.

These are not `CoachError`s: the user did nothing wrong, and no transport ever shows them — the
reply comes from the offline engine with a discreet note.
"""

from __future__ import annotations


class LLMError(Exception):
    """The LLM could not give a usable result for this request."""

    reason = "error"  # a metrics label: why the offline engine answered instead


class LLMUnavailableError(LLMError):
    """Timeouts, connection errors, rate limits and 5xx that outlasted the retries or deadline."""

    reason = "unavailable"


class LLMRejectedError(LLMError):
    """The server refused the request (400/401/403/404/422): retrying cannot help."""

    reason = "rejected"

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class LLMOutputError(LLMError):
    """The reply was not the JSON we asked for (malformed, truncated or off-schema)."""

    reason = "output"


class LLMGroundingError(LLMError):
    """The reply parsed, but nothing in it survived the checks against the draft and knowledge."""

    reason = "grounding"


class LLMBudgetError(LLMError):
    """The prompt's fixed part leaves too little room for the user's text."""

    reason = "budget"
