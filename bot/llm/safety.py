"""Output safety: a reply must never notify people the user did not mention.

Slack notifies on `<!here>`, `<!channel>`, `<!everyone>`, user mentions `<@U…>` and user-group
mentions `<!subteam^…>` (and, where a client links names, on plain `@here`). Whatever the model
writes, broadcasts are always defused, and a user or group mention survives only if the user's
own text contained exactly that mention. Defusing keeps the word readable: a zero-width space
after the `@` stops the notification.
"""

from __future__ import annotations

import re

_ZWSP = "\u200b"
_BROADCAST = frozenset({"here", "channel", "everyone"})
# <@U123>, <@W123|name>, <!here>, <!channel|channel>, <!subteam^S123|@team>, <!date^…> …
_ANGLE = re.compile(r"<(?P<kind>[@!])(?P<target>[^<>|\s]*)(?:\|(?P<label>[^<>]*))?>")
_PLAIN = re.compile(r"(?<![\w@])@(?P<word>here|channel|everyone)\b", re.IGNORECASE)
# While streaming, a tail like "<!he" or "@chan" may still become a mention: hold it back.
_OPEN_TAIL = re.compile(r"(?:<[^<>]*|(?<![\w@])@\w*)$")


def defuse(text: str, user_text: str = "") -> str:
    """`text` with every notification the user did not write turned into plain words."""

    def angle(match: re.Match[str]) -> str:
        target = match.group("target")
        name = target.split("^")[0].lower()
        if match.group("kind") == "!" and name in _BROADCAST:
            return f"@{_ZWSP}{name}"
        if match.group(0) in user_text:
            return match.group(0)
        label = (match.group("label") or "").lstrip("@")
        return (
            f"@{_ZWSP}{label}" if label else f"@{_ZWSP}{'group' if name == 'subteam' else 'user'}"
        )

    text = _ANGLE.sub(angle, text)
    return _PLAIN.sub(lambda m: f"@{_ZWSP}{m.group('word')}", text)


def settled(text: str) -> str:
    """The longest prefix of `text` that more streamed characters cannot turn into a mention."""
    match = _OPEN_TAIL.search(text)
    return text[: match.start()] if match else text
