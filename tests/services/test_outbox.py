"""The outbox is one mechanism for any record type: its codec, and the spool files each kind
owns. The outage itself (a real PostgreSQL stopping) is played in tests/ops."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from bot.services.outbox import Outbox
from bot.services.resilience import FEEDBACK_CODEC, USAGE_CODEC
from bot.storage.records import FeedbackRecord, UsageRecord

AT = datetime(2026, 3, 2, 9, 30, 15, 123456, tzinfo=UTC)
USAGE = UsageRecord("T1", "C1", "U1", AT, "check", "de", "llm", (2, 5), None, "Prüf das «bitte»")
FEEDBACK = FeedbackRecord("T1", "C1", "slack:T1:U1", AT, "false_alarm", "review", "it", (3,), "r1")


def test_records_survive_their_line_in_the_spool() -> None:
    assert USAGE_CODEC.load(USAGE_CODEC.dump(USAGE)) == USAGE
    assert FEEDBACK_CODEC.load(FEEDBACK_CODEC.dump(FEEDBACK)) == FEEDBACK
    assert "\n" not in USAGE_CODEC.dump(USAGE) + FEEDBACK_CODEC.dump(FEEDBACK)


def test_usage_spools_written_before_the_outbox_was_generic_still_load() -> None:
    line = (
        '{"workspace": "T1", "channel": "C1", "user": "U1", "at": "2026-03-02T09:30:15.123456'
        '+00:00", "kind": "check", "language": "de", "engine": "llm", "traps": [2, 5], '
        '"topic": null, "text": "Prüf das «bitte»"}'
    )
    assert USAGE_CODEC.load(line) == USAGE


def test_each_kind_adopts_only_its_own_orphans(tmp_path: Path) -> None:
    (tmp_path / "usage-1-dead.jsonl").write_text(USAGE_CODEC.dump(USAGE) + "\n")
    (tmp_path / "feedback-1-dead.jsonl").write_text(FEEDBACK_CODEC.dump(FEEDBACK) + "\n")
    written: list[FeedbackRecord] = []
    outbox = Outbox("feedback", written.append, FEEDBACK_CODEC, tmp_path, retry=(0.01,))
    try:
        assert outbox.pending == 1
        assert outbox.flush() == 1 and written == [FEEDBACK]
    finally:
        outbox.close()
    left = sorted(path.name for path in tmp_path.iterdir())
    assert left == ["usage-1-dead.jsonl"]
    assert json.loads((tmp_path / left[0]).read_text())["traps"] == [2, 5]
