"""Versions of tracked articles and what their changes tell: ``article.updated``, ``fact.revised``.

Per fetch of a tracked article:

* same content hash as the current version: nothing is stored and nothing emitted; when the
  publisher's stamps moved (JSON-LD ``dateModified`` / ``article:modified_time``, HTTP
  ``Last-Modified``) the outcome is ``touched`` (the revisit schedule uses it);
* content seen before in this article's history (an A → B → A flip-flop): the current
  pointer moves back, no version is added and nothing is emitted — the change was already
  reported when it first happened, and the story's facts stay as they are;
* new content: a new version; ``article.updated`` when the sentence diff is substantive (page
  furniture ignored), and the facts' changes (:mod:`crawler.stages.article.facts`): ``fact.revised``
  scope ``article`` where the article's own figure moved by the margin, scope ``story``
  where the story's standing figure moved — never both for one change.

A first visit hands its version to :meth:`RevisionTracker.first_facts`, so the story's facts
see every tracked article, originals and copies. Nothing here writes: each step returns its
:class:`~crawler.store.WriteSet`, which the store commits in one MULTI/EXEC together with the
events, guarded by the version's claims (:mod:`crawler.store.claims`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime

from crawler.clock import Clock, SystemClock, utc
from crawler.config import StoryConfig
from crawler.core import events
from crawler.core.diff import diff_text
from crawler.core.facts import DEFAULT_VOCABULARY, Vocabulary, read_article
from crawler.core.facts.revise import AlertPolicy, Origin
from crawler.core.text import content_hash
from crawler.fetch import FetchResult
from crawler.models import Article, ArticleRef, Event, SeedProfile, Version
from crawler.stages.article.facts import StoryFacts, fact_events
from crawler.stages.article.revisits import publisher_stamps, stamps_moved
from crawler.store import Store, TrackedArticle, WriteSet
from crawler.store.claims import version_claims
from crawler.store.commit import Guard
from crawler.store.writes import NewVersion, PointBack, Reading, Stamps

log = logging.getLogger(__name__)


class RevisionTracker:
    def __init__(
        self,
        store: Store,
        vocabulary: Vocabulary = DEFAULT_VOCABULARY,
        profiles: Mapping[str, SeedProfile] | None = None,
        policy: AlertPolicy | None = None,
        clock: Clock | None = None,
    ) -> None:
        self._store = store
        self._clock = clock or SystemClock()
        self._vocabulary = vocabulary
        self._profiles = dict(profiles or {})
        self._facts = StoryFacts(store, policy or AlertPolicy(), self._profiles, self._clock)

    def first_version(
        self, story: str, fetched: FetchResult, article: Article, number: int = 1
    ) -> Version:
        profile = self._profiles.get(story)
        places = profile.places if profile else frozenset()
        now = utc(self._clock)
        return first_version(fetched, article, number, self._vocabulary, places, now)

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
        the event loop: facts are extracted there); its number is set here. Decided and
        committed under the version's claims (its document, the fact keys it reports).
        """
        page = version or self.first_version(story.id, fetched, article)
        stamps = publisher_stamps(article.modified, fetched.last_modified)

        async def decision(watch: Guard) -> tuple[WriteSet, tuple[str, WriteSet]]:
            writes, outcome = await self._decide(story, tracked, stamps, page, watch)
            return writes, (outcome, writes)

        claims = version_claims(tracked.doc, page)
        outcome, written = await self._store.decide(story.id, claims, decision, reads_first=True)
        read = [w.report.key for w in written.writes if isinstance(w, Reading)]
        if read:  # the timeline of each key it read keeps its latest entries (after the commit)
            await self._store.timeline.trim(story.id, read)
        return outcome

    async def _decide(
        self,
        story: StoryConfig,
        tracked: TrackedArticle,
        stamps: tuple[str, str],
        page: Version,
        watch: Guard,
    ) -> tuple[WriteSet, str]:
        articles = self._store.articles
        current = await watch.read(articles.get_read(story.id, tracked.doc)) or tracked  # guarded
        if page.content_hash == current.content_hash:
            return await self._unchanged(current, stamps)
        known = await articles.number_for_hash(story.id, tracked.doc, page.content_hash)
        if known is None:
            return await self._new_version(story, current, stamps, page)
        log.info("%s: %s is back to version %d", current.story, current.url, known)
        writes = WriteSet().add(
            PointBack(current.story, current.doc, known, page.content_hash, page.title),
            Stamps(current.story, current.doc, *stamps),
        )
        return writes, "reverted"

    async def _unchanged(
        self, current: TrackedArticle, now: tuple[str, str]
    ) -> tuple[WriteSet, str]:
        """``touched`` when the publisher's stamps moved since we last looked, else unchanged."""
        articles = self._store.articles
        seen = await articles.publisher_stamps(current.story, current.doc)
        if not any(seen):
            version = await articles.version(current.story, current.doc, current.version)
            if version is not None:
                seen = publisher_stamps(version.modified, version.last_modified)
        if not stamps_moved(now, seen):
            return WriteSet(), "unchanged"
        return WriteSet().add(Stamps(current.story, current.doc, *now)), "touched"

    async def _new_version(
        self,
        story: StoryConfig,
        current: TrackedArticle,
        stamps: tuple[str, str],
        page_version: Version,
    ) -> tuple[WriteSet, str]:
        articles = self._store.articles
        previous = await articles.version(story.id, current.doc, current.version)
        latest = current.latest or await articles.count_versions(story.id, current.doc)
        number = latest + 1
        version = replace(page_version, number=number)
        ref = article_ref(current, number, version.title)
        emitted = _text_events(story.id, ref, previous, version) if previous else []
        origin = Origin(ref, current.doc, current.cluster)
        changes = await self._facts.changes(story.id, origin, version, previous)
        emitted += fact_events(story.id, ref, changes)
        writes = WriteSet().add(
            NewVersion(story.id, current.doc, version), Stamps(story.id, current.doc, *stamps)
        )
        writes.extend(self._facts.writes(story.id, changes)).emit(emitted)
        writes.count({"versions": 1, "events_updates": len(emitted)})
        log.info("%s: %s version %d (%d events)", story.id, current.url, number, len(emitted))
        substantive = any(e.type in ("article.updated", "fact.revised") for e in emitted)
        return writes, "updated" if substantive else "edited"

    async def first_facts(
        self, story: str, ref: ArticleRef, doc: str, cluster: str, version: Version
    ) -> WriteSet:
        """A newly tracked article's facts join the story (committed with the tracking).

        ``cluster``: the representative's id when the article is a copy ("seed" for copies of
        the seed), "" when it is an original.
        """
        changes = await self._facts.changes(story, Origin(ref, doc, cluster), version, None)
        writes = self._facts.writes(story, changes)
        writes.extend(await self._facts.seed_writes(story))
        return writes.emit(fact_events(story, ref, changes))


def _text_events(story: str, ref: ArticleRef, previous: Version, version: Version) -> list[Event]:
    change = diff_text(f"{previous.title}\n{previous.text}", f"{version.title}\n{version.text}")
    if not change.substantive:
        return []
    hashes = (previous.content_hash, version.content_hash)
    return [events.updated(story, ref, previous.number, hashes, change.added, change.removed)]


def first_version(
    fetched: FetchResult,
    article: Article,
    number: int = 1,
    vocabulary: Vocabulary = DEFAULT_VOCABULARY,
    places: frozenset[str] = frozenset(),
    now: datetime | None = None,
) -> Version:
    """The :class:`Version` a fetched page makes (facts of headline and text read here),
    fetched at ``now`` (the system's time when not given)."""
    fetched_at = now or datetime.now(UTC)
    year = (article.published or fetched_at).year
    return Version(
        number=number,
        content_hash=content_hash(f"{article.title}\n{article.text}"),
        title=article.title,
        text=article.text,
        facts=read_article(article.title, article.text, year, vocabulary, places),
        fetched_at=fetched_at,
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
