"""What the model must return, as pydantic models; their JSON schema goes to the server.

The schemas follow OpenAI's strict structured-output rules (every property required, no extra
properties, no defaults), which llama.cpp, vLLM and Ollama accept as well. Values the schema
cannot express (a quote that really is in the draft, a real misconception number) are checked
afterwards in `grounding.py`.
"""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from bot.models import TRAP_NUMBERS

# The schema lists the valid numbers so grammar-constrained servers cannot emit others; parsing
# accepts any int so that one bad number drops one item (in grounding), not the whole reply.
Number = Annotated[int, Field(json_schema_extra={"enum": list(TRAP_NUMBERS)})]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DraftFinding(_Strict):
    number: Number
    evidence: str  # copied character for character from the draft
    why: str
    rewrite: str
    confidence: float


class DraftReview(_Strict):
    findings: list[DraftFinding]


class GroundedAnswer(_Strict):
    # The numbers come first so the model commits to its sources before it writes.
    misconceptions: list[Number]
    text: str


@cache
def strict_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON schema, with titles removed (they only cost tokens)."""
    schema: dict[str, Any] = _without_titles(model.model_json_schema())
    return schema


def _without_titles(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            k: _without_titles(v)
            for k, v in node.items()
            if not (k == "title" and isinstance(v, str))
        }
    if isinstance(node, list):
        return [_without_titles(v) for v in node]
    return node
