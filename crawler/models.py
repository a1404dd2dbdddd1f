"""Frozen, typed values passed between the pipeline's stages.

    FeedEntry ─► ArticleJob (queued) ─► (fetch) FetchResult ─► (extract) Article ─► (judge) Decision
             ─► (store) Version with Facts ─► (diff) Events ─► hooks

Everything here is plain data: no I/O, no behaviour beyond small derived properties.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One item of a polled feed, as the scheduler sees it."""

    feed_url: str
    link: str
    entry_id: str
    title: str = ""
    summary: str = ""
    published: datetime | None = None
    updated: datetime | None = None


class JobReason(enum.StrEnum):
    """Why an article is fetched."""

    NEW = "new"  # a feed entry new to the story (or a skipped one the grown profile passes)
    REVISIT = "revisit"  # a tracked article's scheduled revisit
    SIGNAL = "signal"  # the feed entry's ``updated`` stamp moved: the publisher changed it
    RETRY = "retry"  # a failed first visit, tried again in a later round


@dataclass(frozen=True, slots=True)
class ArticleJob:
    """One fetch of one link for one story, as the queue carries it.

    ``revisit``: the index into the story's revisit schedule of a ``revisit`` job (None for
    every other reason). ``retry``: the retry-later rounds this link went through before.
    ``stamp``: a ``signal`` job's moved feed-entry stamp (its job id carries a hash of it).
    """

    story: str
    url: str
    reason: JobReason = JobReason.NEW
    revisit: int | None = None
    retry: int = 0
    stamp: str = ""

    def to_json(self) -> dict[str, Any]:
        """The job's one arq argument (plain data: queued jobs outlive the code's classes)."""
        data: dict[str, Any] = {"story": self.story, "url": self.url, "reason": str(self.reason)}
        if self.revisit is not None:
            data["revisit"] = self.revisit
        if self.retry:
            data["retry"] = self.retry
        if self.stamp:
            data["stamp"] = self.stamp
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ArticleJob:
        revisit = data.get("revisit")
        return cls(
            story=data["story"],
            url=data["url"],
            reason=JobReason(data.get("reason", "new")),
            revisit=None if revisit is None else int(revisit),
            retry=int(data.get("retry", 0)),
            stamp=str(data.get("stamp", "")),
        )

    @classmethod
    def from_args(
        cls, story: str, url: str, revisit: int = -1, reason: str = "new", retry: int = 0
    ) -> ArticleJob:
        """A job queued in the old positional form: ``revisit`` -1 meant "not a revisit"."""
        return cls(story, url, JobReason(reason), None if revisit < 0 else revisit, retry)


@dataclass(frozen=True, slots=True)
class Article:
    """What extraction makes of one HTML page. ``text`` holds one paragraph per line."""

    url: str
    title: str
    text: str
    canonical_url: str = ""
    byline: str = ""
    published: datetime | None = None
    modified: datetime | None = None
    language: str = ""

    @property
    def paragraphs(self) -> list[str]:
        return [p for p in self.text.split("\n") if p.strip()]


Quantity = Literal["exact", "bounded", "vague"]
Role = Literal["total", "partial", "corrected", "previous", "projection", "other-event", "released"]
# roles whose figure is what the article says *now* (the others are history, guesses, other events)
CURRENT_ROLES = frozenset({"total", "partial", "corrected"})


