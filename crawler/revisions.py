"""Versions of tracked articles and what their changes tell: ``article.updated``, ``fact.revised``.

Per fetch of a tracked article:

* same content hash as the current version: nothing is stored and nothing emitted; when the
  publisher's stamps moved (JSON-LD ``dateModified`` / ``article:modified_time``, HTTP
  ``Last-Modified``) the outcome is ``touched`` (the revisit schedule uses it);
* content seen before in this article's history (an A → B → A flip-flop): the current
  pointer moves back, no version is added and nothing is emitted — the change was already
  reported when it first happened, and the story's facts stay as they are;
* new content: a new version; ``article.updated`` when the sentence diff is substantive (page
  furniture ignored), ``fact.revised`` scope ``article`` for every fact key whose reading
  changed against the previous version, and the story's facts are updated (see
  :mod:`crawler.core.facts.story`), which may add ``fact.revised`` scope ``story``.

A first visit hands its version to :meth:`RevisionTracker.queue_first_facts`, so the story's
facts see every tracked article, originals and copies. Everything is written in the caller's
MULTI/EXEC together with the events, under the story's lock.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime

from redis.asyncio.client import Pipeline

from crawler.config import StoryConfig
from crawler.core import events
from crawler.core.diff import diff_facts, diff_text
from crawler.core.facts import DEFAULT_VOCABULARY, Vocabulary, extract_facts, facts_by_key
from crawler.core.facts.story import SEED_DOC, Report, judge
from crawler.core.text import content_hash
from crawler.fetch import FetchResult
from crawler.models import Article, ArticleRef, Event, SeedProfile, Version
from crawler.revisits import publisher_stamps, stamps_moved
from crawler.store import Store, TrackedArticle
from crawler.store.timeline import entry_field

log = logging.getLogger(__name__)


class RevisionTracker:
    def __init__(
        self,
        store: Store,
        vocabulary: Vocabulary = DEFAULT_VOCABULARY,
        profiles: Mapping[str, SeedProfile] | None = None,
    ) -> None:
        self._store = store
        self._vocabulary = vocabulary
        self._profiles = dict(profiles or {})

    def first_version(self, fetched: FetchResult, article: Article, number: int = 1) -> Version:
        return first_version(fetched, article, number, self._vocabulary)

    async def revisit(
        self,
        story: StoryConfig,
        tracked: TrackedArticle,
        fetched: FetchResult,
        article: Article,
        version: Version | None = None,
    ) -> str:
        """Store what changed; returns unchanged | touched | reverted | edited | updated.

        ``version``: the page's :func:`first_version` when the caller built it already (off
        the event loop: facts are extracted there); its number is set here.
        """
        version = version or self.first_version(fetched, article)
        new_hash = version.content_hash
        async with self._store.story_lock(story.id):
            current = await self._store.articles.get(story.id, tracked.doc) or tracked
            if new_hash == current.content_hash:
                return await self._unchanged(current, fetched, article)
            known = await self._store.articles.number_for_hash(story.id, tracked.doc, new_hash)
            if known is not None:
                stamps = publisher_stamps(article.modified, fetched.last_modified)
                await self._point_back(current, known, new_hash, article.title, stamps)
                return "reverted"
            return await self._new_version(story, current, fetched, article, version)

    async def _unchanged(
        self, current: TrackedArticle, fetched: FetchResult, article: Article
    ) -> str:
        """``touched`` when the publisher's stamps moved since we last looked, else unchanged."""
        articles = self._store.articles
        seen = await articles.publisher_stamps(current.story, current.doc)
        if not any(seen):
            version = await articles.version(current.story, current.doc, current.version)
            if version is not None:
                seen = publisher_stamps(version.modified, version.last_modified)
        now = publisher_stamps(article.modified, fetched.last_modified)
        if not stamps_moved(now, seen):
            return "unchanged"
        async with self._store.transaction() as pipe:
            self._store.articles.queue_publisher_stamps(pipe, current.story, current.doc, *now)
            await pipe.execute()
        return "touched"

    async def _point_back(
        self,
        current: TrackedArticle,
        number: int,
        content: str,
        title: str,
        stamps: tuple[str, str],
    ) -> None:
        articles = self._store.articles
        async with self._store.transaction() as pipe:
            articles.queue_current(pipe, current.story, current.doc, number, content, title)
            articles.queue_publisher_stamps(pipe, current.story, current.doc, *stamps)
            await pipe.execute()
        log.info("%s: %s is back to version %d", current.story, current.url, number)

    async def _new_version(
        self,
        story: StoryConfig,
        current: TrackedArticle,
        fetched: FetchResult,
        article: Article,
        page_version: Version,
    ) -> str:
        articles = self._store.articles
        previous = await articles.version(story.id, current.doc, current.version)
        latest = current.latest or await articles.count_versions(story.id, current.doc)
        number = latest + 1
        version = replace(page_version, number=number)
        ref = article_ref(current, number, version.title)
        emitted = _article_events(story.id, ref, previous, version) if previous else []
        revised = {
            f"{e.body['fact']['kind']}|{e.body['fact']['subject']}"
            for e in emitted
            if e.type == "fact.revised"
        }
        async with self._store.transaction() as pipe:
            self._store.articles.queue_version(pipe, story.id, current.doc, version)
            stamps = publisher_stamps(article.modified, fetched.last_modified)
            self._store.articles.queue_publisher_stamps(pipe, story.id, current.doc, *stamps)
            origin = _Origin(ref, current.doc, current.cluster)
            emitted += await self._queue_story_facts(
                pipe, story.id, origin, version, previous, revised
            )
            self._store.outbox.queue_add(pipe, emitted)
            await pipe.execute()
        await self._store.count(versions=1, events_updates=len(emitted))
        log.info("%s: %s version %d (%d events)", story.id, current.url, number, len(emitted))
        substantive = any(e.type in ("article.updated", "fact.revised") for e in emitted)
        return "updated" if substantive else "edited"

    async def queue_first_facts(
        self, pipe: Pipeline, story: str, ref: ArticleRef, doc: str, cluster: str, version: Version
    ) -> None:
        """A newly tracked article's facts join the story (same transaction as the tracking).

        ``cluster``: the representative's id when the article is a copy ("seed" for copies of
        the seed), "" when it is an original.
        """
        origin = _Origin(ref, doc, cluster)
        emitted = await self._queue_story_facts(pipe, story, origin, version, None, set())
        await self._queue_seed_facts(pipe, story)
        self._store.outbox.queue_add(pipe, emitted)

    async def _queue_story_facts(
        self,
        pipe: Pipeline,
        story: str,
        origin: _Origin,
        version: Version,
        previous: Version | None,
        revised: set[str],
    ) -> list[Event]:
        """Record the version's new readings; story-scope ``fact.revised`` where one moves."""
        reports = _reports(origin, version, previous)
        current = await self._store.timeline.current(story, [r.key for r in reports])
        out: list[Event] = []
        for report in reports:
            before = current.get(report.key)
            verdict = judge(before, report, "|".join(report.key) in revised)
            recorded = report.with_effect(verdict.effect)
            self._store.timeline.queue_entry(pipe, story, recorded)
            if verdict.becomes_current:
                self._store.timeline.queue_current(pipe, story, recorded)
                current[report.key] = recorded
            if verdict.story_revision and before is not None:
                out.append(_story_revision(story, before, recorded))
        return out

    async def _queue_seed_facts(self, pipe: Pipeline, story: str) -> None:
        """The seed's readings open the timeline (written once)."""
        profile = self._profiles.get(story)
        if profile is None:
            return
        year = datetime.now(UTC).year
        facts = facts_by_key(extract_facts(profile.text, year, self._vocabulary))
        ref = ArticleRef(profile.source_url, profile.source_url, profile.title, SEED_DOC, 1)
        reports = [Report(f, ref, SEED_DOC, SEED_DOC, None, _now(), "seed") for f in facts.values()]
        fields = [entry_field(r) for r in reports]
        present = await self._store.timeline.has_entries(story, fields)
        for report, there in zip(reports, present, strict=True):
            if not there:
                self._store.timeline.queue_entry(pipe, story, report)


