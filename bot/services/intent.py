"""What a message to the coach asks for: "check this …" (in en/de/it) checks the rest as a
draft; anything else is a question. Every chat front end (Slack, Teams) uses these triggers."""

from __future__ import annotations

import re
from typing import Literal

Intent = Literal["ask", "check"]

# "check this", "prüf das", "controlla questo" and close variants, at the start of a mention.
_CHECK = re.compile(
    r"^\s*(?:(?:please|bitte|per\s+favore|pls)\s+)?"
    r"(?:check|review|prüf(?:e|en)?|überprüf(?:e|en)?|checke?|controll(?:a|are|ami)|verifica)"
    # Longer objects first: "this post" must not stop at "this".
    r"(?:\s+(?:(?:this|that|the)\s+(?:post|draft|message)|diese[nm]?\s+(?:post|beitrag|entwurf)|"
    r"den\s+(?:post|beitrag|entwurf)|quest[oa]\s+(?:post|bozza|messaggio)|il\s+post|"
    r"this|that|it|das|dies|mal|questo|questa))?"
    r"(?:\s+(?:please|bitte|per\s+favore))?(?:\s*[:,.!\-–—]+|\s+|$)",
    re.IGNORECASE,
)


def split_intent(text: str) -> tuple[Intent, str]:
    match = _CHECK.match(text)
    if match:
        return "check", text[match.end() :].strip()
    return "ask", text.strip()