@dataclass(frozen=True, slots=True)
class Fact:
    """A typed number found in a sentence: "more than 160 people were killed".

    ``quantity``: ``exact`` ("225"), ``bounded`` ("at least 164", "nearly 8,000", "5,000 to
    6,000") or ``vague`` ("dozens", "thousands"). ``role``: what the figure counts for the story
    (see :mod:`crawler.core.facts`): ``total`` (the overall count), ``partial`` (restricted to a
    sub-population — ``subject`` — or to a place, institution, period or sub-event —
    ``scope``), ``corrected`` (a total stated as an official correction), ``previous``
    (superseded), ``projection``, ``other-event``, ``released``. ``attribution``: who the
    sentence says gave the figure ("" when it names none).
    """

    kind: str
    subject: str
    value: float
    qualifier: str
    sentence: str
    low: float | None = None
    high: float | None = None
    quantity: Quantity = "exact"
    role: Role = "total"
    scope: tuple[tuple[str, str], ...] = ()
    attribution: str = ""

    @property
    def key(self) -> str:
        """The ledger key: ``kind|subject`` plus the scope (``killed|people|place=zahedan``).

        The subject is the counted group as the ledger knows it: every subject that is not a
        named sub-population counts under ``people`` (see :data:`GENERIC`).
        """
        group = self.subject if self.subject in SUB_POPULATIONS else "people"
        scope = "".join(f"|{name}={value.lower()}" for name, value in self.scope)
        return f"{self.kind}|{group}{scope}"

    @property
    def is_current(self) -> bool:
        """A figure the article states as its own, now (not history, a guess, another event)."""
        return self.role in CURRENT_ROLES

    @property
    def precise(self) -> bool:
        return self.quantity != "vague"

    def same_reading(self, other: Fact) -> bool:
        """True when both state the same number with the same bounds."""
        return (self.value, self.low, self.high) == (other.value, other.low, other.high)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "subject": self.subject,
            "value": _num(self.value),
            "low": None if self.low is None else _num(self.low),
            "high": None if self.high is None else _num(self.high),
            "qualifier": self.qualifier,
            "quantity": self.quantity,
            "role": self.role,
            "scope": dict(self.scope),
            "attribution": self.attribution,
            "text": self.sentence,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Fact:
        scope = data.get("scope") or {}
        return cls(
            kind=data["kind"],
            subject=data["subject"],
            value=float(data["value"]),
            qualifier=data.get("qualifier", ""),
            sentence=data.get("text", ""),
            low=None if data.get("low") is None else float(data["low"]),
            high=None if data.get("high") is None else float(data["high"]),
            quantity=data.get("quantity", "exact"),
            role=data.get("role", "total"),
            scope=tuple(sorted((str(k), str(v)) for k, v in scope.items())),
            attribution=data.get("attribution", ""),
        )


# named sub-populations: their counts are their own ledger keys and never move the overall
# figure; every other subject (people, protesters, residents, villagers, officials …) counts
# under the overall "people" key, so one story's total is one key whatever noun a source uses
SUB_POPULATIONS = frozenset(
    (
        "children", "women", "security forces", "police", "soldiers", "peacekeepers",
        "journalists", "foreigners", "militants", "migrants", "refugees", "prisoners",
        "aid workers", "medics", "students",
    )
)  # fmt: skip
GENERIC = "people"


def _num(value: float) -> int | float:
    """Whole numbers as ints in JSON (164, not 164.0)."""
    return int(value) if float(value).is_integer() else value


@dataclass(frozen=True, slots=True)
class SeedProfile:
    """What newswatch knows about the story a user asked it to follow."""

    story_id: str
    title: str
    text: str
    source_url: str = ""
    terms: dict[str, float] = field(default_factory=dict)
    entities: frozenset[str] = frozenset()
    facts: tuple[Fact, ...] = ()
    places: frozenset[str] = frozenset()  # where the story happens (its title, first sentence)


Verdict = Literal["related", "duplicate", "unrelated"]


@dataclass(frozen=True, slots=True)
class Decision:
    """The judgement on a newly seen article, relative to one story."""

    verdict: Verdict
    relevance: float = 0.0
    shared_terms: tuple[str, ...] = ()
    duplicate_of: str = ""  # a copy's cluster representative: its URL, or "seed"
    similarity: float = 0.0  # a copy's 3-gram resemblance to the representative
    containment: float = 0.0  # the share of the shorter text's 3-grams in the other
    changed_sentences: int = 0  # the copy's sentences without an identical counterpart
    seed_relevance: float = 0.0  # relevance to the seed alone
    profile_relevance: float = 0.0  # relevance to what the story grew into


@dataclass(frozen=True, slots=True)
class Version:
    """One stored state of a tracked article, keyed by the hash of its normalised text."""

    number: int
    content_hash: str
    title: str
    text: str
    facts: tuple[Fact, ...]
    fetched_at: datetime
    published: datetime | None = None
    modified: datetime | None = None
    etag: str = ""
    last_modified: str = ""

    def to_json(self) -> dict[str, Any]:
        """How ``history --json`` and the API show a version."""
        return {
            "version": self.number,
            "content_hash": self.content_hash,
            "title": self.title,
            "fetched_at": _iso(self.fetched_at),
            "published": _iso(self.published),
            "modified": _iso(self.modified),
            "etag": self.etag,
            "last_modified": self.last_modified,
            "facts": [f.to_json() for f in self.facts],
            "text": self.text,
        }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


@dataclass(frozen=True, slots=True)
class ArticleRef:
    """The ``article`` member of an event."""

    url: str
    canonical_url: str
    title: str
    source: str
    version: int

    def to_json(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "canonical_url": self.canonical_url,
            "title": self.title,
            "source": self.source,
            "version": self.version,
        }


@dataclass(frozen=True, slots=True)
class Event:
    """One alert. ``id`` is a hash of what defines it, so a replay yields the same id."""

    id: str
    type: str
    story: str
    at: datetime
    body: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "story": self.story,
            "at": self.at.isoformat().replace("+00:00", "Z"),
            **self.body,
        }
