"""Reading the model's JSON: strict first, then tolerant (code fences, prose around the object),
and, while streaming, the growing value of one string field.
"""

from __future__ import annotations

import json
from typing import TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import from_json

from bot.llm.errors import LLMOutputError

M = TypeVar("M", bound=BaseModel)


def parse_reply(content: str, model: type[M]) -> M:
    """The reply as `model`, or `LLMOutputError` naming what is wrong (never the content)."""
    try:
        return model.model_validate_json(content)
    except ValidationError:
        pass  # json_object mode and weaker servers wrap the object in fences or prose
    value = first_json_object(content)
    try:
        return model.model_validate(value)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "reply"
        raise LLMOutputError(
            f"the reply does not match the schema at {where}: {first['msg']}"
        ) from exc


def first_json_object(text: str) -> object:
    """The first complete JSON object in `text`."""
    decoder = json.JSONDecoder()
    start = text.find("{")
    while start != -1:
        try:
            value, _ = decoder.raw_decode(text, start)
        except json.JSONDecodeError:
            start = text.find("{", start + 1)
            continue
        if isinstance(value, dict):
            return value
        start = text.find("{", start + 1)
    raise LLMOutputError("the reply contains no JSON object")


class FieldFollower:
    """Follows one string field of a JSON object that arrives in pieces."""

    def __init__(self, field: str) -> None:
        self.field = field
        self._content: list[str] = []
        self.value = ""

    @property
    def content(self) -> str:
        return "".join(self._content)

    def feed(self, piece: str) -> str:
        """Add a piece of the reply; return the field's value so far."""
        self._content.append(piece)
        text = self.content
        start = text.find("{")
        if start == -1:
            return self.value
        try:
            snapshot = from_json(text[start:], allow_partial="trailing-strings")
        except ValueError:
            return self.value  # not parseable yet (or never): keep what we had
        value = snapshot.get(self.field) if isinstance(snapshot, dict) else None
        if isinstance(value, str) and value.startswith(self.value):
            self.value = value
        return self.value
