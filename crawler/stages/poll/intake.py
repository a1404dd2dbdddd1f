"""A changed feed's entries → article jobs (the scheduler's per-entry decisions).

For each entry and each story its feed serves:

* **new to the story** — the pre-filter on title + summary (the story's key terms, see
  :class:`crawler.core.relevance.KeyTerms`); one ``new`` job with a deterministic id, or
  the entry is kept in the story's skipped list for discovery's re-checks;
* **its ``updated`` stamp moved** — the publisher signals a change: one ``signal`` job, as
  often as :func:`crawler.core.cadence.signal_due` allows (the first at once; then one per
  ``SIGNAL_EVERY`` unless the signals keep finding changes). A held signal keeps the old stamp,
  so it is still "moved" at the next poll — which parses the feed again even when it did not
  change (the scheduler then forgets the feed's validators and body hash);
* otherwise nothing.

An entry to fetch does not become a job here: it waits in its feed's waiting list (written
with the poll) until :class:`crawler.stages.poll.fairness.Gate` has room for it in the queue.

Seen entries are kept per story (:mod:`crawler.store.polls`), so a link one story's feed took
first is still new to another story. Nothing is written here: the decisions go into the
poll's :class:`~crawler.store.polls.PollWrites`, saved in the poll's one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from crawler.clock import Clock, SystemClock
from crawler.core import cadence
from crawler.core.relevance import KeyTerms, terms
from crawler.core.urls import source_of
from crawler.models import ArticleJob, FeedEntry, JobReason
from crawler.store import Store, url_doc
from crawler.store.polls import PollWrites, SeenEntry, seen_field
from crawler.store.queue import job_id
from crawler.store.waiting import Waiting


@dataclass(frozen=True, slots=True)
class Taken:
    queued: int = 0
    skipped: int = 0


class Intake:
    def __init__(
        self,
        store: Store,
        key_terms: dict[str, KeyTerms],
        prefilter: bool,
        signal_every: float = cadence.SIGNAL_EVERY,
        clock: Clock | None = None,
    ) -> None:
        self._store = store
        self._key_terms = key_terms  # the scheduler's, updated in place at each refresh
        self._prefilter = prefilter
        self._signal_every = signal_every
        self._clock = clock or SystemClock()

    async def take(
        self, stories: Sequence[str], entries: Sequence[FeedEntry], writes: PollWrites
    ) -> Taken:
        docs = [url_doc(e.link) for e in entries]
        fields = [seen_field(story, doc) for doc in docs for story in stories]
        seen = iter(await self._store.schedule.seen_entries(fields))
        queued = skipped = 0
        moved: list[tuple[str, FeedEntry, str, SeenEntry]] = []
        for entry, doc in zip(entries, docs, strict=True):
            stamp = entry_stamp(entry)
            fresh = True  # new to every story of this feed
            for story in stories:
                old = next(seen)
                if old is not None:
                    fresh = False
                    if stamp and old.stamp != stamp:
                        moved.append((story, entry, doc, old))
                    continue
                if self._passes(story, entry):
                    queued += self._take(story, entry, JobReason.NEW, writes)
                else:
                    skipped += 1
                    writes.skipped.append((story, entry))  # kept for discovery's re-checks
                writes.seen[seen_field(story, doc)] = SeenEntry(stamp).value()
            if fresh:
                writes.learn.append(set(terms(f"{entry.title} {entry.summary}")))
        queued += await self._signals(moved, writes)
        writes.counts.update(
            entries_new=len(writes.learn), entries_queued=queued, entries_skipped=skipped
        )
        return Taken(queued, skipped)

    async def _signals(
        self, moved: list[tuple[str, FeedEntry, str, SeenEntry]], writes: PollWrites
    ) -> int:
        pairs = [(story, doc) for story, _, doc, _ in moved]
        versions = await self._store.schedule.article_versions(pairs)
        now = self._clock.now()
        queued = held = 0
        for (story, entry, doc, old), version in zip(moved, versions, strict=True):
            if not cadence.signal_due(old.signaled, old.version, version, now, self._signal_every):
                held += 1
                continue
            queued += self._take(story, entry, JobReason.SIGNAL, writes)
            seen = SeenEntry(entry_stamp(entry), now, version)
            writes.seen[seen_field(story, doc)] = seen.value()
        if held:
            writes.counts["signals_held"] = held
        return queued

    def _passes(self, story: str, entry: FeedEntry) -> bool:
        return not self._prefilter or self._key_terms[story].passes(
            f"{entry.title} {entry.summary}"
        )

    def _take(self, story: str, entry: FeedEntry, reason: JobReason, writes: PollWrites) -> int:
        """The entry waits for its job (:mod:`.fairness`) with its deterministic id."""
        stamp = entry_stamp(entry) if reason is JobReason.SIGNAL else ""
        jid = job_id(self._store.keys, ArticleJob(story, entry.link, reason, stamp=stamp))
        try:
            host = source_of(entry.link)
        except ValueError:
            host = ""
        writes.waiting.append(Waiting(jid, story, entry.link, reason, entry.feed_url, host))
        return 1


def entry_stamp(entry: FeedEntry) -> str:
    when = entry.updated or entry.published
    return when.isoformat() if when else ""
