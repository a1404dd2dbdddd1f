"""The optimistic guard that replaced the story-wide lock (crawler/store/claims.py).

Against the real Redis: a decision whose claim another commit moved while it was reading is
refused and made again from fresh reads; a commit on other claims does not disturb it; a
cluster reshaped by one decision never loses a copy that joined it meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from crawler.config import Settings
from crawler.core.dedup import fingerprint
from crawler.runtime import open_runtime
from crawler.stages.article.judging import Ruling
from crawler.stages.article.pipeline import ArticleJob
from crawler.store import Store, WriteSet
from crawler.store.claims import copy_claims, shards
from crawler.store.clusters import read_clusters
from crawler.store.commit import Guard
from crawler.store.writes import IndexAdd, Verdict
from tests.conftest import SEED_FILE
from tests.newsroom import Newsroom
from tests.newstexts import SYNDICATION_INTRO, WIRE, WIRE_TITLE


async def _judged(store: Store, doc: str) -> str:
    verdict, content = await store.articles.judgement("s", doc)
    return f"{verdict}:{content}" if verdict else ""


async def test_a_racing_commit_on_a_claim_makes_the_decision_again(store: Store) -> None:
    reads: list[str] = []

    async def racer(_: Guard) -> tuple[WriteSet, None]:
        return WriteSet().add(Verdict("s", "first", "unrelated", "racer")), None

    async def decision(_: Guard) -> tuple[WriteSet, str]:
        reads.append(await _judged(store, "first"))
        if len(reads) == 1:  # another job commits on the same claim while this one decides
            await store.decide("s", ["doc:first"], racer)
        return WriteSet().add(Verdict("s", "second", "unrelated", reads[-1])), reads[-1]

    result = await store.decide("s", ["doc:first"], decision)

    assert reads == ["", "unrelated:racer"]  # decided twice: the second time it saw the racer
    assert result == "unrelated:racer"
    assert await _judged(store, "second") == "unrelated:unrelated:racer"


async def test_reads_sent_with_their_watch_are_guarded_like_reads_after_it(store: Store) -> None:
    """``reads_first``: the decision's first read travels with the WATCH of its claims, and
    a later read with the WATCH of claims it learned; a racing commit on either refuses the
    decision all the same."""
    reads: list[str] = []

    async def racer(_: Guard) -> tuple[WriteSet, None]:
        return WriteSet().add(Verdict("s", "first", "unrelated", f"racer{len(reads)}")), None

    async def decision(guard: Guard) -> tuple[WriteSet, str]:
        verdict, content = await guard.read(store.articles.judgement_read("s", "first"))
        reads.append(f"{verdict}:{content}" if verdict else "")
        if len(reads) == 1:  # a commit on its own claim, right after the read
            await store.decide("s", ["doc:first"], racer)
        later = await guard.read(store.articles.get_many_read("s", ["later"]), ["doc:later"])
        assert later == {"later": None}
        if len(reads) == 2:  # a commit on a claim it learned, right after that read
            await store.decide("s", ["doc:later"], racer)
        return WriteSet().add(Verdict("s", "second", "unrelated", reads[-1])), reads[-1]

    result = await store.decide("s", ["doc:first"], decision, reads_first=True)

    assert reads == ["", "unrelated:racer1", "unrelated:racer2"] and result == reads[-1]
    assert await _judged(store, "second") == "unrelated:unrelated:racer2"


async def test_a_reads_first_decision_that_read_unguarded_is_made_again(store: Store) -> None:
    calls = 0

    async def decision(_: Guard) -> tuple[WriteSet, None]:
        nonlocal calls
        calls += 1
        await _judged(store, "first")  # not through the guard: its claims were not watched
        return WriteSet().add(Verdict("s", "mine", "unrelated")), None

    await store.decide("s", ["doc:first"], decision, reads_first=True)
    assert calls == 2 and await _judged(store, "mine") == "unrelated:"


async def test_reads_survive_a_server_that_forgot_its_scripts(store: Store) -> None:
    """A read calling a server script by digest loads it when the server lost it (restarted,
    flushed) and is sent again — alone, and behind a decision's WATCH."""
    fp = fingerprint(
        " ".join(f"Sentence {i} on the dam that broke above Derna." for i in range(30))
    )
    await store.commit(WriteSet().add(IndexAdd("s", "indexed", fp)))
    await store.redis.script_flush()
    assert [doc for doc, _ in await store.index.candidates("s", fp)] == ["indexed"]

    async def decision(guard: Guard) -> tuple[WriteSet, list[str]]:
        found = await guard.read(store.index.candidates_read("s", fp))
        return WriteSet(), [doc for doc, _ in found]

    await store.redis.script_flush()
    assert await store.decide("s", ["doc:other"], decision, reads_first=True) == ["indexed"]


