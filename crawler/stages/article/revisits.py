"""When a tracked article is fetched again: the story's schedule, sooner on publisher signals.

* **Schedule.** The story's ``revisit`` offsets count from when the article was first seen
  (``["10m", "1h", "6h", "24h"]``: at +10 min, +1 h, +6 h, +24 h). After each scheduled revisit
  the next one is the first offset still ahead; offsets missed while nothing ran are skipped.
* **Signals make it sooner.** When a fetch shows the publisher changed the article, the next
  revisit comes after the *first* offset (10 min above) instead of the next step:

  - a substantive change (``article.updated`` or ``fact.revised``): always — a live article
    stays on the short interval for as long as it keeps changing;
  - a lesser signal — a later JSON-LD ``dateModified`` / ``article:modified_time`` or HTTP
    ``Last-Modified`` with the same text, a trivial re-edit, a revert — only within the
    schedule's window (before its last offset), so a server that stamps every response with
    the current time cannot keep an article on the short interval for ever;
  - a feed entry whose ``updated`` stamp moved is fetched at once (a ``signal`` job, see
    :mod:`crawler.stages.poll.scheduler`); when that fetch finds a change, the article's
    pending revisit is brought forward to the first offset (never pushed back).
* Revisit numbers only grow, so every revisit has its own arq job id.

**Failed first visits** are tried again later. A first visit that still fails (retryable:
timeout, 5xx, 429, a host too busy) after ``[worker] max_tries`` attempts goes to the story's
retry-later set (Redis, the :data:`RETRY_LATER_CAP` due last kept) and is enqueued again
:data:`RETRY_LATER` after that — 1 h, then 6 h, then 24 h; after the last round it is given up.
The set is a far-future schedule like the revisits: the scheduler releases what is due on
every tick (:func:`release_retries`), never as a deferred arq job (which would keep a burst
worker, ``run --once``, waiting for it).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from crawler.clock import Clock, SystemClock
from crawler.config import StoryConfig
from crawler.models import ArticleJob, JobReason
from crawler.store import Revisit, Store, TrackedArticle, WriteSet
from crawler.store.articles import RetryLater
from crawler.store.queue import JobQueue
from crawler.store.writes import PendingRevisit, RetryLaterAt, RevisitAt

SLACK = 1.0  # seconds: an offset this close to now counts as done
SUBSTANTIVE = frozenset({"updated"})
SIGNALS = frozenset({"edited", "reverted", "touched"})
RETRY_LATER = (3600.0, 6 * 3600.0, 24 * 3600.0)  # wait before retry-later round 1, 2, 3
RETRY_LATER_CAP = 1_000  # failed first visits kept per story


def next_revisit(
    offsets: tuple[float, ...], first_seen: float, now: float, outcome: str
) -> float | None:
    """When to revisit next (epoch seconds), or None when the schedule is over."""
    if not offsets:
        return None
    regular = next((first_seen + o for o in offsets if first_seen + o > now + SLACK), None)
    sooner = None
    if outcome in SUBSTANTIVE or (outcome in SIGNALS and regular is not None):
        sooner = now + offsets[0]
    candidates = [t for t in (regular, sooner) if t is not None]
    return min(candidates) if candidates else None


class RevisitPlanner:
    def __init__(
        self,
        store: Store,
        retry_later: tuple[float, ...] = RETRY_LATER,
        clock: Clock | None = None,
    ) -> None:
        self._store = store
        self._retry_later = retry_later  # waits before each retry-later round
        self._clock = clock or SystemClock()

    async def after_fetch(
        self,
        story: StoryConfig,
        url: str,
        number: int | None,
        outcome: str,
        tracked: TrackedArticle | None = None,
    ) -> None:
        """Plan what follows a fetch of ``url``: revisit ``number`` (None: not a scheduled one).

        ``tracked``: the article when the caller knows it (else it is looked up by URL).
        """
        if number is None and outcome not in SUBSTANTIVE | SIGNALS:
            return
        tracked = tracked or await self._tracked(story.id, url)
        if tracked is None:
            return  # a revisit of an article never tracked (its first fetch failed): done
        now = self._clock.now()
        due = next_revisit(story.revisit, _epoch(tracked.first_seen, now), now, outcome)
        if due is None:
            return
        if number is not None:
            writes = WriteSet().add(
                RevisitAt(Revisit(story.id, url, number + 1), due),
                PendingRevisit(story.id, tracked.doc, number + 1),
            )
        else:
            pending = await self._store.articles.pending_revisit(story.id, tracked.doc)
            writes = WriteSet().add(RevisitAt(Revisit(story.id, tracked.url, pending), due, True))
        await self._store.commit(writes)

    async def retry_later(self, story: str, url: str, rounds_done: int) -> float | None:
        """Keep a failed first visit for the next round; its due time, or None when every
        round (:data:`RETRY_LATER` by default) was used."""
        if rounds_done >= len(self._retry_later):
            return None
        due = self._clock.now() + self._retry_later[rounds_done]
        retry = RetryLater(url, rounds_done + 1)
        await self._store.commit(WriteSet().add(RetryLaterAt(story, retry, due, RETRY_LATER_CAP)))
        return due

    async def _tracked(self, story: str, url: str) -> TrackedArticle | None:
        doc = await self._store.articles.doc_for_url(story, url)
        return await self._store.articles.get(story, doc)


async def release_retries(store: Store, queue: JobQueue, stories: Iterable[str], now: float) -> int:
    """Enqueue every failed first visit due again by ``now``; returns how many.

    Called by the scheduler on every tick, next to the revisits. Each round has its own job id,
    and an entry leaves the set only after its job is enqueued, so a crash in between repeats
    nothing.
    """
    released = 0
    for story in stories:
        due = await store.articles.due_retries(story, now)
        for retry in due:
            await queue.enqueue(ArticleJob(story, retry.url, JobReason.RETRY, retry=retry.round))
        await store.articles.done_retries(story, due)
        released += len(due)
    return released


def publisher_stamps(modified: datetime | None, last_modified: str) -> tuple[str, str]:
    """What a fetch says about the publisher's last change: (ISO modified time, HTTP date)."""
    return (modified.isoformat() if modified else "", last_modified)


def stamps_moved(now: tuple[str, str], seen: tuple[str, str]) -> bool:
    """True when either publisher stamp moved forward since ``seen``."""
    modified = _parse_iso(now[0]), _parse_iso(seen[0])
    http = _parse_http(now[1]), _parse_http(seen[1])
    return any(a is not None and b is not None and a > b for a, b in (modified, http))


def _epoch(iso: str, default: float) -> float:
    parsed = _parse_iso(iso)
    return parsed.timestamp() if parsed else default


def _parse_iso(value: str) -> datetime | None:
    try:
        return _aware(datetime.fromisoformat(value)) if value else None
    except ValueError:
        return None


def _parse_http(value: str) -> datetime | None:
    try:
        return _aware(parsedate_to_datetime(value)) if value else None
    except (TypeError, ValueError):
        return None


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)
