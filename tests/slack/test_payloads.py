"""Payload parsing and the UI strings: pure functions, checked as data."""

from __future__ import annotations

import pytest

from bot.i18n import language_of_locale
from bot.slack.mrkdwn import escape, quote, shorten, split
from bot.slack.payloads import PayloadError, parse_command, parse_mention, split_intent


@pytest.mark.parametrize(
    ("said", "intent", "rest"),
    [
        ("check this", "check", ""),
        ("Check this: we go viral", "check", "we go viral"),
        ("please review this post", "check", ""),
        ("prüf das", "check", ""),
        ("Prüfe das bitte: kostet nichts", "check", "kostet nichts"),
        ("überprüfe diesen Beitrag", "check", ""),
        ("controlla questo", "check", ""),
        ("Controlla questo post: è gratis", "check", "è gratis"),
        ("per favore controlla", "check", ""),
        ("check we will go viral", "check", "we will go viral"),
        ("controlla: è gratis", "check", "è gratis"),
        ("checklist for a launch?", "ask", "checklist for a launch?"),
        ("checking in: is ROI instant?", "ask", "checking in: is ROI instant?"),
        ("how do I check our ROI?", "ask", "how do I check our ROI?"),
        ("is social media free?", "ask", "is social media free?"),
    ],
)
def test_check_intent(said: str, intent: str, rest: str) -> None:
    assert split_intent(said) == (intent, rest)


@pytest.mark.parametrize(
    ("text", "sub", "argument", "unknown"),
    [
        ("", "help", "", None),
        ("help", "help", "", None),
        ("ask is it free?", "ask", "is it free?", None),
        ("is it free?", "ask", "is it free?", None),
        ("ROI?", "ask", "ROI?", None),
        ("check", "check", "", None),
        ("CHECK  our plan", "check", "our plan", None),
        ("traps", "traps", "", None),
        ("settings", "help", "", "settings"),
    ],
)
def test_command_text(text: str, sub: str, argument: str, unknown: str | None) -> None:
    body = {"team_id": "T1", "user_id": "U1", "channel_id": "C1", "text": text}
    command = parse_command(body)
    assert (command.subcommand, command.argument, command.unknown) == (sub, argument, unknown)


def test_command_without_user_is_a_payload_error() -> None:
    with pytest.raises(PayloadError):
        parse_command({"team_id": "T1", "channel_id": "C1", "text": "hi"})


def test_mention_strips_only_the_coach() -> None:
    body = {
        "event_id": "Ev1",
        "event": {
            "type": "app_mention",
            "user": "U2",
            "channel": "C1",
            "ts": "1.2",
            "text": "<@UBOT> check this, <@U3> wrote it",
        },
    }
    mention = parse_mention(body, "UBOT")
    assert (mention.intent, mention.text) == ("check", "<@U3> wrote it")
    assert mention.dedup_keys == ("msg:C1:1.2", "event:Ev1")
    assert mention.reply_thread == "1.2" and not mention.in_thread


@pytest.mark.parametrize(
    ("locale", "language"),
    [
        ("de-DE", "de"),
        ("it-IT", "it"),
        ("en-GB", "en"),
        ("de_CH", "de"),
        ("fr-FR", None),
        (None, None),
    ],
)
def test_locale_to_language(locale: str | None, language: str | None) -> None:
    assert language_of_locale(locale) == language


def test_escape_and_quote() -> None:
    assert escape("a & <!here> > b") == "a &amp; &lt;!here&gt; &gt; b"
    assert (
        quote("line one\n\nline ```two```")
        == ">line one\n>\n>line `\u200b`\u200b`\u200btwo`\u200b`\u200b`\u200b"
    )


def test_shorten_and_split_cut_cleanly() -> None:
    assert shorten("one two three four", 12) == "one two…"
    assert shorten("x &amp; y", 7) == "x…"
    parts = split("alpha beta. " * 100, 50)
    assert all(len(p) <= 50 for p in parts)
    assert " ".join(parts).split() == ("alpha beta. " * 100).split()
