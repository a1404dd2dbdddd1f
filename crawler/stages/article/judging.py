"""The first-visit judgement: is a new page a copy, related to the story, or unrelated?

:meth:`Judge.rule` reads and decides; :meth:`Judge.writes` returns every write of the ruling
as data, which the article stage commits under the page's claims (:mod:`crawler.store.claims`:
a racing copy that landed meanwhile makes the stage decide again, no story-wide lock).

* **Copies.** The copy index proposes candidates; :func:`crawler.core.dedup.confirm` compares
  the reporting (furniture dropped) by 3-grams and sentence by sentence. A page that copies
  tracked articles joins their cluster and gets ``article.duplicate``, naming the cluster's
  representative as the user knew it and how the copy differs from it. Every cluster it
  copies is one story piece, so when it copies members of several clusters they merge. The
  **representative** of a cluster is its earliest *published* member (the page's own time,
  falling back to when it was first seen) — or the seed for copies of the seed — whatever
  order the pages were processed in: a copy published before the representative becomes
  the representative (the members move to it silently; the facts ledger and ``newswatch
  story`` follow the cluster fields). So every order of arrival ends with the same clusters
  and representatives, and each cluster has one ``article.related`` (its first-seen member)
  and an ``article.duplicate`` for every other member.
* **Relevance.** Otherwise the page is scored against the seed and the grown profile
  (:func:`crawler.core.profile.judge`); related pages add to the profile. Unrelated pages whose
  best score reached ``NEAR_MISS`` × ``min_relevance`` are kept as near misses with their
  scores and terms (``newswatch story``), and every unrelated verdict is logged at debug level
  with the same explanation.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from crawler.clock import Clock, SystemClock, utc
from crawler.config import StoryConfig
from crawler.core import events
from crawler.core.copies import Likeness, compare, confirm
from crawler.core.dedup import Fingerprint
from crawler.core.facts.story import SEED_DOC
from crawler.core.profile import NEAR_MISS, SEED_WEIGHT, Judgement, contribution, judge
from crawler.core.profile import wanted_terms as profile_terms
from crawler.models import Decision, SeedProfile
from crawler.stages.article.rulings import (
    duplicate,
    earliest,
    explain,
    published_at,
    related,
    top_terms,
    tracked_article,
)
from crawler.stages.article.versions import article_ref
from crawler.store import Revisit, Store, TrackedArticle, WriteSet
from crawler.store.articles import ByDoc
from crawler.store.commit import Guard
from crawler.store.discovery import NearMiss
from crawler.store.index import Candidates, matched, strongest
from crawler.store.writes import (
    Cluster,
    Disband,
    Grow,
    IndexAdd,
    Member,
    NearMissAt,
    RevisitAt,
    Track,
    Verdict,
)

if TYPE_CHECKING:
    from crawler.stages.article.pipeline import Page

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Ruling:
    decision: Decision
    cluster: str  # the new article's TrackedArticle.cluster: representative, SEED_DOC or ""
    displaced: tuple[TrackedArticle, ...] = ()  # members that move to the new representative
    former: tuple[str, ...] = ()  # representatives whose clusters merge into another
    judgement: Judgement | None = None
    landmark: float | None = None  # the grown profile's landmark (None: not yet set)
    exact: bool = False  # a copy of the very same reporting (it adds nothing to the index)

    def moves_copies(self) -> bool:
        """Whether committing it changes what a racing copy would find: a tracked page
        indexes entries of its own — unless it is an exact copy, whose entries its original
        already owns — and one that opens or reshapes a cluster moves where copies land."""
        if self.decision.verdict == "unrelated":
            return False
        return not self.exact or bool(self.displaced or self.former)


class Judge:
    def __init__(
        self, store: Store, profiles: dict[str, SeedProfile], clock: Clock | None = None
    ) -> None:
        self._store = store
        self._profiles = profiles
        self._clock = clock or SystemClock()

    async def rule(
        self,
        story: StoryConfig,
        page: Page,
        fp: Fingerprint,
        watch: Guard | None = None,
        proposed: Candidates | None = None,
    ) -> Ruling:
        """``watch``: the decision's guard; the documents the copy index proposes are watched
        before they are read, so a racing change to one of them (it joins another cluster,
        it is separated, its cluster merges) refuses this decision's commit. ``proposed``: what
        the copy index proposed, when the caller read it already (under ``watch``)."""
        copy = await self._copy(story, page, fp, watch, proposed)
        if copy is not None:
            return copy
        seed = self._profiles[story.id]
        profile, landmark = await self._store.discovery.profile(story.id)
        title, text = page.article.title, page.article.text
        needed = profile_terms(seed.terms, seed.entities, profile, f"{title}\n{text}")
        stats = await self._store.terms.stats(needed)
        judgement = judge(seed.terms, seed.entities, profile, title, text, stats)
        verdict = "related" if judgement.related(story.min_relevance) else "unrelated"
        return Ruling(related(judgement, verdict), "", (), (), judgement, landmark)

    async def separate(self, story: StoryConfig, tracked: TrackedArticle, fp: Fingerprint) -> bool:
        """A tracked copy whose new version (``fp``) no longer copies its representative is
        tracked on its own from now on (an in-place update made it a report of its own).
        Returns whether it was separated (decided under the claims of both documents)."""

        async def decision(_: Guard) -> tuple[WriteSet, str]:
            current = await self._store.articles.get(story.id, tracked.doc)
            if current is None or not current.cluster:
                return WriteSet(), ""
            rep = current.cluster
            stored = await self._store.index.fingerprints(story.id, [rep])
            if rep not in stored or confirm(fp, [stored[rep]], story.duplicate_similarity)[0][0]:
                return WriteSet(), ""
            writes = WriteSet().add(
                Cluster(story.id, tracked.doc, "", "related"),
                Member(story.id, rep, tracked.doc, add=False),
            )
            return writes, rep

        claims = [f"doc:{tracked.doc}", f"doc:{tracked.cluster}"]
        rep = await self._store.decide(story.id, claims, decision)
        if rep:
            log.info("%s: %s no longer copies %s: tracked on its own", story.id, tracked.url, rep)
        return bool(rep)

    async def _copy(
        self,
        story: StoryConfig,
        page: Page,
        fp: Fingerprint,
        watch: Guard | None,
        proposed: Candidates | None,
    ) -> Ruling | None:
        """The ruling when ``page`` copies tracked articles (or the seed), else None.

        ``duplicate_of`` names the representative of the cluster it joins as it was when the
        page arrived (what the user was told about); the page itself becomes the
        representative when it was published before it. Clusters it bridges merge.
        """
        if proposed is None:
            proposed = await self._store.index.candidates(story.id, fp)
        matches = [m for m in matched(fp, proposed, story.duplicate_similarity) if m.rule]
        best = strongest(matches)
        if best is None:
            return None
        tracked = await self._tracked(story.id, [m.doc for m in matches], watch)
        joined, head = _representative(tracked, best.doc)
        clusters = {joined: head}
        for match in matches:
            rep, found = _representative(tracked, match.doc)
            clusters.setdefault(rep, found)
        winner = earliest(clusters, page)
        like = await self._likeness(story.id, fp, joined, best.doc, best.likeness)
        url = SEED_DOC if joined == SEED_DOC else (head.url if head else joined)
        merged = {rep: h for rep, h in clusters.items() if rep != winner}
        displaced = await self._displace(story, merged, winner)
        cluster = "" if winner == page.doc else winner
        ruling = Ruling(duplicate(url, like), cluster, displaced, tuple(merged))
        return replace(ruling, exact=best.likeness.exact)

    async def _displace(
        self, story: StoryConfig, clusters: dict[str, TrackedArticle | None], winner: str
    ) -> tuple[TrackedArticle, ...]:
        """Every member of ``clusters`` (representatives included): they move to ``winner``."""
        members: list[TrackedArticle] = []
        for rep, head in clusters.items():
            if head is not None:
                members.append(head)
            for doc in await self._store.index.members(story.id, rep):
                found = await self._store.articles.get(story.id, doc)
                if found is not None and found.doc != winner:
                    members.append(found)
        return tuple(members)

    async def _likeness(
        self, story: str, fp: Fingerprint, rep: str, matched: str, like: Likeness
    ) -> Likeness:
        """How ``fp`` differs from the representative (the matched member's likeness when the
        representative's fingerprint is not stored)."""
        if rep == matched:
            return like
        stored = await self._store.index.fingerprints(story, [rep])
        return compare(fp, stored[rep]) if rep in stored else like

    async def _tracked(self, story: str, docs: list[str], watch: Guard | None) -> ByDoc:
        """The tracked articles of ``docs`` — read as their claims are watched, in the same
        round trip — and of their clusters' representatives (a second one, when needed)."""
        articles = self._store.articles
        wanted = [d for d in docs if d != SEED_DOC]
        if watch is not None:
            found = await watch.read(
                articles.get_many_read(story, wanted), [f"doc:{d}" for d in docs]
            )
        else:
            found = await articles.get_many(story, wanted)
        reps = {a.cluster for a in found.values() if a is not None and a.cluster}
        found |= await articles.get_many(story, reps - {SEED_DOC} - set(found))
        return found

    def writes(self, story: StoryConfig, page: Page, ruling: Ruling, fp: Fingerprint) -> WriteSet:
        """Every write of the ruling (nothing is written here)."""
        decision = ruling.decision
        if decision.verdict == "unrelated":
            return self._unrelated(story, page, ruling)
        tracked = tracked_article(story, page, decision, ruling.cluster)
        writes = WriteSet().add(Track(tracked, page.version), IndexAdd(story.id, page.doc, fp))
        if ruling.cluster:
            writes.add(Member(story.id, ruling.cluster, page.doc))
        winner = ruling.cluster or page.doc
        writes.add(*(Disband(story.id, rep) for rep in ruling.former))
        make = events.duplicate if decision.verdict == "duplicate" else events.related
        writes.emit([make(story.id, article_ref(tracked, 1), decision)])
        for moved in ruling.displaced:  # silently: their events were right when they were made
            writes.add(
                Cluster(story.id, moved.doc, winner, "duplicate"),
                Member(story.id, winner, moved.doc),
            )
        if decision.verdict == "related" and ruling.judgement is not None:
            writes.add(*self._growth(story, page, ruling.landmark))
        if story.revisit:
            due = self._clock.now() + story.revisit[0]
            writes.add(RevisitAt(Revisit(story.id, page.fetched.url, 0), due))
        return writes

    def _growth(self, story: StoryConfig, page: Page, landmark: float | None) -> list[Grow]:
        """The story's profile grows with what is related (the seed first, at the landmark)."""
        when = published_at(page).timestamp()
        grow = []
        if landmark is None:
            seed = self._profiles[story.id]
            landmark = when
            first = contribution(seed.title, seed.text, when, when, SEED_WEIGHT)
            grow.append(Grow(story.id, first, when))
        part = contribution(page.article.title, page.article.text, when, landmark)
        return [*grow, Grow(story.id, part)]

    def _unrelated(self, story: StoryConfig, page: Page, ruling: Ruling) -> WriteSet:
        content = page.version.content_hash
        writes = WriteSet().add(Verdict(story.id, page.doc, "unrelated", content))
        judgement = ruling.judgement
        if judgement is None:
            return writes
        explained = explain(judgement)
        log.debug("%s: unrelated %s: %s", story.id, page.fetched.url, explained)
        if judgement.best >= NEAR_MISS * story.min_relevance:
            miss = NearMiss(
                page.fetched.url,
                page.article.title,
                judgement.best,
                judgement.seed.score,
                judgement.grown.score if judgement.grown else 0.0,
                top_terms(judgement),
                utc(self._clock).isoformat(),
            )
            writes.add(NearMissAt(story.id, miss))
        return writes


def _representative(tracked: ByDoc, doc: str) -> tuple[str, TrackedArticle | None]:
    """(representative doc id, its tracked article) of ``doc``'s cluster, from ``tracked``
    (:meth:`Judge._tracked`)."""
    if doc == SEED_DOC:
        return SEED_DOC, None
    found = tracked.get(doc)
    if found is None or not found.cluster:
        return doc, found
    if found.cluster == SEED_DOC:
        return SEED_DOC, None
    return found.cluster, tracked.get(found.cluster)
