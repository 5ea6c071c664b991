"""Replies never notify people the user did not mention, streamed or not."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.llm.safety import defuse, settled

ZW = "\u200b"


@pytest.mark.parametrize(
    ("model_text", "user_text", "expected"),
    [
        ("Hi <!here>", "", f"Hi @{ZW}here"),
        (
            "Hi <!channel|channel> and <!everyone>",
            "<!channel>",
            f"Hi @{ZW}channel and @{ZW}everyone",
        ),
        ("Ask <@U123>", "thanks <@U123>", "Ask <@U123>"),
        ("Ask <@U999>", "thanks <@U123>", f"Ask @{ZW}user"),
        ("Ask <@U999|bob>", "", f"Ask @{ZW}bob"),
        ("Ping <!subteam^S1|@devs>", "", f"Ping @{ZW}devs"),
        ("Ping <!subteam^S1>", "", f"Ping @{ZW}group"),
        ("Hey @channel and @Here!", "", f"Hey @{ZW}channel and @{ZW}Here!"),
        (
            "mail me: anna@here.com, see <#C123|general>",
            "",
            "mail me: anna@here.com, see <#C123|general>",
        ),
    ],
)
def test_defuse(model_text: str, user_text: str, expected: str) -> None:
    assert defuse(model_text, user_text) == expected


MENTIONISH = st.text(alphabet="<>!@|^ UWS12abchernlyovt", max_size=60)
LIVE = re.compile(r"<!(?:here|channel|everyone)|(?<![\w@])@(?:here|channel|everyone)\b", re.I)


@settings(max_examples=300, deadline=None)
@given(MENTIONISH, MENTIONISH)
def test_no_broadcast_or_foreign_mention_survives(model_text: str, user_text: str) -> None:
    out = defuse(model_text, user_text)
    assert not LIVE.search(out)
    # Slack's mention syntax: <@ID>, <!name>, optionally |label; "<@ >" notifies nobody.
    for mention in re.findall(r"<[@!][^<>|\s]+(?:\|[^<>]*)?>", out):
        assert mention in user_text


@settings(max_examples=300, deadline=None)
@given(MENTIONISH, st.data())
def test_streamed_prefixes_never_show_what_the_full_text_hides(
    text: str, data: st.DataObject
) -> None:
    cut = data.draw(st.integers(min_value=0, max_value=len(text)))
    assert defuse(text).startswith(defuse(settled(text[:cut])))
