"""The story's facts across sources (pure): who reported what, and which reading is current.

Every article version that states a fact key — for the first time, or with a new reading —
is a :class:`Report`. :func:`judge` decides what a report does to the story's current value
for its key (kind, subject). The rules, in order:

``seed``       the seed and the *first* version of a copy of it: shown in the timeline as
               the starting point, never the current value and never a revision (the seed
               is the user's own input, usually an aggregator's copy with no reliable time,
               and a copy's first version repeats it). A later version of a tracked copy of
               the seed is new information: the rules below apply to it as to an original
               (the seed is not tracked, so no version of it can be what the copy repeats);
``first``      no current value yet: the report becomes it, silently (its article already
               produced ``article.related``/``article.duplicate``);
``article``    the same article again (an in-place revision) or an article revising its own
               earlier figure: it becomes current; its article-scope ``fact.revised`` is the
               one alert — never a second, story-scope one for the same change;
``copy``       a copy of another article (same cluster): copies repeat the original's
               numbers, so they never move the story;
``confirmed``  the same reading from another source: the current value (and its source) stay;
``earlier``    published before the current value: it joins the timeline, nothing else;
``revised``    otherwise: another source reports a different reading, later — it becomes
               current and emits ``fact.revised`` with scope ``story``, naming both sources.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Literal

from crawler.models import ArticleRef, Fact

SEED_DOC = "seed"  # the seed's document id: in the copy index, clusters and the timeline
Effect = Literal["seed", "first", "article", "copy", "confirmed", "earlier", "revised"]


@dataclass(frozen=True, slots=True)
class Report:
    """One reading of a fact key by one version of one article (or by the seed)."""

    fact: Fact
    article: ArticleRef  # url, canonical_url, title, source, version
    doc: str  # the article's id; SEED_DOC for the seed
    cluster: str  # id of the cluster's representative; == doc for an original; SEED_DOC
    reported_at: datetime | None  # when the publisher stated it; None for the seed
    seen_at: datetime
    effect: str = ""  # what it did to the story (see the module doc), set when recorded

    @property
    def key(self) -> tuple[str, str]:
        return self.fact.key

    @property
    def from_seed(self) -> bool:
        """The seed's own reading, or a copy of the seed repeating it (its first version)."""
        return self.cluster == SEED_DOC and (self.doc == SEED_DOC or self.article.version == 1)

    @property
    def origin(self) -> str:
        """Whose figures these are: the cluster's original; a later version of a seed copy
        speaks for itself."""
        return self.doc if self.cluster == SEED_DOC else self.cluster

    @property
    def is_copy(self) -> bool:
        """A copy of a tracked original, repeating its numbers."""
        return self.origin != self.doc

    def with_effect(self, effect: Effect) -> Report:
        return replace(self, effect=effect)

    def to_json(self) -> dict[str, Any]:
        return {
            "fact": self.fact.to_json(),
            "article": self.article.to_json(),
            "doc": self.doc,
            "cluster": self.cluster,
            "reported_at": _iso(self.reported_at),
            "seen_at": _iso(self.seen_at),
            "effect": self.effect,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Report:
        article = data["article"]
        return cls(
            fact=Fact.from_json(data["fact"]),
            article=ArticleRef(
                url=article["url"],
                canonical_url=article["canonical_url"],
                title=article["title"],
                source=article["source"],
                version=int(article["version"]),
            ),
            doc=data["doc"],
            cluster=data["cluster"],
            reported_at=_when(data.get("reported_at")),
            seen_at=_when(data["seen_at"]) or datetime.min,
            effect=data.get("effect", ""),
        )


@dataclass(frozen=True, slots=True)
class Judgement:
    effect: Effect
    becomes_current: bool
    story_revision: bool  # emit fact.revised with scope "story"


def judge(current: Report | None, new: Report, own_revision: bool) -> Judgement:
    """What ``new`` does to the story, whose current value for the key is ``current``.

    ``own_revision``: the article itself stated a different reading for this key in its
    previous version (an article-scope ``fact.revised`` is emitted for it).
    """
    if new.from_seed:
        return Judgement("seed", False, False)
    if current is None:
        return Judgement("first", True, False)
    if new.doc == current.doc:
        return Judgement("article", True, False)
    if new.is_copy or new.origin == current.origin:
        return Judgement("copy", False, False)
    if new.fact.same_reading(current.fact):
        return Judgement("confirmed", False, False)
    if _before(new.reported_at, current.reported_at):
        return Judgement("earlier", False, False)
    if own_revision:
        return Judgement("article", True, False)
    return Judgement("revised", True, True)


def _before(a: datetime | None, b: datetime | None) -> bool:
    return a is not None and b is not None and a < b


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
