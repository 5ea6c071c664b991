"""The database may go away; the replies must not, and neither may what people did.

`UsageOutbox` and `DurableFeedbackStore`: usage events and feedback clicks that cannot be
written wait in an outbox (bot/services/outbox.py) — in memory and in a spool file under
COACH_DATA_DIR — and are written, oldest first, once the database answers again; a process
that stops during the outage leaves its spool to the next one.

`FallbackDedupStore`: claims go to the database (shared by every replica); while it is
unreachable, this process's memory decides, so people still get their replies (another
replica could then answer a re-delivered event twice: better than answering none).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import SQLAlchemyError

from bot.services.dedup import DedupStore, InMemoryDedupStore
from bot.services.feedback import DatabaseFeedbackStore
from bot.services.outage import OutageNotice
from bot.services.outbox import RETRY_SECONDS, Outbox, RecordCodec
from bot.services.usage import UsageService
from bot.storage.db import Database
from bot.storage.group_commit import GroupCommit
from bot.storage.records import (
    FeedbackRecord,
    UsageRecord,
    add_feedback,
    add_usage,
    add_usage_many,
)

if TYPE_CHECKING:
    from bot.observability.metrics import Metrics


SPOOL_FOLDER = "outbox"
USAGE_CODEC = RecordCodec(UsageRecord, tuples=("traps",))
FEEDBACK_CODEC = RecordCodec(FeedbackRecord, tuples=("topics",))


class _UsageMetrics:
    """The usage outbox reports to coach_usage_events_total and coach_usage_events_pending."""

    def __init__(self, metrics: Metrics) -> None:
        self._metrics = metrics

    def counted(self, outcome: str, amount: int) -> None:
        self._metrics.usage_event(outcome, amount)

    def waiting(self, pending: int) -> None:
        self._metrics.usage_pending.set(pending)


class UsageOutbox(Outbox[UsageRecord]):
    """Usage events for the digest (spool files `usage-*.jsonl`), counted in the metrics."""

    def __init__(
        self,
        write: Callable[[UsageRecord], None],
        spool_dir: Path,
        metrics: Metrics | None = None,
        retry: Sequence[float] = RETRY_SECONDS,
    ) -> None:
        super().__init__(
            "usage",
            write,
            USAGE_CODEC,
            spool_dir,
            what="usage events",
            tally=_UsageMetrics(metrics) if metrics is not None else None,
            retry=retry,
        )


class DurableUsageService(UsageService):
    """UsageService whose writes go through the outbox instead of being dropped on failure.

    With `batches`, a record goes to the database together with the records other job
    threads are writing at the same moment (one transaction for all), and to the outbox only
    when that fails or others wait there already (their order is kept)."""

    def __init__(
        self,
        outbox: UsageOutbox,
        *args: Any,
        batches: GroupCommit[UsageRecord] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.outbox = outbox
        self.batches = batches

    def _save(self, record: UsageRecord) -> None:
        # The record UsageService builds, kept in the outbox until the database takes it.
        if self.batches is not None and not self.outbox.pending:
            try:
                self.batches.add(record)
            except SQLAlchemyError:
                pass  # the outbox tries once more, says so once per outage, and keeps it
            else:
                self.outbox.count_written()
                return
        self.outbox.add(record)


class FallbackDedupStore:
    def __init__(self, primary: DedupStore, local: DedupStore | None = None) -> None:
        self.primary = primary
        self.local = local or InMemoryDedupStore()
        self._outage = OutageNotice("de-duplicating in memory")

    def claim(self, keys: Sequence[str]) -> bool:
        try:
            claimed = self.primary.claim(keys)
        except SQLAlchemyError as exc:
            self._outage.failed(exc)
            return self.local.claim(keys)
        self._outage.recovered()
        if not claimed:
            return False
        # Also remembered here: an event answered from memory during an outage is then known
        # when Slack re-delivers it after the database is back (the database never saw it).
        return self.local.claim(keys)

    def release(self, keys: Sequence[str]) -> None:
        self.local.release(keys)
        try:
            self.primary.release(keys)
        except SQLAlchemyError as exc:
            self._outage.failed(exc)


def durable_usage(
    database: Database, data_dir: Path, *, store_text: bool, metrics: Metrics | None = None
) -> DurableUsageService:
    """What servers record usage with: the database, in batches, through an outbox.

    The batches do not wait for PostgreSQL's WAL flush (Database.connection): a crash of the
    PostgreSQL server itself may lose the last fraction of a second of usage counts, which
    only the weekly digest reads; a killed replica loses none (each job waits for its commit).
    """
    outbox = UsageOutbox(
        lambda record: add_usage(database, record), data_dir / SPOOL_FOLDER, metrics
    )
    batches: GroupCommit[UsageRecord] = GroupCommit(
        lambda records: add_usage_many(database, records, durable=False), committer="caller"
    )
    return DurableUsageService(outbox, database, store_text=store_text, batches=batches)


class DurableFeedbackStore(DatabaseFeedbackStore):
    """DatabaseFeedbackStore whose writes wait in an outbox while the database is away."""

    def __init__(self, outbox: Outbox[FeedbackRecord], database: Database) -> None:
        super().__init__(database)
        self.outbox = outbox

    def _save(self, record: FeedbackRecord) -> bool:
        if not self.outbox.pending:
            try:
                return add_feedback(self.database, record)
            except SQLAlchemyError:
                pass  # the outbox tries once more, says so once per outage, and keeps it
        self.outbox.add(record)
        # While it waits nobody can tell a repeated vote from a new one: thank the user; the
        # upsert that writes it later keeps one vote either way.
        return True


def durable_feedback(database: Database, data_dir: Path) -> DurableFeedbackStore:
    """What servers record feedback with: the database, through an outbox (`feedback-*.jsonl`
    beside the usage spool)."""
    outbox = Outbox(
        "feedback",
        lambda record: add_feedback(database, record),
        FEEDBACK_CODEC,
        data_dir / SPOOL_FOLDER,
        what="feedback clicks",
    )
    return DurableFeedbackStore(outbox, database)
