"""Versions: what counts as a change, how versions are stored, and what a revisit emits."""

from __future__ import annotations

import json
import zlib
from datetime import UTC, datetime

import pytest

from crawler.config import StoryConfig
from crawler.core.diff import content_sentences, diff_text
from crawler.core.text import content_hash
from crawler.fetch import FetchResult
from crawler.models import Article
from crawler.stages.article.versions import RevisionTracker, first_version
from crawler.store import Store, TrackedArticle
from crawler.store.texts import PACKED, decode_version, encode_version, version_fields

LEAD = "At least 164 people were killed in the unrest, the health ministry said on Sunday."
BODY = [
    LEAD,
    "The Interior Ministry said nearly 8,000 people had been detained across the country.",
    "President Kassym-Jomart Tokayev said constitutional order had been restored.",
]
TEXT = "\n".join(BODY)

TRIVIAL_EDITS = {
    "whitespace": TEXT.replace("the unrest", "the   unrest"),
    "punctuation": TEXT.replace("Sunday.", "Sunday!").replace("Ministry said", "Ministry said,"),
    "case": TEXT.replace("health ministry", "Health Ministry"),
    "digit separator": TEXT.replace("8,000", "8000"),
    "update stamp": "Updated 10:32 GMT\n" + TEXT,
    "changed stamp": "Last updated: 9 January 2022, 11:47 GMT\n" + TEXT,
    "date line": "Sunday, 9 January 2022\n" + TEXT + "\nJan. 9, 2022 10:32 a.m. EST",
    "dateline": "ALMATY, Kazakhstan (Reuters) —\n" + TEXT,
    "related block": TEXT + "\nRelated\nKazakhstan unrest: what we know\nWho is Tokayev?",
    "read more line": TEXT + "\nRead more: Why the protests in Kazakhstan turned violent.",
    "newsletter": TEXT + "\nSign up for our Central Asia newsletter\nEnter your email address",
    "caption": TEXT + "\nPhoto: Protesters in Almaty on Wednesday. Reuters",
    "credit": TEXT + "\n(Reporting by Olzhas Auyezov; Editing by Mark Heinrich)",
}
SUBSTANTIVE_EDITS = {
    "new figure": (TEXT.replace("At least 164", "225"), 1, 1),
    "new sentence": (TEXT + "\nEighteen members of the security forces were killed.", 1, 0),
    "removed sentence": ("\n".join(BODY[:2]), 0, 1),
    "negation": (TEXT.replace("had been restored", "had not been restored"), 1, 1),
    "paragraph after a related block": (
        TEXT + "\nRelated\nKazakhstan unrest: what we know\nThe airport reopened on Monday.",
        1,
        0,
    ),
}


@pytest.mark.parametrize("edited", TRIVIAL_EDITS.values(), ids=TRIVIAL_EDITS.keys())
def test_trivial_edits_change_no_sentence(edited: str) -> None:
    change = diff_text(TEXT, edited)
    assert not change.substantive, change


@pytest.mark.parametrize(
    ("edited", "added", "removed"), SUBSTANTIVE_EDITS.values(), ids=SUBSTANTIVE_EDITS.keys()
)
def test_substantive_edits_name_the_sentences(edited: str, added: int, removed: int) -> None:
    change = diff_text(TEXT, edited)
    assert (len(change.added), len(change.removed)) == (added, removed)
    assert all(s in edited for s in change.added) and all(s in TEXT for s in change.removed)


def test_content_sentences_keep_the_story_and_drop_furniture() -> None:
    kept = content_sentences(TRIVIAL_EDITS["related block"] + "\n" + TRIVIAL_EDITS["update stamp"])
    assert kept.count(LEAD) == 2 and not any("Tokayev?" in s or "Updated" in s for s in kept)


def test_content_hash_ignores_whitespace_punctuation_and_case() -> None:
    for name in ("whitespace", "punctuation", "case"):
        assert content_hash(TRIVIAL_EDITS[name]) == content_hash(TEXT), name
    assert content_hash(TRIVIAL_EDITS["update stamp"]) != content_hash(TEXT)


def _fetched(etag: str = '"v1"', modified: str = "Sun, 09 Jan 2022 08:00:00 GMT") -> FetchResult:
    return FetchResult(
        "https://news.example/a", 200, {"etag": etag, "last-modified": modified}, b""
    )


def _article(text: str, modified: datetime = datetime(2022, 1, 9, 9, tzinfo=UTC)) -> Article:
    published = datetime(2022, 1, 9, 8, tzinfo=UTC)
    return Article(
        "https://news.example/a",
        "Unrest in Kazakhstan",
        text,
        published=published,
        modified=modified,
    )


