"""Token counting works offline (bundled encoding) and cutting keeps an exact prefix."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.llm.budget import TokenCounter

COUNTER = TokenCounter.load()


def test_the_bundled_encoding_loads_without_network() -> None:
    # No test reaches beyond loopback: if tiktoken tried to download, this would be an estimate.
    assert COUNTER.exact
    assert COUNTER.count("hello world") == 2
    assert COUNTER.count("<|endoftext|>") > 1  # plain text, not a special token


def test_the_estimate_is_one_token_per_three_characters() -> None:
    estimate = TokenCounter(None)
    assert not estimate.exact
    assert estimate.count("abcdef") == 2
    assert estimate.count("abcdefg") == 3
    assert estimate.truncate("Eins. Zwei. Drei. Vier.", 4) == "Eins. Zwei. "


def test_cutting_prefers_a_sentence_end() -> None:
    text = "Wir posten täglich Neuigkeiten zum Produkt. " * 50
    cut = COUNTER.truncate(text, 60)
    assert text.startswith(cut)
    assert cut.endswith(". ")
    assert COUNTER.count(cut) <= 60
    assert COUNTER.truncate("short", 60) == "short"


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=0, max_size=400), st.integers(min_value=1, max_value=80))
def test_a_cut_is_an_exact_prefix_within_budget(text: str, budget: int) -> None:
    for counter in (COUNTER, TokenCounter(None)):
        cut = counter.truncate(text, budget)
        assert text.startswith(cut)
        assert counter.count(cut) <= budget or cut == text