async def test_a_commit_on_other_claims_does_not_disturb_a_decision(store: Store) -> None:
    mine, theirs = ["doc:mine"], ["doc:theirs"]
    assert not set(shards(mine)) & set(shards(theirs))
    calls = 0

    async def other(_: Guard) -> tuple[WriteSet, None]:
        return WriteSet().add(Verdict("s", "theirs", "unrelated")), None

    async def decision(_: Guard) -> tuple[WriteSet, None]:
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


Race = Callable[[Ruling], bool]


async def _race(
    make_settings: Callable[..., Settings],
    monkeypatch: pytest.MonkeyPatch,
    deciding: str,
    racing: str,
    when: Race,
) -> None:
    """The wire's report (10:00) is tracked; then the ``deciding`` page is processed, and the
    first time its ruling satisfies ``when`` the ``racing`` page is processed in full before
    that decision commits. Both are copies: a late one (11:00) and an earlier one (08:00).
    Whatever the interleaving, the earliest must end up representing all three."""
    room = Newsroom("Steppe Wire")
    await room.start()
    room.publish("/wire/a", WIRE_TITLE, WIRE, "2022-01-08T10:00:00Z")
    room.publish("/late/c", "Kazakh ex-spy chief held", [SYNDICATION_INTRO, *WIRE],
                 "2022-01-08T11:00:00Z")  # fmt: skip
    room.publish("/early/b", WIRE_TITLE, WIRE, "2022-01-08T08:00:00Z")
    first, deciding_url, racing_url = (room.url(p) for p in ("/wire/a", deciding, racing))
    try:
        async with open_runtime(make_settings()) as runtime:
            pipeline = runtime.pipeline
            assert await pipeline.process(ArticleJob("story", first)) == "related"
            judge = pipeline._judge
            rule = judge.rule
            raced: list[str] = []

            async def racing_rule(*args: Any) -> Ruling:
                ruling = await rule(*args)
                if when(ruling) and not raced:
                    monkeypatch.setattr(judge, "rule", rule)
                    raced.append(await pipeline.process(ArticleJob("story", racing_url)))
                    monkeypatch.setattr(judge, "rule", racing_rule)
                return ruling

            monkeypatch.setattr(judge, "rule", racing_rule)
            assert await pipeline.process(ArticleJob("story", deciding_url)) == "duplicate"
            clusters = await read_clusters(runtime.store.articles, "story", str(SEED_FILE))
    finally:
        await room.close()

    assert raced == ["duplicate"]
    (cluster,) = clusters
    assert cluster.representative.url == room.url("/early/b")
    assert sorted(c.url for c in cluster.copies) == sorted([first, room.url("/late/c")])


async def test_a_copy_joining_while_an_earlier_one_takes_over_is_not_left_behind(
    make_settings: Callable[..., Settings], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An earlier-published copy takes the cluster over (its members move to it) while a third
    copy joins the old cluster between that decision's reads: the third is moved too."""
    await _race(make_settings, monkeypatch, "/early/b", "/late/c", lambda r: bool(r.former))


async def test_a_copy_joining_a_cluster_that_is_taken_over_meanwhile_follows_it(
    make_settings: Callable[..., Settings], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A copy rules "join the wire's cluster"; before it commits, an earlier-published copy
    takes that cluster over. The first copy's commit is refused and it joins the new one."""
    await _race(make_settings, monkeypatch, "/late/c", "/early/b", lambda r: bool(r.cluster))
