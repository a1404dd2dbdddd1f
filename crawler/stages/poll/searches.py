"""Discovery: news-search feeds built from the story's profile, refreshed as it grows.

For every ``[[story]]`` with ``discover = true`` newswatch adds two feeds — a Google News RSS
search and a GDELT DOC 2.0 article list as RSS (``crawler/core/queries.py`` builds them) —
asking for the profile's ``[discovery] terms`` strongest terms. They are ordinary feeds for
the scheduler: polled every ``[discovery] interval`` with conditional GETs, their entries
pre-filtered and judged like any other.

The profile grows: every article judged related adds its strongest terms to the story's
grown profile in Redis (``crawler/store/discovery.py``). Every ``[discovery] refresh`` (and when
a scheduler starts) the queries are rebuilt; when they change, the new search feeds replace
the old ones in the story's registry ``{p}discovery:{s}``. Only a process running the
scheduler refreshes (workers never do), and a scheduler that claims a search feed it has not
built itself — another scheduler refreshed first — reads it from that registry
(:meth:`Discovery.registered`) and polls it. The same refresh gives the pre-filter its key
terms (:func:`crawler.core.relevance.ranked_terms`, one ranking for both). Whenever the grown
profile has changed since the last look — for every story, discovering or not — the feed
entries the pre-filter skipped are re-checked against those key terms; those that pass now
are fetched.

Base URLs are configurable (``[discovery] google_news_url``, ``gdelt_url``) so that tests and
private mirrors can stand in for the real services.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from typing import Protocol

from crawler.config import FeedConfig, Settings
from crawler.core.queries import SearchSettings, query_words, search_urls
from crawler.core.relevance import KeyTerms, entity_terms, key_terms, ranked_terms
from crawler.core.urls import followable
from crawler.models import ArticleJob, SeedProfile
from crawler.store import Store
from crawler.store.queue import JobQueue

log = logging.getLogger(__name__)


class FeedRegistry(Protocol):
    async def refresh(self) -> None: ...


@dataclass(frozen=True, slots=True)
class Refreshed:
    feeds: list[FeedConfig] = field(default_factory=list)  # every discovery feed now wanted
    key_terms: dict[str, KeyTerms] = field(default_factory=dict)  # per story: the pre-filter's


class Discovery:
    def __init__(
        self,
        settings: Settings,
        store: Store,
        profiles: dict[str, SeedProfile],
        queue: JobQueue,
    ) -> None:
        self._settings = settings
        self._store = store
        self._profiles = profiles
        self._queue = queue
        config = settings.discovery
        self._grown_size: dict[str, float] = {}  # grown profile at the last re-check
        self._search = SearchSettings(
            config.google_news_url, config.gdelt_url, config.terms, config.language, config.timespan
        )

    async def refresh(self) -> Refreshed:
        """Rebuild every story's key terms and every discovering story's queries (replacing
        its registered searches), and re-check skipped entries when the profile grew.

        Call it only from a scheduler: it changes which feeds exist."""
        done = Refreshed()
        for story in self._settings.story:
            grown = await self._store.discovery.grown(story.id)
            ranked = await self._ranked(story.id, grown)
            done.key_terms[story.id] = key_terms(ranked, self._profiles[story.id].entities)
            size = round(sum(grown.values()), 3)
            if grown and self._grown_size.get(story.id) != size:
                await self.recheck_skipped(story.id, done.key_terms[story.id])
                self._grown_size[story.id] = size
            if story.discover:
                done.feeds.extend(await self._searches(story.id, ranked))
        return done

    async def registered(self) -> dict[str, FeedConfig]:
        """The discovery feeds in the Redis registry now, whoever built them (url → config)."""
        found: dict[str, FeedConfig] = {}
        for story in self._settings.story:
            if story.discover:
                urls = sorted(await self._store.discovery.feeds(story.id))
                found.update((f.url, f) for f in self._feeds(story.id, urls))
        return found

    async def _searches(self, story: str, ranked: list[str]) -> list[FeedConfig]:
        urls = search_urls(self._words(story, ranked), self._search)
        if set(urls) != await self._store.discovery.feeds(story):
            await self._store.discovery.set_feeds(story, urls)
            log.info("%s: discovery searches %s", story, urls)
        return self._feeds(story, urls)

    def _feeds(self, story: str, urls: list[str]) -> list[FeedConfig]:
        interval = self._settings.discovery.interval
        return [FeedConfig(url=u, interval=interval, stories=(story,)) for u in urls]

    async def _ranked(self, story: str, grown: dict[str, float]) -> list[str]:
        profile = self._profiles[story]
        wanted = set(profile.terms) | set(grown) | entity_terms(profile.entities)
        stats = await self._store.terms.stats(wanted)
        return ranked_terms(profile.terms, grown, stats, profile.entities)

    def _words(self, story: str, ranked: list[str]) -> list[str]:
        profile = self._profiles[story]
        return query_words(ranked, [f"{profile.title}\n{profile.text}"], self._search.terms)

    async def recheck_skipped(self, story: str, key: KeyTerms) -> int:
        """Fetch the skipped entries that pass the pre-filter with ``key``; returns how many
        were queued (they leave the skipped list)."""
        passing = [
            e
            for e in await self._store.discovery.skipped(story)
            if key.passes(f"{e.title} {e.summary}") and followable(e.link)
        ]
        for entry in passing:
            await self._queue.enqueue(ArticleJob(story, entry.link))
        await self._store.discovery.forget_skipped(story, [e.id for e in passing])
        if passing:
            await self._store.count(entries_rechecked=len(passing))
            log.info("%s: %d skipped entries pass the grown profile", story, len(passing))
        return len(passing)

    async def run(self, stop: asyncio.Event, registry: FeedRegistry) -> None:
        """Refresh every ``[discovery] refresh`` until ``stop`` is set."""
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self._settings.discovery.refresh)
            if stop.is_set():
                break
            try:
                await registry.refresh()
            except Exception:  # keep refreshing through a Redis outage; log each failure
                log.exception("discovery refresh failed; retrying")
