"""Claims: optimistic concurrency for the article stage instead of a story-wide lock.

A first visit decides *copy, related or unrelated* from what the copy index holds; a new
version decides what the story's figures do from the standing figures. Two jobs deciding at
once on overlapping state must not both win (two copies arriving together would make two
clusters; two reports of one figure would both "revise" it). Instead of serialising every job
of a story through one lock, each decision names its **claims** — the few things it read that
a racing job could change — and commits optimistically:

1. ``WATCH`` the claims' keys (one round trip), then read and decide as usual;
2. commit the writes in ``MULTI``/``EXEC`` together with a bump of the claims the commit
   *changes* (:meth:`crawler.store.writes.WriteSet.changed`: the documents it writes, the
   clusters whose members it changes, the fact keys whose standing figure it sets, and the
   page's copy claims whenever its index entries are new — every tracked page but an exact
   copy, whose entries its original already owns);
3. if another commit bumped one of them in between, ``EXEC`` is refused and the decision is
   made again from fresh reads (at most :data:`MAX_ATTEMPTS` times, then the job is retried
   later like any store failure — nothing is lost).

Claims hash into :data:`SHARDS` keys per story, so the keys are bounded whatever the story's
size; a collision of unrelated claims only costs a second decision. The keys expire
(:data:`TTL_MS`); the guard does not rest on their lifetime: a bump writes the key whether
it expired or not, so every decision watching it is refused (an expiry while watched may
refuse one too: safe).

What a first visit claims (:func:`copy_claims`): its own document, its exact text hash, every
LSH band bucket of its signature, and a consistent sample (the smallest hashes) of its
anchors and sentence keys — the entries through which a copy racing with it would find it —
and the story's profile landmark (the first related page sets it). Once the index proposes
candidates, their documents are watched too before they are read (a racing merge, move or
separation of one of them refuses the commit), and a ruling that merges clusters or takes
one over watches those clusters' membership and is made again.
Two near-verbatim copies share buckets, so one of them always decides after seeing the other;
two re-spun copies that share only sentences are caught unless none of their sampled keys
coincide (then they are judged apart and the next copy that bridges them merges the two
clusters, :mod:`crawler.stages.article.judging`). What a new version claims
(:func:`version_claims`): its document and every fact key it reports (the standing figures
its facts are judged against).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable

from crawler.core.dedup import Fingerprint, band_keys
from crawler.models import Version

SHARDS = 1 << 16
SAMPLE = 8  # anchors and sentence keys claimed per page (the smallest hashes)
TTL_MS = 5_000
MAX_ATTEMPTS = 16
# KEYS: the claims' keys; ARGV[1]: their TTL in ms
BUMP = """
for _, key in ipairs(KEYS) do
  redis.call('INCR', key)
  redis.call('PEXPIRE', key, ARGV[1])
end
return #KEYS
"""


def copy_claims(doc: str, fp: Fingerprint) -> list[str]:
    """What a first visit's copy decision rests on (see the module docstring)."""
    claims = [f"doc:{doc}", f"exact:{fp.exact}"]
    claims += [f"band:{i}:{key.hex()}" for i, key in enumerate(band_keys(fp.signature))]
    claims += [f"anchor:{a.hex()}" for a in sorted(set(fp.anchors))[:SAMPLE]]
    claims += [f"sentence:{s.hex()}" for s in sorted(set(fp.keys))[:SAMPLE]]
    return claims


def version_claims(doc: str, version: Version) -> list[str]:
    """What a version's facts decision rests on: the document and the fact keys it reports."""
    return [f"doc:{doc}", *fact_claims(version)]


def fact_claims(version: Version) -> list[str]:
    """The fact keys ``version`` reports (the standing figures its facts are judged against)."""
    return [f"fact:{key}" for key in sorted({fact.key for fact in version.facts})]


def shards(claims: Iterable[str]) -> list[int]:
    """The claims' shard numbers (sorted, each once)."""
    return sorted({zlib.crc32(c.encode()) % SHARDS for c in claims})
