"""Reading the model's JSON strictly, then tolerantly; following a field while it streams."""

from __future__ import annotations

import itertools
import json

import pytest

from bot.llm.errors import LLMOutputError
from bot.llm.parsing import FieldFollower, first_json_object, parse_reply
from bot.llm.schemas import GroundedAnswer

GOOD = {"misconceptions": [1], "text": "Reply in public."}


@pytest.mark.parametrize(
    "content",
    [
        json.dumps(GOOD),
        f"```json\n{json.dumps(GOOD)}\n```",
        f"Here you go: {json.dumps(GOOD)} Hope it helps {{not json}}",
        f"{{broken {json.dumps(GOOD)}",
    ],
)
def test_reads_the_first_json_object(content: str) -> None:
    assert parse_reply(content, GroundedAnswer) == GroundedAnswer(**GOOD)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"misconceptions": [1], "text": ', "no JSON object"),
        ("no json here", "no JSON object"),
        ('{"misconceptions": "one", "text": "x"}', "misconceptions"),
        ('{"text": "secret draft words"}', "misconceptions"),
        ('{"misconceptions": [], "text": "x", "extra": 1}', "extra"),
    ],
)
def test_unusable_replies_raise_without_echoing_content(content: str, message: str) -> None:
    with pytest.raises(LLMOutputError, match=message) as raised:
        parse_reply(content, GroundedAnswer)
    assert "secret" not in str(raised.value)


def test_first_json_object_skips_arrays_and_scalars() -> None:
    assert first_json_object('[1, 2] 3 {"a": {"b": 1}}') == {"a": {"b": 1}}


def test_field_follower_grows_with_the_stream() -> None:
    content = json.dumps({"misconceptions": [2], "text": 'Say "hi" —\nthen listen.'})
    follower = FieldFollower("text")
    seen = [follower.feed(content[i : i + 3]) for i in range(0, len(content), 3)]
    assert seen[-1] == 'Say "hi" —\nthen listen.'
    assert all(b.startswith(a) for a, b in itertools.pairwise(seen))
    assert follower.content == content
