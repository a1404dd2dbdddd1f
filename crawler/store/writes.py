"""What a stage decided to write, as data: the store commits it in one MULTI/EXEC.

The article stage never builds a Redis pipeline. It reads what it needs, decides, and returns
a :class:`WriteSet` — a list of the frozen values below plus the *claims* its decision rests
on — and :meth:`crawler.store.Store.commit` writes it in one round trip
(:mod:`crawler.store.commit` turns each value into commands). A write set can be inspected,
merged and tested without Redis; how a value is laid out in Redis stays inside the store.

Claims are the optimistic guard that replaced the story-wide lock (see
:mod:`crawler.store.claims`): the few things a decision read that a racing job could change
(the page's own document, its copy-index buckets, the fact keys it reports on). A commit
whose claims moved since it started reading is refused and the decision is made again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from crawler.core.dedup import Fingerprint
from crawler.core.facts.ledger import Standing
from crawler.core.facts.story import Report
from crawler.core.profile import Contribution
from crawler.models import Event, Version
from crawler.store.articles import RetryLater
from crawler.store.discovery import NearMiss
from crawler.store.schedule import Revisit
from crawler.store.tracked import TrackedArticle


@dataclass(frozen=True, slots=True)
class Alias:
    """Link ``link`` (its document id) renders document ``doc`` of ``story``."""

    story: str
    link: str
    doc: str


@dataclass(frozen=True, slots=True)
class Track:
    """A newly tracked article with its first version."""

    article: TrackedArticle
    version: Version


@dataclass(frozen=True, slots=True)
class Verdict:
    """A judged, untracked page (``unrelated``) and the content it was judged on."""

    story: str
    doc: str
    verdict: str
    content: str = ""


@dataclass(frozen=True, slots=True)
class Cluster:
    """A tracked article joins cluster ``cluster`` ("" : tracked on its own)."""

    story: str
    doc: str
    cluster: str
    verdict: str


@dataclass(frozen=True, slots=True)
class IndexAdd:
    story: str
    doc: str
    fingerprint: Fingerprint


@dataclass(frozen=True, slots=True)
class Member:
    """``doc`` is a member of ``rep``'s cluster (``add`` False: it no longer is)."""

    story: str
    rep: str
    doc: str
    add: bool = True


@dataclass(frozen=True, slots=True)
class Disband:
    """``rep`` represents no cluster any more (its members moved to another)."""

    story: str
    rep: str


@dataclass(frozen=True, slots=True)
class Grow:
    """A related article's contribution to the story's profile (``landmark``: set it)."""

    story: str
    part: Contribution
    landmark: float | None = None


@dataclass(frozen=True, slots=True)
class NearMissAt:
    story: str
    miss: NearMiss


@dataclass(frozen=True, slots=True)
class RevisitAt:
    """Fetch ``revisit`` again at ``due`` (``sooner``: only when that is earlier)."""

    revisit: Revisit
    due: float
    sooner: bool = False


@dataclass(frozen=True, slots=True)
class NewVersion:
    story: str
    doc: str
    version: Version


@dataclass(frozen=True, slots=True)
class PointBack:
    """The article's current version is an earlier one again (A → B → A)."""

    story: str
    doc: str
    number: int
    content_hash: str
    title: str


@dataclass(frozen=True, slots=True)
class Stamps:
    """The publisher's own change stamps as last seen (``modified``, ``Last-Modified``)."""

    story: str
    doc: str
    modified: str
    last_modified: str


@dataclass(frozen=True, slots=True)
class Reading:
    """One reading of a fact joins the story's timeline."""

    story: str
    report: Report


@dataclass(frozen=True, slots=True)
class StandingIs:
    """The story's standing figure of one fact key."""

    story: str
    standing: Standing


@dataclass(frozen=True, slots=True)
class PendingRevisit:
    """The revisit number the article's next scheduled fetch has."""

    story: str
    doc: str
    number: int


@dataclass(frozen=True, slots=True)
class RetryLaterAt:
    """A failed first visit kept for a later round (the story keeps at most ``cap``)."""

    story: str
    retry: RetryLater
    due: float
    cap: int


@dataclass(frozen=True, slots=True)
class Archive:
    """A quiet article moves to the archive (its last version kept, the rest dropped)."""

    article: TrackedArticle
    versions: tuple[Version, ...]
    now: float


@dataclass(frozen=True, slots=True)
class IndexForget:
    """An archived article leaves the copy index (``fingerprint``: what it was indexed with)."""

    story: str
    doc: str
    fingerprint: Fingerprint


@dataclass(frozen=True, slots=True)
class DropArchive:
    story: str
    doc: str


@dataclass(frozen=True, slots=True)
class Emit:
    events: tuple[Event, ...]


@dataclass(frozen=True, slots=True)
class JobDone:
    """The job's duration so far and its outcome (``/metrics``), in the commit that ends it."""

    seconds: float
    outcome: str


Write = (
    Alias
    | Track
    | Verdict
    | Cluster
    | IndexAdd
    | Member
    | Disband
    | Grow
    | NearMissAt
    | RevisitAt
    | NewVersion
    | PointBack
    | Stamps
    | Reading
    | StandingIs
    | PendingRevisit
    | RetryLaterAt
    | Archive
    | IndexForget
    | DropArchive
    | Emit
    | JobDone
)


@dataclass(slots=True)
class WriteSet:
    """One decision's writes, in order, the counters it moves and the claims it changes.

    ``claims``: what this commit changes that other decisions rest on, beside what the store
    derives from the writes themselves (:meth:`changed`): a first visit whose index entries
    are new names its copy claims here (every tracked page but an exact copy).
    """

    writes: list[Write] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    claims: set[str] = field(default_factory=set)

    def add(self, *writes: Write) -> WriteSet:
        self.writes.extend(writes)
        return self

    def emit(self, events: Iterable[Event]) -> WriteSet:
        found = tuple(events)
        if found:
            self.writes.append(Emit(found))
        return self

    def count(self, counters: Mapping[str, int]) -> WriteSet:
        for name, amount in counters.items():
            if amount:
                self.counts[name] = self.counts.get(name, 0) + amount
        return self

    def extend(self, other: WriteSet) -> WriteSet:
        self.writes.extend(other.writes)
        self.claims |= other.claims
        return self.count(other.counts)

    def changed(self) -> set[str]:
        """Every claim this commit moves: the documents it tracks, judges or versions, the
        clusters whose members it changes, the fact keys whose standing figure it sets, and
        :attr:`claims`."""
        found = set(self.claims)
        for write in self.writes:
            if isinstance(write, Track):
                found.add(f"doc:{write.article.doc}")
            elif isinstance(write, Verdict | NewVersion | PointBack):
                found.add(f"doc:{write.doc}")
            elif isinstance(write, Cluster):
                found |= {f"doc:{write.doc}", f"cluster:{write.cluster}"}
            elif isinstance(write, Member | Disband):
                found.add(f"cluster:{write.rep}")
            elif isinstance(write, StandingIs):
                found.add(f"fact:{write.standing.report.key}")
        return found

    @property
    def events(self) -> list[Event]:
        return [e for w in self.writes if isinstance(w, Emit) for e in w.events]

    def __bool__(self) -> bool:
        return bool(self.writes or self.counts)
