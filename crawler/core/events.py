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
    story: str,
    article: ArticleRef,
    old: Fact,
    new: Fact,
    previous: ArticleRef | None = None,
    moved: tuple[Fact, ArticleRef, str] | None = None,
    etype: str = "fact.revised",
) -> Event:
    """A fact key's figure moved (see the README's "Facts and revisions").

    Scope ``article``: ``article`` itself changed its figure between two versions; ``moved``
    (the story's old figure, who held it, the direction) when the same change moved the
    story's figure — one alert for one change. Scope ``story`` (``previous`` given):
    ``article`` reports a figure that moves the story's, which ``previous`` reported; the
    event names both sources. ``etype`` ``fact.diverged``: two sources disagree.
    """
    scope = "article" if previous is None else "story"
    identity: tuple[object, ...] = (article.canonical_url, scope, new.key, _reading(old),
                                    _reading(new))  # fmt: skip
    if previous is not None:
        identity += (previous.canonical_url,)
    source = previous.source if previous is not None else article.source
    body: dict[str, Any] = {
        "article": article.to_json(),
        "scope": scope,
        "direction": "up" if new.value >= old.value else "down",
        "change": change(old.value, new.value),
        "fact": {
            "kind": new.kind,
            "subject": new.subject,
            "role": new.role,
            "scope": dict(new.scope),
            "attribution": new.attribution,
            "old": _side(old, source),
            "new": _side(new, article.source),
        },
        "summary": summary(old, new, article),
    }
    if previous is not None:
        body["previous_source"] = previous.source
        body["previous_article"] = previous.to_json()
    if moved is not None:
        figure, holder, direction = moved
        body["story_figure"] = {"old": _side(figure, holder.source), "direction": direction,
                         "previous_source": holder.source}  # fmt: skip
    return _event(etype, story, identity, body)


def change(old: float, new: float) -> dict[str, Any]:
    """``{"absolute": +61, "relative": 0.372}`` (relative is null from 0)."""
    delta = new - old
    return {
        "absolute": _num(delta),
        "relative": round(delta / old, 4) if old else None,
    }


def summary(old: Fact, new: Fact, article: ArticleRef) -> str:
    """The change as an editor says it: ``killed: 164 → 225 (+61, +37 %) — the prosecutor
    general's office via Steppe Wire (v2)``."""
    what = new.kind
    if new.subject not in ("people", ""):
        what += f" ({new.subject})"
    scope = ", ".join(v for _, v in new.scope)
    if scope:
        what += f" [{scope}]"
    moved = change(old.value, new.value)
    relative = "" if moved["relative"] is None else f", {moved['relative'] * 100:+.0f} %"
    who = f"{new.attribution} via {article.source}" if new.attribution else article.source
    return (
        f"{what}: {reading(old)} → {reading(new)} ({moved['absolute']:+}{relative}) — "
        f"{who} (v{article.version})"
    )


def reading(fact: Fact) -> str:
    """ "at least 164", "225", "dozens", "5,000 to 6,000"."""
    if not fact.precise:
        return fact.qualifier or f"{_num(fact.value):,}"
    if fact.qualifier == "between" and fact.low is not None:
        return f"{_num(fact.low):,} to {_num(fact.value):,}"
    return f"{fact.qualifier} {_num(fact.value):,}".strip()


def feed_event(etype: str, story: str, feed_url: str, error: str, identity: object) -> Event:
    """``feed.failing`` / ``feed.recovered`` / ``feed.gone``: no ``article`` member."""
    return _event(etype, story, (feed_url, identity), {"feed": {"url": feed_url, "error": error}})


def _reading(fact: Fact) -> tuple[float, float | None, float | None]:
    return (fact.value, fact.low, fact.high)


def _side(fact: Fact, source: str) -> dict[str, Any]:
    data = fact.to_json()
    return {
        "value": data["value"],
        "low": data["low"],
        "high": data["high"],
        "qualifier": fact.qualifier,
        "quantity": fact.quantity,
        "text": fact.sentence,
        "source": source,
    }


def _num(value: float) -> int | float:
    return int(value) if float(value).is_integer() else round(value, 4)
