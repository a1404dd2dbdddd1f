"""The story's timeline of fact reports on the real server: stored packed, read back as they
were, and those stored before as plain JSON still read."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from crawler.core.facts.story import Report
from crawler.models import ArticleRef, Fact
from crawler.store import Store
from crawler.store.timeline import REPORTS, entry_id, key_hash

WHEN = datetime(2022, 1, 9, 9, tzinfo=UTC)


def _report(doc: str, value: float, hour: int) -> Report:
    fact = Fact("killed", "people", value, "at least", f"At least {value:g} people were killed")
    ref = ArticleRef(f"https://{doc}.example/x", f"https://{doc}.example/x", "Unrest", doc, 1)
    seen = WHEN.replace(hour=hour)
    return Report(fact, ref, doc, doc, seen, seen, effect="revised")


async def test_reports_are_stored_packed_and_read_as_they_were(store: Store) -> None:
    first, second = _report("a", 164, 9), _report("b", 225, 10)
    async with store.transaction() as pipe:
        for report in (first, second):
            store.timeline.queue_entry(pipe, "s", report)
        await pipe.execute()
    raw = await store.redis.hget(store.keys.timeline("s", key_hash(first.key)), entry_id(first))
    plain = json.dumps(first.to_json(), ensure_ascii=False).encode()
    assert raw is not None and REPORTS.packed(raw) and len(raw) < 0.7 * len(plain)
    assert await store.timeline.entries("s", first.key) == [first, second]


async def test_a_report_stored_as_plain_json_before_still_reads(store: Store) -> None:
    old, new = _report("a", 164, 9), _report("b", 225, 10)
    async with store.transaction() as pipe:
        store.timeline.queue_entry(pipe, "s", old)
        store.timeline.queue_entry(pipe, "s", new)
        await pipe.execute()
    plain = json.dumps(old.to_json(), ensure_ascii=False)  # as written before issue 11
    await store.redis.hset(store.keys.timeline("s", key_hash(old.key)), entry_id(old), plain)
    assert await store.timeline.entries("s", old.key) == [old, new]
