"""The article stage: fetch → extract → canonical URL → judge → store version → events.

One call of :meth:`ArticlePipeline.process` handles one (story, url) job, first visit or
revisit. Everything it decides and writes for a story happens under that story's lock, in one
MULTI/EXEC transaction together with the events it emits, so a retried job (arq runs jobs at
least once) finds the work done and emits nothing twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from redis.asyncio.client import Pipeline

from crawler.config import Settings, StoryConfig
from crawler.core import events
from crawler.core.dedup import Fingerprint, fingerprint
from crawler.core.extract import extract_article
from crawler.core.relevance import needed_terms, relevance, top_terms, weights
from crawler.core.urls import canonical_url, choose_canonical, source_of
from crawler.fetch import Fetcher, FetchResult
from crawler.models import Article, ArticleRef, Decision, SeedProfile, Verdict
from crawler.revisions import RevisionTracker, article_ref
from crawler.revisits import RevisitPlanner
from crawler.store import Revisit, Store, TrackedArticle, doc_id

log = logging.getLogger(__name__)

SEED_DOC = "seed"


@dataclass(frozen=True, slots=True)
class ArticleJob:
    story: str
    url: str
    revisit: int = -1  # index into the story's revisit schedule; -1: not a scheduled revisit
    reason: str = "new"  # "new" | "revisit" | "signal" (the publisher announced a change)


@dataclass(frozen=True, slots=True)
class Page:
    fetched: FetchResult
    article: Article
    canonical: str
    doc: str


class ArticlePipeline:
    def __init__(
        self, settings: Settings, store: Store, fetcher: Fetcher, profiles: dict[str, SeedProfile]
    ) -> None:
        self._settings = settings
        self._store = store
        self._fetcher = fetcher
        self._profiles = profiles
        self._revisions = RevisionTracker(store, settings.facts.vocabulary(), profiles)
        self._revisits = RevisitPlanner(store)

    async def process(self, job: ArticleJob) -> str:
        """Handle one job; returns a one-word outcome for logs and counters."""
        story = self._settings.story_by_id(job.story)
        link_doc = doc_id(canonical_url(job.url))
        doc = await self._store.articles.doc_for_link(story.id, link_doc) or link_doc
        tracked = await self._store.articles.get(story.id, doc)
        if tracked is None and await self._store.articles.verdict(story.id, doc):
            return "already-judged"
        outcome = ""
        try:
            page = await self._fetch(job.url, tracked)
            if page is None:
                return "not-modified"
            tracked = tracked or await self._store.articles.get(story.id, page.doc)
            if tracked is None:
                return await self._first_visit(story, link_doc, page)
            outcome = await self._revisions.revisit(story, tracked, page.fetched, page.article)
            return outcome
        finally:
            await self._schedule_revisit(story, job, outcome, tracked)

    async def _fetch(self, url: str, tracked: TrackedArticle | None) -> Page | None:
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
        article = extract_article(fetched.body, fetched.url, charset=fetched.charset)
        canonical = choose_canonical(fetched.url, article.canonical_url)
        return Page(fetched, article, canonical, doc_id(canonical))

    async def _first_visit(self, story: StoryConfig, link_doc: str, page: Page) -> str:
        fp = fingerprint(page.article.text or page.article.title)
        async with self._store.story_lock(story.id):
            if await self._store.articles.verdict(story.id, page.doc):
                return "already-judged"
            decision, rep = await self._judge(story, page, fp)
            async with self._store.transaction() as pipe:
                self._store.articles.queue_alias(pipe, story.id, link_doc, page.doc)
                if decision.verdict == "unrelated":
                    self._store.articles.queue_verdict(pipe, story.id, page.doc, "unrelated")
                else:
                    self._queue_tracking(pipe, story, page, decision, rep, fp)
                    await self._record_facts(pipe, story, page, rep)
                await pipe.execute()
        await self._store.count(**{f"articles_{decision.verdict}": 1})
        log.log(
            logging.DEBUG if decision.verdict == "unrelated" else logging.INFO,  # no flood
            "%s: %s %s (relevance %.2f)",
            story.id,
            decision.verdict,
            page.fetched.url,
            decision.relevance,
        )
        return decision.verdict

    async def _judge(self, story: StoryConfig, page: Page, fp: Fingerprint) -> tuple[Decision, str]:
        """The verdict on a new article, and its cluster representative when it is a copy."""
        match = await self._store.index.find_copy(story.id, fp, story.duplicate_similarity)
        if match is not None:
            rep, rep_url = await self._representative(story.id, match.doc)
            return Decision("duplicate", duplicate_of=rep_url, similarity=match.similarity), rep
        profile = self._profiles[story.id]
        text = f"{page.article.title}\n{page.article.text}"
        stats = await self._store.terms.stats(needed_terms(profile.terms, profile.entities, text))
        score = relevance(weights(profile.terms, stats), profile.entities, text, stats)
        verdict: Verdict = "related" if score.score >= story.min_relevance else "unrelated"
        return Decision(verdict, relevance=score.score, shared_terms=score.shared_terms), ""

    async def _representative(self, story: str, doc: str) -> tuple[str, str]:
        """(doc id, url) of the representative of ``doc``'s cluster ("seed" for the seed)."""
        if doc == SEED_DOC:
            return SEED_DOC, SEED_DOC
        found = await self._store.articles.get(story, doc)
        if found is None:
            return doc, doc
        if not found.cluster:
            return doc, found.url
        if found.cluster == SEED_DOC:
            return SEED_DOC, SEED_DOC
        rep = await self._store.articles.get(story, found.cluster)
        return found.cluster, rep.url if rep else found.cluster

    def _queue_tracking(
        self,
        pipe: Pipeline,
        story: StoryConfig,
        page: Page,
        decision: Decision,
        rep: str,
        fp: Fingerprint,
    ) -> None:
        version = self._revisions.first_version(page.fetched, page.article)
        tracked = TrackedArticle(
            story=story.id,
            doc=page.doc,
            url=page.fetched.url,
            canonical_url=page.canonical,
            title=page.article.title,
            source=source_of(page.fetched.url),
            verdict=decision.verdict,
            cluster=rep,
            version=1,
            content_hash=version.content_hash,
            first_seen=_now().isoformat(),
            relevance=decision.relevance,
        )
        self._store.articles.queue_track(pipe, tracked, version)
        self._store.index.queue_add(pipe, story.id, page.doc, fp)
        if rep:
            self._store.index.queue_member(pipe, story.id, rep, page.doc)
        if decision.verdict == "related":  # the story's profile grows with what is related
            text = f"{page.article.title}\n{page.article.text}"
            self._store.discovery.queue_grow(pipe, story.id, top_terms(text))
        make = events.duplicate if decision.verdict == "duplicate" else events.related
        self._store.outbox.queue_add(pipe, [make(story.id, article_ref(tracked, 1), decision)])
        if story.revisit:
            due = _now().timestamp() + story.revisit[0]
            self._store.schedule.queue_revisit(pipe, Revisit(story.id, page.fetched.url, 0), due)

    async def _record_facts(self, pipe: Pipeline, story: StoryConfig, page: Page, rep: str) -> None:
        """Hand a newly tracked article's facts to the story's timeline (same transaction)."""
        version = self._revisions.first_version(page.fetched, page.article)
        source = source_of(page.fetched.url)
        ref = ArticleRef(page.fetched.url, page.canonical, page.article.title, source, 1)
        await self._revisions.queue_first_facts(pipe, story.id, ref, page.doc, rep, version)

    async def _schedule_revisit(
        self, story: StoryConfig, job: ArticleJob, outcome: str, tracked: TrackedArticle | None
    ) -> None:
        """The next revisit (crawler/revisits.py): the story's schedule, sooner on signals."""
        await self._revisits.after_fetch(story, job.url, job.revisit, outcome, tracked)


def _now() -> datetime:
    return datetime.now(UTC)