def test_a_version_holds_everything_compressed() -> None:
    version = first_version(_fetched(), _article(TEXT, datetime(2022, 1, 9, 9, tzinfo=UTC)))
    raw = encode_version(version)
    assert raw.startswith(PACKED) and TEXT.encode() not in raw  # deflated JSON
    assert decode_version(raw) == version
    plain = zlib.compress(json.dumps(version_fields(version)).encode())  # as stored before
    assert decode_version(plain) == version and len(raw) < len(plain)
    assert (version.etag, version.last_modified) == ('"v1"', "Sun, 09 Jan 2022 08:00:00 GMT")
    assert version.content_hash == content_hash(f"Unrest in Kazakhstan\n{TEXT}")
    assert {(f.kind, f.value) for f in version.facts} == {("killed", 164), ("arrested", 8000)}
    assert version.published is not None and version.modified is not None


async def _track(store: Store, tracker: RevisionTracker) -> TrackedArticle:
    version = tracker.first_version("story", _fetched(), _article(TEXT))
    tracked = TrackedArticle(
        story="s",
        doc="d1",
        url="https://news.example/a",
        canonical_url="https://news.example/a",
        title="Unrest in Kazakhstan",
        source="news.example",
        verdict="related",
        cluster="",
        version=1,
        content_hash=version.content_hash,
        first_seen=datetime.now(UTC).isoformat(),
    )
    async with store.transaction() as pipe:
        store.articles.queue_track(pipe, tracked, version)
        await pipe.execute()
    return tracked


async def test_revisits_store_new_content_once_and_alert_once(store: Store) -> None:
    story = StoryConfig(id="s", seed="seed.txt")
    tracker = RevisionTracker(store)
    tracked = await _track(store, tracker)

    async def revisit(text: str, modified: datetime = datetime(2022, 1, 9, 9, tzinfo=UTC)) -> str:
        return await tracker.revisit(story, tracked, _fetched(), _article(text, modified))

    assert await revisit(TEXT) == "unchanged"
    assert await revisit(TRIVIAL_EDITS["whitespace"]) == "unchanged"  # same words: same hash
    assert await revisit(TRIVIAL_EDITS["update stamp"]) == "edited"  # new version, no event
    assert await store.outbox.all_events() == []
    revised = SUBSTANTIVE_EDITS["new figure"][0]
    assert await revisit(revised) == "updated"
    emitted = await store.outbox.all_events()
    assert sorted(e["type"] for e in emitted) == ["article.updated", "fact.revised"]
    assert await revisit(TEXT) == "reverted"  # A -> B -> A: back to version 1, silently
    assert await revisit(revised) == "reverted"
    assert await revisit(revised) == "unchanged"
    assert await store.outbox.all_events() == emitted
    versions = await store.articles.versions("s", "d1")
    assert [v.number for v in versions] == [1, 2, 3]
    current = await store.articles.get("s", "d1")
    assert current is not None and current.version == 3
    # the publisher's dateModified moves but the text does not: no version, outcome "touched"
    assert await revisit(revised, datetime(2022, 1, 20, tzinfo=UTC)) == "touched"
    assert await revisit(revised, datetime(2022, 1, 20, tzinfo=UTC)) == "unchanged"
    assert len(await store.articles.versions("s", "d1")) == 3


async def test_the_next_version_number_comes_from_the_article_counter(store: Store) -> None:
    story = StoryConfig(id="s", seed="seed.txt")
    tracker = RevisionTracker(store)
    tracked = await _track(store, tracker)
    added = [f"{TEXT}\nThe airport reopened on day {n}." for n in range(1, 4)]
    assert await tracker.revisit(story, tracked, _fetched(), _article(added[0])) == "updated"
    # numbering a version reads no stored version: an unreadable old one does not matter
    await store.redis.hset(store.keys.versions("s", "d1"), "1", b"not a stored version")
    assert await tracker.revisit(story, tracked, _fetched(), _article(added[1])) == "updated"
    current = await store.articles.get("s", "d1")
    assert current is not None and (current.version, current.latest) == (3, 3)
    # an article stored before the counter existed: numbered after the versions it has
    await store.redis.hdel(store.keys.article("s", "d1"), "latest")
    assert await tracker.revisit(story, tracked, _fetched(), _article(added[2])) == "updated"
    current = await store.articles.get("s", "d1")
    assert current is not None and (current.version, current.latest) == (4, 4)
    fourth = await store.articles.version("s", "d1", 4)
    assert fourth is not None and fourth.text == added[2]
