"""The Teams-only phrases: shipped, checked like the others, and every key the code names."""

from __future__ import annotations

import re
from pathlib import Path

from bot import i18n
from bot.i18n.catalogue import shipped
from bot.teams import i18n as teams_i18n

TEAMS = Path(teams_i18n.__file__).parents[1]
CALL = re.compile(r"(?<![\w.])(teams_text|text|plural)\(\s*(['\"])([a-z0-9_]+)\2")


def test_the_teams_catalogue_is_shipped_and_owns_no_shared_phrase() -> None:
    assert (teams_i18n.LOCALES, "teams") in shipped()
    assert not set(teams_i18n.catalogue().keys()) & set(i18n.catalogue().keys())


def test_every_key_the_teams_code_names_is_in_the_catalogue_it_asks() -> None:
    own, shared = set(teams_i18n.catalogue().keys()), set(i18n.catalogue().keys())
    named = 0
    for path in TEAMS.rglob("*.py"):
        for function, _, key in CALL.findall(path.read_text(encoding="utf-8")):
            named += 1
            assert key in (own if function == "teams_text" else shared), (path, key)
    assert named > 20
