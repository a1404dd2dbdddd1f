"""The sample event ``newswatch hooks test NAME`` sends: a ``fact.revised`` of the current
contract, with made-up sources, marked ``"test": true`` and with a fresh id each time (so a
receiver that drops repeated ids still shows every test)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any


def sample_event() -> dict[str, Any]:
    article = {
        "url": "https://news.example/world/clashes-toll-rises",
        "canonical_url": "https://news.example/world/clashes-toll-rises",
        "title": "Death toll in the clashes rises to 225",
        "source": "Example Daily",
        "version": 2,
    }
    return {
        "id": f"test:{uuid.uuid4().hex[:12]}",
        "type": "fact.revised",
        "story": "sample",
        "at": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        "test": True,
        "article": article,
        "scope": "story",
        "direction": "up",
        "change": {"absolute": 61, "relative": 0.372},
        "fact": {
            "kind": "killed",
            "subject": "people",
            "role": "total",
            "scope": {},
            "attribution": "the health ministry",
            "old": {
                "value": 164,
                "low": 164,
                "high": None,
                "qualifier": "at least",
                "quantity": "bounded",
                "source": "Example Wire",
                "text": "At least 164 people were killed in the clashes, officials said.",
            },
            "new": {
                "value": 225,
                "low": 225,
                "high": 225,
                "qualifier": "",
                "quantity": "exact",
                "source": "Example Daily",
                "text": "The health ministry said 225 people had been killed.",
            },
        },
        "previous_source": "Example Wire",
        "summary": "killed: at least 164 → 225 (+61, +37 %) — the health ministry via "
        "Example Daily (v2)",
    }
