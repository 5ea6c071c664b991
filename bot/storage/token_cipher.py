"""Workspace tokens encrypted at rest: Fernet keys from COACH_TOKEN_KEYS, via MultiFernet.

A copied database or backup must not hand over every workspace that installed the coach, so
the token columns of slack_sdk's installation tables hold Fernet tokens (AES-128-CBC with an
HMAC, from the `cryptography` library), never `xox…` values. The first key encrypts; every key
decrypts, so a key is rotated without downtime: add the new key second, roll out; move it
first, roll out (start-up and `coach db encrypt-tokens` re-encrypt what the old key sealed);
then drop the old key.

Transport-free: the columns are named here for the migration and start-up alike; the Slack
front end wraps slack_sdk's store around this cipher (bot/slack/token_store.py).
"""

from __future__ import annotations

from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import Connection, column, select, table, update

from bot.errors import CoachError

# The token columns of slack_sdk's tables (see SQLAlchemyInstallationStore), widened by
# migration 0005 so that a Fernet token of even a long Slack token fits.
TOKEN_COLUMNS: dict[str, tuple[str, ...]] = {
    "slack_bots": ("bot_token", "bot_refresh_token"),
    "slack_installations": ("bot_token", "bot_refresh_token", "user_token", "user_refresh_token"),
}
STORED_TOKEN_LENGTH = 512  # a 255-character token is 420 characters once encrypted
_FERNET_PREFIX = "gAAAAA"  # version byte 0x80 and a timestamp's high zero bytes, base64url
GENERATE_HINT = (
    "generate one with: python -c "
    '"from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
)


class TokenKeyError(CoachError):
    """COACH_TOKEN_KEYS is missing, malformed, or cannot decrypt the stored tokens."""


class TokenCipher:
    """Encrypts with the first key, decrypts with any; plain `xox…` values (stored before
    encryption) pass through `decrypt` so that they can be sealed, never invented."""

    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise TokenKeyError(f"COACH_TOKEN_KEYS is empty; {GENERATE_HINT}")
        try:
            self._fernets = [Fernet(key.encode("ascii")) for key in keys]
        except (ValueError, UnicodeEncodeError) as exc:
            raise TokenKeyError(
                "COACH_TOKEN_KEYS holds a value that is not a Fernet key (32 url-safe "
                f"base64-encoded bytes); {GENERATE_HINT}"
            ) from exc
        self._all = MultiFernet(self._fernets)

    def encrypt(self, token: str | None) -> str | None:
        if token is None or is_encrypted(token):
            return token
        return self._fernets[0].encrypt(token.encode("utf-8")).decode("ascii")

    def decrypt(self, stored: str | None) -> str | None:
        if stored is None or not is_encrypted(stored):
            return stored
        try:
            return self._all.decrypt(stored.encode("ascii")).decode("utf-8")
        except InvalidToken as exc:
            raise TokenKeyError(
                "COACH_TOKEN_KEYS cannot decrypt the workspace tokens stored in the database: "
                "a wrong key, or the key they were encrypted with was removed from the list"
            ) from exc

    def reseal(self, stored: str | None) -> str | None:
        """`stored` encrypted with the first key (None if it is so already)."""
        if stored is None:
            return None
        if is_encrypted(stored):
            try:
                self._fernets[0].decrypt(stored.encode("ascii"))
                return None  # sealed with the current key: nothing to write
            except InvalidToken:
                pass
        return self.encrypt(self.decrypt(stored))


def is_encrypted(value: str) -> bool:
    return value.startswith(_FERNET_PREFIX)


def seal_tokens(connection: Connection, cipher: TokenCipher) -> int:
    """Encrypt every plain token and re-encrypt every one the first key did not seal; returns
    how many values were written. Raises TokenKeyError if a stored token cannot be read."""
    written = 0
    for name, columns in TOKEN_COLUMNS.items():
        found = table(name, column("id"), *(column(c) for c in columns))
        for row in connection.execute(select(found)).mappings().all():
            changed = {c: v for c in columns if (v := cipher.reseal(row[c])) is not None}
            if changed:
                connection.execute(update(found).where(found.c.id == row["id"]).values(changed))
                written += len(changed)
    return written
