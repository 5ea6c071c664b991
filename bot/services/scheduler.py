"""The digest scheduler: every minute, post the digests that are due — exactly once.

It runs as a thread inside `coach serve` and `coach socket`, and `coach digest run` makes one
pass for cron or a Kubernetes CronJob. Any number of them may run against one database at
once: the delivery row of (workspace, channel, ISO week) is the arbiter (see
`bot/storage/deliveries.py`), so each digest is claimed by one process, handed over when that
process dies (its lease expires), retried with backoff when Slack fails, and never posted
twice — the publisher marks each message with the digest id and looks for that mark before it
posts again after an attempt whose outcome is unknown.

One scheduler serves every platform: each subscription names its platform (slack, teams) and
`Publishers` hands its delivery to that platform's publisher. The claim, the lease, the
backoff and the final verdict are the same for all of them, because they live in the
delivery row, not in the publisher. A delivery that still fails after MAX_ATTEMPTS is
recorded as `failed` with its last error (and logged as an error, and counted): given up
loudly, never dropped silently, and never retried into the next week.

Why not APScheduler: the schedule lives in the database (each subscription's weekday, time
and zone) and replicas must agree on it, so a per-process job store would only duplicate it.
What is needed is a periodic "what is due?" pass, which is a loop and an Event.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from sqlalchemy.exc import SQLAlchemyError

from bot.errors import CoachError
from bot.models import Digest
from bot.services.digest import DigestService
from bot.services.subscriptions import SubscriptionService, UnknownTimezone, due_week
from bot.storage import deliveries
from bot.storage.db import Database
from bot.storage.dedup import expire_keys
from bot.storage.deliveries import POSTED, POSTING, RETRY, Claim, DeliveryState
from bot.storage.subscriptions import Platform, SubscriptionRecord

log = logging.getLogger(__name__)

INTERVAL_SECONDS = 60.0
FIRST_RETRY, LAST_RETRY = timedelta(minutes=1), timedelta(hours=1)
# 1+2+4+…+60+60+60 minutes: about four hours of retries. A digest later than that has lost
# most of its point, and a channel that refuses for that long (bot removed, channel archived,
# connector down) needs a person, not another attempt every hour until the week ends.
MAX_ATTEMPTS = 10


class PublishError(CoachError):
    """Posting failed; the delivery is retried later (after `retry_after` seconds at least).

    `transient`: the failure may pass (rate limit, timeout, 5xx) rather than being a refusal.
    """

    def __init__(
        self, message: str, retry_after: float | None = None, *, transient: bool = False
    ) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.transient = transient


class Publisher(Protocol):
    def publish(
        self,
        claim: Claim,
        digest: Digest,
        posted: Callable[[str], object],
        subscription: SubscriptionRecord,
    ) -> bool:
        """Post the digest once; call `posted(message_id)` as soon as the message is accepted.

        Returns whether the chart is done (posted, or not needed). Raises PublishError.
        """


class Publishers:
    """One publisher per platform behind the one protocol: the scheduler does not care where
    a digest goes. A platform without a publisher (Teams not configured in this process) is
    a failed attempt like any other, so it is retried, recorded and never skipped silently."""

    def __init__(self, publishers: Mapping[Platform, Publisher]) -> None:
        self.publishers = dict(publishers)

    def publish(
        self,
        claim: Claim,
        digest: Digest,
        posted: Callable[[str], object],
        subscription: SubscriptionRecord,
    ) -> bool:
        publisher = self.publishers.get(subscription.platform)
        if publisher is None:
            raise PublishError(f"no {subscription.platform} publisher in this process")
        return publisher.publish(claim, digest, posted, subscription)


@dataclass
class PassReport:
    due: int = 0
    posted: int = 0
    failed: int = 0
    given_up: int = 0  # of the failed: their last attempt, now recorded as failed

    def __str__(self) -> str:
        text = f"{self.due} due, {self.posted} posted, {self.failed} failed"
        if self.given_up:
            return f"{text} ({self.given_up} given up after {MAX_ATTEMPTS} attempts)"
        return f"{text} (retried later)"


class DigestScheduler:
    def __init__(
        self,
        database: Database,
        subscriptions: SubscriptionService,
        digests: DigestService,
        publisher: Publisher,
        *,
        lease: timedelta,
        interval: float = INTERVAL_SECONDS,
        max_attempts: int = MAX_ATTEMPTS,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.database = database
        self.subscriptions = subscriptions
        self.digests = digests
        self.publisher = publisher
        self.lease = lease
        self.interval = interval
        self.max_attempts = max_attempts
        self._clock = clock
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- one pass ------------------------------------------------------------------------------
    def run_once(self) -> PassReport:
        now = self._clock()
        report = PassReport()
        due = list(self._due(now))
        known = deliveries.states(self.database, {week for _, week in due})
        for record, week in due:
            state = known.get((record.workspace, record.channel, week))
            if state is not None and not _claimable(state, now):
                continue
            claim = deliveries.claim(
                self.database, record.workspace, record.channel, week, now=now, lease=self.lease
            )
            if claim is None:
                continue  # another process has it, or it is waiting for its next retry
            report.due += 1
            if self._deliver(record, claim):
                report.posted += 1
            else:
                report.failed += 1
                report.given_up += claim.attempts >= self.max_attempts
        expire_keys(self.database, now)
        return report

    def _due(self, now: datetime) -> list[tuple[SubscriptionRecord, str]]:
        found = []
        for record in self.subscriptions.everything():
            try:
                week = due_week(record, now)
            except UnknownTimezone as exc:  # the zone database changed under a subscription
                log.warning("subscription %s/%s skipped: %s", record.workspace, record.channel, exc)
                continue
            if week is not None:
                found.append((record, week))
        return found

    def _deliver(self, record: SubscriptionRecord, claim: Claim) -> bool:
        log.info(
            "posting digest %s to %s %s/%s for %s (attempt %d)",
            claim.id,
            record.platform,
            claim.workspace,
            claim.channel,
            claim.week,
            claim.attempts,
        )

        def posted(ts: str) -> None:
            if not deliveries.record_message(self.database, claim, ts, self._clock()):
                log.warning("digest %s: the lease was taken over while posting", claim.id)

        try:
            channel = record.channel if record.scope == "channel" else None
            digest = self.digests.build(
                record.workspace, channel, record.language, week=claim.week, digest_id=claim.id
            )
            chart_done = self.publisher.publish(claim, digest, posted, record)
        except PublishError as exc:
            self._retry_later(claim, str(exc), exc.retry_after)
            return False
        except Exception as exc:  # the scheduler's error boundary: log it, retry later
            log.exception("digest %s failed unexpectedly", claim.id)
            self._retry_later(claim, f"{type(exc).__name__}: {exc}", None)
            return False
        deliveries.finish(self.database, claim, self._clock(), chart_done=chart_done)
        log.info("digest %s posted", claim.id)
        return True

    def _retry_later(self, claim: Claim, error: str, retry_after: float | None) -> None:
        now = self._clock()
        if claim.attempts >= self.max_attempts:
            log.error(
                "digest %s to %s for %s failed %d times; recorded as failed (%s)",
                claim.id,
                claim.channel,
                claim.week,
                claim.attempts,
                error,
            )
            deliveries.give_up(self.database, claim, now, error)
            return
        wait = min(LAST_RETRY, FIRST_RETRY * 2 ** (claim.attempts - 1))
        if retry_after:
            wait = max(wait, timedelta(seconds=retry_after))
        log.warning("digest %s failed (%s); next attempt in %s", claim.id, error, wait)
        deliveries.fail(self.database, claim, now, now + wait, error)

    # -- the background thread -------------------------------------------------------------
    def start(self) -> DigestScheduler:
        self._thread = threading.Thread(target=self._loop, name="coach-digest", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                report = self.run_once()
                if report.due:
                    log.info("digest pass: %s", report)
            except (SQLAlchemyError, CoachError) as exc:
                log.warning("digest pass failed (%s: %s); trying again", type(exc).__name__, exc)
            except Exception:  # never let the thread die: the next pass may succeed
                log.exception("digest pass failed")
            self._stop.wait(self.interval)


def _claimable(state: DeliveryState, now: datetime) -> bool:
    if state.state == POSTED:
        return False
    if state.state == RETRY:
        return state.next_attempt_at is None or state.next_attempt_at <= now
    if state.state == POSTING:
        return state.lease_until is None or state.lease_until < now
    return False
