"""Errors the core raises on purpose; each transport turns them into a friendly message."""


class CoachError(Exception):
    """Base class: a problem the user or operator can act on (never a bug)."""


class EmptyInput(CoachError):
    """There is no text to check or no question to answer."""


class InputTooLong(CoachError):
    """The text is over the limit (Slack's own message limit is 40,000 characters)."""

    def __init__(self, length: int, limit: int) -> None:
        super().__init__(f"the text has {length:,} characters; the limit is {limit:,}")
        self.length = length
        self.limit = limit
