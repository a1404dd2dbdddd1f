"""The article stage: fetch → extract → canonical URL → judge → store version → events.

One call of :meth:`ArticlePipeline.process` handles one (story, url) job, first visit or
revisit. What it decides comes back from the judging and versioning steps as a write set
(:mod:`crawler.store.writes`) that the store commits in one MULTI/EXEC together with the
events it emits, so a retried job (arq runs jobs at least once) finds the work done and emits
nothing twice. There is no story-wide lock: each decision names its claims (the page's own
document, its copy-index buckets, the fact keys it reports; :mod:`crawler.store.claims`) and
is made again when a racing job committed on one of them meanwhile.

* **CPU work off the event loop.** Extraction, the copy fingerprint and the facts of a page
  (:func:`analyse`) run in a worker thread (``asyncio.to_thread``; selectolax parses without
  holding the GIL), so one big page never stalls the other jobs, the scheduler or hook
  delivery. :func:`analyse` is pure and shares no mutable state (its caches
  are thread-safe ``functools.lru_cache``s). Pages that would keep the parser busy for long
  are refused before parsing (:mod:`crawler.core.extract.nesting`). Relevance stays on the
  loop: it is cheap and uses a shared Snowball stemmer, which is not thread-safe.
* **One rendering per article.** A tracked article is always fetched at the URL it was first
  fetched from. A link that folds onto it — an AMP, mobile or desktop variant with the same
  canonical URL, or a page that declares it canonical — is never diffed against it: renderings
  differ in furniture and length, and comparing them would report updates that are not there
  and make the versions flip-flop. When such a link is fetched before it is known (its page
  names the tracked article as canonical), it is remembered as an alias and the tracked URL is
  fetched instead, so a publisher's signal on the variant still finds a real change.
* **Judged once, unless the publisher signals a change.** ``unrelated`` is final for new
  entries; a ``signal`` job (the feed entry's ``updated`` stamp moved) fetches the page again
  and, when its words changed since it was judged, judges it again like a first visit (a short
  breaking first version can grow into the story).
* **Failed first visits are kept** (:meth:`ArticlePipeline.retry_later`): after
  ``[worker] max_tries`` retryable failures the link goes to the story's retry-later set and is
  tried again in later rounds, hours apart (:data:`crawler.stages.article.revisits.RETRY_LATER`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from crawler.clock import Clock, SystemClock, utc
from crawler.config import Settings, StoryConfig
from crawler.core.dedup import Fingerprint, fingerprint
from crawler.core.extract import extract_article
from crawler.core.facts import Vocabulary
from crawler.core.facts.story import SEED_DOC
from crawler.core.urls import choose_canonical, source_of
from crawler.fetch import Fetcher, FetchResult
from crawler.models import Article, ArticleJob, ArticleRef, Decision, SeedProfile, Version
from crawler.stages.article.judging import Judge, Ruling
from crawler.stages.article.revisits import RevisitPlanner
from crawler.stages.article.versions import RevisionTracker, first_version
from crawler.store import Store, TrackedArticle, WriteSet, doc_id, url_doc
from crawler.store.claims import copy_claims, fact_claims
from crawler.store.commit import Guard
from crawler.store.index import Candidates
from crawler.store.reads import both
from crawler.store.writes import Alias, JobDone

__all__ = ["SEED_DOC", "ArticlePipeline", "JobTiming", "Page", "analyse"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Page:
    fetched: FetchResult
    article: Article
    canonical: str
    doc: str
    version: Version  # numbered 1 (a revisit renumbers it); facts extracted once, here
    fingerprint: Fingerprint | None = None  # computed for first visits


@dataclass(slots=True)
class JobTiming:
    """When a job attempt started (``time.perf_counter``), and whether the commit that ended
    it carried its duration and outcome (a first visit's does: no round trip of its own)."""

    started: float
    recorded: bool = False

    def elapsed(self) -> float:
        return time.perf_counter() - self.started


def analyse(
    fetched: FetchResult,
    vocabulary: Vocabulary,
    fingerprinted: bool,
    places: frozenset[str] = frozenset(),
    now: datetime | None = None,
) -> Page:
    """Everything CPU-heavy about one fetched page (pure; runs in a worker thread).
    ``places``: the story's own places (its facts' scopes are read against them); ``now``:
    when it was fetched (the clock's time; the system's when not given)."""
    started = time.perf_counter()
    article = extract_article(fetched.body, fetched.url, charset=fetched.charset)
    canonical = choose_canonical(fetched.url, article.canonical_url)
    version = first_version(fetched, article, 1, vocabulary, places, now)
    found = fingerprint(article.text or article.title) if fingerprinted else None
    log.debug(
        "analysed %s (%d bytes) in %.1f ms",
        fetched.url,
        len(fetched.body),
        (time.perf_counter() - started) * 1000,
    )
    return Page(fetched, article, canonical, doc_id(canonical), version, found)


class ArticlePipeline:
    def __init__(
        self,
        settings: Settings,
        store: Store,
        fetcher: Fetcher,
        profiles: dict[str, SeedProfile],
        clock: Clock | None = None,
    ) -> None:
        self._settings = settings
        self._store = store
        self._fetcher = fetcher
        self._profiles = profiles
        self._vocabulary = settings.facts.vocabulary()
        policy = settings.facts.policy()
        self._clock = clock or SystemClock()
        self._revisions = RevisionTracker(store, self._vocabulary, profiles, policy, self._clock)
        self._judge = Judge(store, profiles, self._clock)
        self._revisits = RevisitPlanner(store, settings.worker.retry_later, self._clock)

    async def process(self, job: ArticleJob, timing: JobTiming | None = None) -> str:
        """Handle one job; returns a one-word outcome for logs and counters. ``timing``: a
        first visit's commit records the job (:class:`JobTiming`)."""
        story = self._settings.story_by_id(job.story)
        link_doc = url_doc(job.url)
        doc, tracked, verdict = await self._store.articles.lookup(story.id, link_doc)
        if tracked is None and not _may_judge(verdict, job):
            return "already-judged"
        outcome = ""
        try:
            page = await self._fetch(story.id, tracked.url if tracked else job.url, tracked)
            if page is None:
                return "not-modified"
            if tracked is None:
                if page.doc != doc:  # its page names another canonical URL: tracked already?
                    tracked = await self._store.articles.get(story.id, page.doc)
                if tracked is None:  # (a job that tracked it meanwhile: its decision sees it)
                    signal = job.reason == "signal"
                    return await self._first_visit(story, link_doc, page, signal, timing)
                page = await self._tracked_rendering(story.id, link_doc, page, tracked)
                if page is None:
                    return "not-modified"
            if tracked.cluster and page.fingerprint is not None:
                changed = page.version.content_hash != tracked.content_hash
                if changed and await self._judge.separate(story, tracked, page.fingerprint):
                    tracked = replace(tracked, cluster="", verdict="related")
            outcome = await self._revisions.revisit(
                story, tracked, page.fetched, page.article, page.version
            )
            return outcome
        finally:
            await self._schedule_revisit(story, job, outcome, tracked)

    async def retry_later(self, job: ArticleJob) -> str:
        """After a first visit's last retryable failure: keep the link for a later round.

        Returns the job's outcome: ``retry-later``, or ``fetch-failed`` when the link needs
        none (a tracked article's revisits go on; a judged one is done) or used every round.
        """
        if job.revisit is not None:
            return "fetch-failed"
        link_doc = url_doc(job.url)
        doc = await self._store.articles.doc_for_link(job.story, link_doc) or link_doc
        if await self._store.articles.verdict(job.story, doc):
            return "fetch-failed"
        due = await self._revisits.retry_later(job.story, job.url, job.retry)
        if due is None:
            log.warning("%s: giving up on %s for good (%d rounds)", job.story, job.url, job.retry)
            return "fetch-failed"
        when = datetime.fromtimestamp(due, UTC)
        log.warning("%s: will try %s again at %s", job.story, job.url, f"{when:%Y-%m-%d %H:%M}Z")
        return "retry-later"

    async def _fetch(self, story: str, url: str, tracked: TrackedArticle | None) -> Page | None:
        etag = last_modified = ""
        if tracked is not None:
            current = await self._store.articles.version(
                tracked.story, tracked.doc, tracked.version
            )
            if current is not None:
                etag, last_modified = current.etag, current.last_modified
        fetched = await self._fetcher.fetch(url, "html", etag=etag, last_modified=last_modified)
        if fetched.not_modified:
            return None
        fingerprinted = tracked is None or bool(tracked.cluster)  # copies: to see them diverge
        places = self._profiles[story].places if story in self._profiles else frozenset()
        now = utc(self._clock)
        return await asyncio.to_thread(
            analyse, fetched, self._vocabulary, fingerprinted, places, now
        )

    async def _tracked_rendering(
        self, story: str, link_doc: str, page: Page, tracked: TrackedArticle
    ) -> Page | None:
        """The page to compare with ``tracked``: ``page`` when it was fetched from the tracked
        URL, else the tracked URL fetched now (another rendering is never diffed)."""
        if page.fetched.url == tracked.url:
            return page
        log.info("%s: %s renders tracked %s; fetching that", story, page.fetched.url, tracked.url)
        await self._store.commit(WriteSet().add(Alias(story, link_doc, tracked.doc)))
        return await self._fetch(story, tracked.url, tracked)

    async def _first_visit(
        self,
        story: StoryConfig,
        link_doc: str,
        page: Page,
        rejudge: bool,
        timing: JobTiming | None = None,
    ) -> str:
        """Judge a new page; ``rejudge``: a page judged unrelated is judged again when its
        words changed since (the publisher signalled a change). Decided and committed under
        the page's claims: a racing job that indexed a copy of it, or moved a figure it
        reports, meanwhile makes it decide again from fresh reads."""
        fp = page.fingerprint or fingerprint(page.article.text or page.article.title)

        async def decision(watch: Guard) -> tuple[WriteSet, tuple[Decision | None, str | None]]:
            judgement = self._store.articles.judgement_read(story.id, page.doc)
            proposed = self._store.index.candidates_read(story.id, fp)
            (verdict, judged), found = await watch.read(both(judgement, proposed))  # guarded
            if verdict and not (
                rejudge and verdict == "unrelated" and judged != page.version.content_hash
            ):
                return WriteSet(), (None, verdict)
            ruling = await self._rule(story, page, fp, watch, found)
            writes = WriteSet().add(Alias(story.id, link_doc, page.doc))
            writes.extend(self._judge.writes(story, page, ruling, fp))
            if ruling.decision.verdict != "unrelated":
                writes.extend(await self._first_facts(story, page, ruling.cluster))
            writes.count({f"articles_{ruling.decision.verdict}": 1})
            if timing is not None:
                writes.add(JobDone(timing.elapsed(), ruling.decision.verdict))
            if ruling.moves_copies():
                writes.claims.update(copies)  # racing copies may find it now: they look again
            if ruling.decision.verdict == "related" and ruling.landmark is None:
                writes.claims.add(LANDMARK)  # it sets the profile's landmark (and seeds it)
            return writes, (ruling.decision, verdict)

        copies = copy_claims(page.doc, fp)
        claims = [*copies, *fact_claims(page.version), LANDMARK]
        decided, before = await self._store.decide(story.id, claims, decision, reads_first=True)
        if decided is None:
            return "already-judged"
        if timing is not None:
            timing.recorded = True
        log.log(
            logging.DEBUG if decided.verdict == "unrelated" else logging.INFO,  # no flood
            "%s: %s %s (relevance %.2f)%s",
            story.id,
            decided.verdict,
            page.fetched.url,
            decided.relevance,
            " on a second look" if before else "",
        )
        return decided.verdict

    async def _rule(
        self, story: StoryConfig, page: Page, fp: Fingerprint, watch: Guard, found: Candidates
    ) -> Ruling:
        """The judge's ruling (``found``: the copy index's candidates, read with the page's
        judgement); one that reshapes clusters (merges them, or moves their members to this
        page) is made again from fresh reads once their membership is watched, so a copy
        joining one of them meanwhile is never left behind."""
        ruling = await self._judge.rule(story, page, fp, watch, found)
        watched: set[str] = set()
        while set(ruling.former) - watched:
            watched |= set(ruling.former)
            await watch([f"cluster:{rep}" for rep in sorted(watched)])
            ruling = await self._judge.rule(story, page, fp, watch)
        return ruling

    async def _first_facts(self, story: StoryConfig, page: Page, rep: str) -> WriteSet:
        """A newly tracked article's facts for the story's timeline (same commit)."""
        source = source_of(page.fetched.url)
        ref = ArticleRef(page.fetched.url, page.canonical, page.article.title, source, 1)
        return await self._revisions.first_facts(story.id, ref, page.doc, rep, page.version)

    async def _schedule_revisit(
        self, story: StoryConfig, job: ArticleJob, outcome: str, tracked: TrackedArticle | None
    ) -> None:
        """The next revisit (:mod:`.revisits`): the story's schedule, sooner on signals."""
        await self._revisits.after_fetch(story, job.url, job.revisit, outcome, tracked)


def _may_judge(verdict: str | None, job: ArticleJob) -> bool:
    """Never judged, or judged unrelated and the publisher signals a change."""
    return verdict is None or (verdict == "unrelated" and job.reason == "signal")


LANDMARK = "profile:landmark"  # the story's first related page sets it and seeds the profile
