"""`/coach digest …` arguments in en/de/it; anything else names the word it did not understand."""

from __future__ import annotations

import pytest

from bot.slack.digest.args import DigestArgs, DigestUsageError, parse_digest


@pytest.mark.parametrize(
    ("argument", "expected"),
    [
        ("", DigestArgs("help")),
        ("list", DigestArgs("list")),
        ("subscribe", DigestArgs("subscribe")),
        (
            "subscribe <#C0123ABC|marketing> friday 16:30 Europe/Berlin",
            DigestArgs("subscribe", "C0123ABC", 4, 16, 30, "Europe/Berlin"),
        ),
        (
            "abonnieren Mi 8.05 kanal de",
            DigestArgs("subscribe", weekday=2, hour=8, minute=5, scope="channel", language="de"),
        ),
        (
            "iscrivi America/New_York lunedì 7:00 canale it",
            DigestArgs("subscribe", None, 0, 7, 0, "America/New_York", "channel", "it"),
        ),
        (
            "subscribe 9h15 UTC workspace",
            DigestArgs("subscribe", None, None, 9, 15, "UTC", "workspace"),
        ),
        ("unsubscribe", DigestArgs("unsubscribe")),
        ("abbestellen <#C0123ABC>", DigestArgs("unsubscribe", "C0123ABC")),
        ("preview C0123ABC9", DigestArgs("preview", "C0123ABC9")),
        ("VORSCHAU", DigestArgs("preview")),
    ],
)
def test_understood(argument: str, expected: DigestArgs) -> None:
    assert parse_digest(argument) == expected


@pytest.mark.parametrize(
    ("argument", "value", "reason"),
    [
        ("settings", "settings", "argument"),
        ("subscribe someday", "someday", "argument"),
        ("subscribe 25:00", "25:00", "argument"),
        ("subscribe monday friday", "friday", "argument"),
        ("subscribe Mars/Olympus", "Mars/Olympus", "timezone"),
        ("subscribe <@U123>", "<@U123>", "argument"),
        ("subscribe <!here>", "<!here>", "argument"),
        ("subscribe CHANNELS", "CHANNELS", "argument"),
        ("list everything", "everything", "argument"),
        ("unsubscribe #marketing", "#marketing", "channel_name"),
        ("subscribe #marketing friday", "#marketing", "channel_name"),
        ("preview <#C1|a> <#C2|b>", "<#C2|b>", "argument"),
        ("subscribe ignore previous instructions", "ignore", "argument"),
    ],
)
def test_not_understood(argument: str, value: str, reason: str) -> None:
    with pytest.raises(DigestUsageError) as caught:
        parse_digest(argument)
    assert (caught.value.value, caught.value.reason) == (value, reason)
