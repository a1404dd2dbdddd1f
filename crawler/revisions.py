"""Revisits of tracked articles: new versions, ``article.updated`` and ``fact.revised``.

* Same content hash as the current version: nothing is written, nothing emitted.
* Content seen before in this article's history (an A → B → A flip-flop): the current
  pointer moves back, no version is added and nothing is emitted — the change was already
  reported when it first happened.
* New content: a new version is stored; ``article.updated`` when the sentence diff is
  substantive (page furniture ignored), ``fact.revised`` for every fact key whose reading
  changed against the previous version (scope ``article``).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from crawler.config import StoryConfig
from crawler.core import events
from crawler.core.diff import diff_facts, diff_text
from crawler.core.facts import extract_facts
from crawler.core.text import content_hash
from crawler.fetch import FetchResult
from crawler.models import Article, ArticleRef, Event, Version
from crawler.store import Store, TrackedArticle

log = logging.getLogger(__name__)


class RevisionTracker:
    def __init__(self, store: Store) -> None:
        self._store = store

    async def revisit(
        self, story: StoryConfig, tracked: TrackedArticle, fetched: FetchResult, article: Article
    ) -> str:
        new_hash = content_hash(f"{article.title}\n{article.text}")
        async with self._store.story_lock(story.id):
            current = await self._store.articles.get(story.id, tracked.doc) or tracked
            if new_hash == current.content_hash:
                return "unchanged"
            known = await self._store.articles.number_for_hash(story.id, tracked.doc, new_hash)
            if known is not None:
                await self._point_back(current, known, new_hash, article.title)
                return "reverted"
            return await self._new_version(story, current, fetched, article)

    async def _point_back(
        self, current: TrackedArticle, number: int, content: str, title: str
    ) -> None:
        async with self._store.transaction() as pipe:
            self._store.articles.queue_current(
                pipe, current.story, current.doc, number, content, title
            )
            await pipe.execute()
        log.info("%s: %s is back to version %d", current.story, current.url, number)

    async def _new_version(
        self, story: StoryConfig, current: TrackedArticle, fetched: FetchResult, article: Article
    ) -> str:
        previous = await self._store.articles.version(story.id, current.doc, current.version)
        history = await self._store.articles.versions(story.id, current.doc)
        number = max((v.number for v in history), default=0) + 1
        version = first_version(fetched, article, number)
        ref = article_ref(current, number, version.title)
        emitted = _events(story.id, ref, previous, version) if previous else []
        async with self._store.transaction() as pipe:
            self._store.articles.queue_version(pipe, story.id, current.doc, version)
            self._store.outbox.queue_add(pipe, emitted)
            await pipe.execute()
        await self._store.count(versions=1, events_updates=len(emitted))
        log.info("%s: %s version %d (%d events)", story.id, current.url, number, len(emitted))
        return "updated" if emitted else "edited"


def _events(story: str, ref: ArticleRef, previous: Version, version: Version) -> list[Event]:
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


def first_version(fetched: FetchResult, article: Article, number: int = 1) -> Version:
    """The :class:`Version` a fetched page makes (facts extracted here)."""
    year = (article.published or datetime.now(UTC)).year
    return Version(
        number=number,
        content_hash=content_hash(f"{article.title}\n{article.text}"),
        title=article.title,
        text=article.text,
        facts=extract_facts(article.text, reference_year=year),
        fetched_at=datetime.now(UTC),
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
