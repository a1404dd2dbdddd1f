"""The optimistic guard that replaced the story-wide lock (crawler/store/claims.py).

Against the real Redis: a decision whose claim another commit moved while it was reading is
refused and made again from fresh reads; a commit on other claims does not disturb it.
"""

from __future__ import annotations

from crawler.core.dedup import fingerprint
from crawler.store import Store, WriteSet
from crawler.store.claims import copy_claims, shards
from crawler.store.writes import Verdict


async def _judged(store: Store, doc: str) -> str:
    verdict, content = await store.articles.judgement("s", doc)
    return f"{verdict}:{content}" if verdict else ""


async def test_a_racing_commit_on_a_claim_makes_the_decision_again(store: Store) -> None:
    reads: list[str] = []

    async def racer() -> tuple[WriteSet, None]:
        return WriteSet().add(Verdict("s", "first", "unrelated", "racer")), None

    async def decision() -> tuple[WriteSet, str]:
        reads.append(await _judged(store, "first"))
        if len(reads) == 1:  # another job commits on the same claim while this one decides
            await store.decide("s", ["doc:first"], racer)
        return WriteSet().add(Verdict("s", "second", "unrelated", reads[-1])), reads[-1]

    result = await store.decide("s", ["doc:first"], decision)

    assert reads == ["", "unrelated:racer"]  # decided twice: the second time it saw the racer
    assert result == "unrelated:racer"
    assert await _judged(store, "second") == "unrelated:unrelated:racer"


async def test_a_commit_on_other_claims_does_not_disturb_a_decision(store: Store) -> None:
    mine, theirs = ["doc:mine"], ["doc:theirs"]
    assert not set(shards(mine)) & set(shards(theirs))
    calls = 0

    async def other() -> tuple[WriteSet, None]:
        return WriteSet().add(Verdict("s", "theirs", "unrelated")), None

    async def decision() -> tuple[WriteSet, None]:
        nonlocal calls
        calls += 1
        await store.decide("s", theirs, other)
        return WriteSet().add(Verdict("s", "mine", "unrelated")), None

    await store.decide("s", mine, decision)

    assert calls == 1
    assert await _judged(store, "mine") == "unrelated:"


async def test_copies_claim_what_a_racing_copy_would_find_them_by() -> None:
    text = " ".join(
        f"Sentence {i} about the floods in the eastern city of Derna." for i in range(30)
    )
    original = copy_claims("a", fingerprint(text))
    copy = copy_claims("b", fingerprint(text + " Read more at our site."))
    other = copy_claims("c", fingerprint("An unrelated report on elections in a far country " * 9))

    assert set(original) & set(copy)  # they share buckets: one of them sees the other
    assert not (set(original) - {"doc:a"}) & set(other)
