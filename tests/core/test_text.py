from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.text import segments, to_plain

SLACK_BITS = st.sampled_from(
    [
        "<@U024BE7LH>",
        "<!here>",
        "<!channel>",
        "<#C0123|general>",
        "<https://x.y/a|label>",
        "<https://x.y>",
        "*bold*",
        "_it_",
        "`code`",
        "> quote",
        "&amp;",
        "&lt;",
        ":tada:",
        "🎉",
        "\n",
        ". ",
        "! ",
        "• ",
        "- ",
        "1. ",
        "e.g. ",
    ]
)


def test_markup_becomes_words_and_spans_point_at_the_original() -> None:
    original = "Hi <!here> :wave: see <https://x.y/p|the plan> by <@U024BE7LH>.\n> We never answer comments."
    plain = to_plain(original)
    assert "@here" in plain.text and "the plan" in plain.text and "@user" in plain.text
    assert "<" not in plain.text
    parts = segments(plain)
    assert [original[p.start : p.end] for p in parts] == [
        "Hi <!here> :wave: see <https://x.y/p|the plan> by <@U024BE7LH>.",
        "We never answer comments.",
    ]


def test_bullets_numbers_and_abbreviations() -> None:
    text = "Plan:\n- 1. Post daily, e.g. news.\n• Reply within 2 h\n3) Budget: 0 €"
    assert [p.plain for p in segments(to_plain(text))] == [
        "Plan:",
        "Post daily, e.g. news.",
        "Reply within 2 h",
        "Budget: 0 €",
    ]


def test_entities_map_back_to_their_escaped_form() -> None:
    text = "Ads &amp; posts are free"
    (part,) = segments(to_plain(text))
    assert part.plain == "Ads & posts are free"
    assert text[part.start : part.end] == text


def test_nothing_to_read() -> None:
    assert segments(to_plain("")) == []
    assert segments(to_plain("🎉🎉 :tada: ... 123")) == []


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=30), SLACK_BITS), max_size=40).map("".join))
def test_segments_are_ordered_non_overlapping_substrings(text: str) -> None:
    parts = segments(to_plain(text))
    previous_end = 0
    for part in parts:
        assert 0 <= part.start < part.end <= len(text)
        assert part.start >= previous_end
        previous_end = part.end
        assert text[part.start : part.end].strip()
