"""slack_sdk's SQLAlchemy installation store with every token encrypted at rest.

Writes encrypt a copy of the Installation or Bot (the caller's object keeps its plain token);
reads decrypt the entity slack_sdk builds from the row. Everything else (queries, deletes,
the tables) is slack_sdk's own.
"""

from __future__ import annotations

import copy
import logging
from typing import Any, TypeVar

from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from sqlalchemy import Engine

from bot.storage.token_cipher import TOKEN_COLUMNS, TokenCipher, seal_tokens

log = logging.getLogger(__name__)

E = TypeVar("E", Installation, Bot)
_BOT_FIELDS = TOKEN_COLUMNS["slack_bots"]
_INSTALLATION_FIELDS = TOKEN_COLUMNS["slack_installations"]


class EncryptedInstallationStore(SQLAlchemyInstallationStore):
    def __init__(
        self, client_id: str, engine: Engine, cipher: TokenCipher, logger: logging.Logger
    ) -> None:
        super().__init__(client_id=client_id, engine=engine, logger=logger)
        self.cipher = cipher

    def seal(self) -> int:
        """Encrypt what is still plain and re-encrypt what an older key sealed (start-up):
        a wrong key fails here, at once, with TokenKeyError, not at the first request."""
        with self.engine.begin() as connection:
            written = seal_tokens(connection, self.cipher)
        if written:
            log.info("encrypted %d stored workspace tokens with the current key", written)
        return written

    def save(self, installation: Installation) -> None:
        super().save(self._sealed(installation, _INSTALLATION_FIELDS))

    def save_bot(self, bot: Bot) -> None:
        # save() passes an already sealed copy here; encrypt() leaves sealed values alone.
        super().save_bot(self._sealed(bot, _BOT_FIELDS))

    def build_installation_entity(self, row: Any) -> Installation:  # type: ignore[override]
        return self._opened(super().build_installation_entity(row), _INSTALLATION_FIELDS)

    def build_bot_entity(self, row: Any) -> Bot:  # type: ignore[override]
        return self._opened(super().build_bot_entity(row), _BOT_FIELDS)

    def _sealed(self, entity: E, fields: tuple[str, ...]) -> E:
        sealed = copy.copy(entity)
        for name in fields:
            setattr(sealed, name, self.cipher.encrypt(getattr(entity, name)))
        return sealed

    def _opened(self, entity: E, fields: tuple[str, ...]) -> E:
        for name in fields:
            setattr(entity, name, self.cipher.decrypt(getattr(entity, name)))
        return entity