class _Origin:
    """Who reports: the article's reference, its id and its cluster ("" = its own)."""

    __slots__ = ("cluster", "doc", "ref")

    def __init__(self, ref: ArticleRef, doc: str, cluster: str) -> None:
        self.ref, self.doc, self.cluster = ref, doc, cluster or doc


def _reports(origin: _Origin, version: Version, previous: Version | None) -> list[Report]:
    """One report per key the version states for the first time or with a new reading."""
    before = facts_by_key(previous.facts) if previous else {}
    when = reported_at(version, previous)
    return [
        Report(fact, origin.ref, origin.doc, origin.cluster, when, version.fetched_at)
        for key, fact in facts_by_key(version.facts).items()
        if key not in before or not before[key].same_reading(fact)
    ]


def reported_at(version: Version, previous: Version | None) -> datetime:
    """When the publisher stated this version's figures (never later than we saw them).

    A first version: its modification (or publication) time, whichever is later. A later
    version: its modification time when that moved, else the time we fetched it.
    """
    seen = version.fetched_at
    if previous is None:
        stated = [t for t in (version.published, version.modified) if t is not None]
        when = max(stated, default=seen)
    elif version.modified and (previous.modified is None or version.modified > previous.modified):
        when = version.modified
    else:
        when = seen
    return min(when, seen)


def _article_events(
    story: str, ref: ArticleRef, previous: Version, version: Version
) -> list[Event]:
    out: list[Event] = []
    change = diff_text(f"{previous.title}\n{previous.text}", f"{version.title}\n{version.text}")
    if change.substantive:
        out.append(
            events.updated(
                story,
                ref,
                previous.number,
                (previous.content_hash, version.content_hash),
                change.added,
                change.removed,
            )
        )
    for fact_change in diff_facts(previous.facts, version.facts):
        out.append(events.fact_revised(story, ref, fact_change.old, fact_change.new))
    return out


def _story_revision(story: str, before: Report, report: Report) -> Event:
    return events.fact_revised(story, report.article, before.fact, report.fact, before.article)


def first_version(
    fetched: FetchResult,
    article: Article,
    number: int = 1,
    vocabulary: Vocabulary = DEFAULT_VOCABULARY,
) -> Version:
    """The :class:`Version` a fetched page makes (facts extracted here)."""
    year = (article.published or datetime.now(UTC)).year
    return Version(
        number=number,
        content_hash=content_hash(f"{article.title}\n{article.text}"),
        title=article.title,
        text=article.text,
        facts=extract_facts(article.text, year, vocabulary),
        fetched_at=_now(),
        published=article.published,
        modified=article.modified,
        etag=fetched.etag,
        last_modified=fetched.last_modified,
    )


def article_ref(tracked: TrackedArticle, version: int, title: str | None = None) -> ArticleRef:
    return ArticleRef(
        url=tracked.url,
        canonical_url=tracked.canonical_url,
        title=tracked.title if title is None else title,
        source=tracked.source,
        version=version,
    )


def _now() -> datetime:
    return datetime.now(UTC)
