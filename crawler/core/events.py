"""Event construction (pure). See the README's "Event contract".

An event's ``id`` is a hash of what defines it — never of when it was made — so the same
event always gets the same id and the outbox can drop replays (a retried job, a re-run over
unchanged sources).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from crawler.core.text import stable_hash
from crawler.models import ArticleRef, Decision, Event, Fact


def _event(etype: str, story: str, identity: tuple[object, ...], body: dict[str, Any]) -> Event:
    digest = stable_hash("\x1f".join(map(str, (etype, story, *identity))), size=12)
    return Event(id=f"{etype}:{digest}", type=etype, story=story, at=datetime.now(UTC), body=body)


def related(story: str, article: ArticleRef, decision: Decision) -> Event:
    """The first article of a cluster seen: why it belongs to the story (both scores)."""
    return _event(
        "article.related",
        story,
        (article.canonical_url,),
        {
            "article": article.to_json(),
            "relevance": decision.relevance,
            "shared_terms": list(decision.shared_terms),
            "seed_relevance": decision.seed_relevance,
            "profile_relevance": decision.profile_relevance,
        },
    )


def duplicate(story: str, article: ArticleRef, decision: Decision) -> Event:
    """A copy: the cluster's representative then, and how the copy differs from it."""
    return _event(
        "article.duplicate",
        story,
        (article.canonical_url, decision.duplicate_of),
        {
            "article": article.to_json(),
            "duplicate_of": decision.duplicate_of,
            "similarity": decision.similarity,
            "containment": decision.containment,
            "changed_sentences": decision.changed_sentences,
        },
    )


def updated(
    story: str,
    article: ArticleRef,
    previous_version: int,
    hashes: tuple[str, str],
    added: tuple[str, ...],
    removed: tuple[str, ...],
) -> Event:
    return _event(
        "article.updated",
        story,
        (article.canonical_url, *hashes),
        {
            "article": article.to_json(),
            "previous_version": previous_version,
            "added": list(added),
            "removed": list(removed),
        },
    )


def fact_revised(
    story: str, article: ArticleRef, old: Fact, new: Fact, previous: ArticleRef | None = None
) -> Event:
    """A fact key's reading moved.

    Scope ``article``: ``article`` itself changed its figure between two versions. Scope
    ``story`` (when ``previous`` is given): ``article`` reports a figure that differs from the
    story's current one, which ``previous`` reported; the event names both sources
    (``article.source`` and ``previous_source``) and carries ``previous_article``.
    """
    scope = "article" if previous is None else "story"
    identity: tuple[object, ...] = (
        article.canonical_url,
        scope,
        new.kind,
        new.subject,
        _reading(old),
        _reading(new),
    )
    if previous is not None:
        identity += (previous.canonical_url,)
    body: dict[str, Any] = {
        "article": article.to_json(),
        "scope": scope,
        "fact": {
            "kind": new.kind,
            "subject": new.subject,
            "old": _side(old),
            "new": _side(new),
        },
    }
    if previous is not None:
        body["previous_source"] = previous.source
        body["previous_article"] = previous.to_json()
    return _event("fact.revised", story, identity, body)


def feed_event(etype: str, story: str, feed_url: str, error: str, identity: object) -> Event:
    """``feed.failing`` / ``feed.recovered`` / ``feed.gone``: no ``article`` member."""
    return _event(etype, story, (feed_url, identity), {"feed": {"url": feed_url, "error": error}})


def _reading(fact: Fact) -> tuple[float, float | None, float | None]:
    return (fact.value, fact.low, fact.high)


def _side(fact: Fact) -> dict[str, Any]:
    data = fact.to_json()
    return {
        "value": data["value"],
        "low": data["low"],
        "high": data["high"],
        "qualifier": fact.qualifier,
        "text": fact.sentence,
    }
