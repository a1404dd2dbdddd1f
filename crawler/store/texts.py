"""Version records and their texts, each text stored once per content.

Byte-identical copies of a page (and an article that returns to an earlier text) share one
stored text, and copies share what their versions say about it too. Per story ``s`` and
document ``d``:

    {p}v:{s}:{d}        hash n → the record of version n
    {p}text:{s}         hash body id → zlib of a version text (body id: the 16-byte blake2b
                        digest of the exact text, :func:`body_id`); and meta id → the packed
                        *shared* fields of a version (content hash, title, facts, publication
                        and modification times; meta id: a digest of their JSON)
    {p}text-refs:{s}    hash body or meta id → how many *more* version records point at it
                        than the first (no field while only one does)

A record is one of

* **shared**: ``^`` + the body id + the meta id + the version's *own* fields (number, fetch
  time, ETag, Last-Modified), packed — every version written now whose text is at least
  :data:`INLINE` characters long; a byte-identical copy's record is ~50 bytes;
* a **pointer**: ``@`` + the body id + the version without its text — how such versions were
  written before their shared fields were (issue 11);
* **inline**: the whole version, text included (:func:`encode_version`) — the short texts (a
  shared body would cost more than it saves) and every version stored before texts were
  shared. Old stores are not migrated: their records are read as they are and go when their
  article is archived.

The JSON of a record and of shared fields is packed: :data:`PACKED` + raw deflate with a
preset dictionary of the record's own keys and stock values (:data:`RECORDS`,
:mod:`crawler.store.packing`), two thirds of what plain zlib gives for a few hundred bytes.
Records written before are plain zlib (whose first byte is never :data:`PACKED`) and read as
they are. The dictionary is part of the stored format: a different one needs a new marker.

Writing a version (:meth:`VersionTexts.queue_put`, one script in the caller's MULTI/EXEC) adds
its record, its text and its shared fields, or, for each already there, one more reference.
Archiving an article (:meth:`VersionTexts.queue_release`, in the archive's MULTI/EXEC) runs one
script that, for every body and meta id among the article's records, takes one reference away —
each goes with its last record — then deletes the records: a text is deleted only when no
version points at it. A reference is only ever taken away for a pointer that was counted when
it was written, so a count can only be too high (a version number written twice — two writers
numbering the same version, which the version's claim on its document prevents), which keeps a
text longer, never too short.

Reads return the records with their texts in one round trip (a script follows the pointers).
"""

from __future__ import annotations

import hashlib
import json
import zlib
from datetime import datetime
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.client import Pipeline

from crawler.errors import StoreError
from crawler.models import Fact, Version
from crawler.store.keys import Keys
from crawler.store.packing import Packing

INLINE = 200  # texts shorter than this stay in their record
POINTER = b"@"
PACKED = b"\x01"  # a packed record's marker (a zlib stream starts with 0x?8)
RECORDS = Packing(
    PACKED,
    (
        b'"facts":[{"kind":"killed","subject":"","value":,"low":,"high":,"qualifier":"",'
        b'"quantity":"exact","role":"total","scope":{},"attribution":"","text":"'
        b'"etag":"","last_modified":"","text":"'
        b'{"number":1,"content_hash":"","title":"","facts":[],"fetched_at":"2026-12-01T00:00:'
        b'00.000000+00:00","published":null,"modified":null,"etag":"","last_modified":""}'
    ),
)
SHARED = b"^"
ID_SIZE = 16  # bytes of a body or meta id
_OWN = 1 + 2 * ID_SIZE  # where a shared record's own fields start
# a record's body id and, for a shared record, its meta id
_PARTS = """
local function parts(record)
  local kind = string.sub(record, 1, 1)
  if kind == '@' then return {string.sub(record, 2, 17)} end
  if kind == '^' then return {string.sub(record, 2, 17), string.sub(record, 18, 33)} end
  return {}
end
"""
# KEYS[1] records, KEYS[2] texts; ARGV[1] version number → {record, text, meta} | nil (a
# part the record does not point at, or that is missing: false)
_GET = (
    _PARTS
    + """
local record = redis.call('HGET', KEYS[1], ARGV[1])
if not record then return nil end
local out, ids = {record, false, false}, parts(record)
for i = 1, #ids do out[i + 1] = redis.call('HGET', KEYS[2], ids[i]) end
return out
"""
)
# KEYS[1] records, KEYS[2] texts → {record, text, meta, record, text, meta, …}
_ALL = (
    _PARTS
    + """
local out = {}
for _, record in ipairs(redis.call('HVALS', KEYS[1])) do
  local at, ids = #out, parts(record)
  out[at + 1], out[at + 2], out[at + 3] = record, false, false
  for i = 1, #ids do out[at + 1 + i] = redis.call('HGET', KEYS[2], ids[i]) end
end
return out
"""
)
# KEYS[1] records, KEYS[2] texts, KEYS[3] references; ARGV: number, record, then id, blob
# pairs (the text, the shared fields)
_PUT = """
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
for i = 3, #ARGV, 2 do
  if redis.call('HSETNX', KEYS[2], ARGV[i], ARGV[i + 1]) == 0 then
    redis.call('HINCRBY', KEYS[3], ARGV[i], 1)
  end
end
return 0
"""
# KEYS[1] records, KEYS[2] texts, KEYS[3] references → texts and shared fields deleted
_RELEASE = (
    _PARTS
    + """
local deleted = 0
for _, record in ipairs(redis.call('HVALS', KEYS[1])) do
  for _, id in ipairs(parts(record)) do
    local more = redis.call('HINCRBY', KEYS[3], id, -1)
    if more <= 0 then redis.call('HDEL', KEYS[3], id) end
    if more < 0 then deleted = deleted + redis.call('HDEL', KEYS[2], id) end
  end
end
redis.call('DEL', KEYS[1])
return deleted
"""
)


def body_id(text: str) -> bytes:
    """The id a text is stored under: a digest of its exact characters."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=ID_SIZE).digest()


def meta_id(version: Version) -> bytes:
    """The id a version's shared fields are stored under: a digest of their JSON."""
    return _meta_id(RECORDS.text(_split(version)[1]))


def _meta_id(shared: bytes) -> bytes:
    return hashlib.blake2b(shared, digest_size=ID_SIZE, person=b"meta").digest()


class VersionTexts:
    def __init__(self, redis: Redis, keys: Keys) -> None:
        self._redis = redis
        self._keys = keys
        self._get = redis.register_script(_GET)
        self._all = redis.register_script(_ALL)

    def queue_put(self, pipe: Pipeline, story: str, doc: str, version: Version) -> None:
        """Version ``version.number`` of ``doc``, its text stored once for the story (EVAL,
        not EVALSHA: safe in MULTI)."""
        k = self._keys
        records, number = k.versions(story, doc), str(version.number)
        if len(version.text) < INLINE:
            pipe.hset(records, number, encode_version(version))
            return
        own, shared = _split(version)
        shared_json = RECORDS.text(shared)  # digested for its id, then packed
        body, meta = body_id(version.text), _meta_id(shared_json)
        record = SHARED + body + meta + RECORDS.pack(own)
        text = zlib.compress(version.text.encode("utf-8"), 6)
        parts = [body, text, meta, RECORDS.deflate(shared_json)]
        pipe.eval(_PUT, 3, records, k.texts(story), k.text_refs(story), number, record, *parts)

    def queue_release(self, pipe: Pipeline, story: str, doc: str) -> None:
        """Delete every record of ``doc`` and each text no other version points at (EVAL,
        not EVALSHA: safe in MULTI)."""
        k = self._keys
        pipe.eval(_RELEASE, 3, k.versions(story, doc), k.texts(story), k.text_refs(story))

    async def get(self, story: str, doc: str, number: int) -> Version | None:
        keys = [self._keys.versions(story, doc), self._keys.texts(story)]
        reply = await self._get(keys=keys, args=[str(number)])
        return decode_record(*reply) if reply else None

    async def all(self, story: str, doc: str) -> list[Version]:
        """Every version of ``doc``, in no particular order."""
        reply = await self._all(keys=[self._keys.versions(story, doc), self._keys.texts(story)])
        triples = zip(reply[::3], reply[1::3], reply[2::3], strict=True)
        return [decode_record(r, t, m) for r, t, m in triples]


def encode_version(version: Version) -> bytes:
    """A whole version in one record (packed JSON, text included)."""
    return RECORDS.pack(version_fields(version))


def decode_version(raw: bytes) -> Version:
    """A version from an inline record (:func:`encode_version`, or plain zlib as before)."""
    return _version(_expand(raw))


def version_fields(version: Version) -> dict[str, Any]:
    """A version as plain data (what a record holds, text included)."""
    return _fields(version, with_text=True)


def decode_record(record: bytes, text: bytes | None, meta: bytes | None = None) -> Version:
    """A version from its record and what it points at: the stored text (a pointer or a
    shared record) and the shared fields (a shared record)."""
    if not record.startswith((POINTER, SHARED)):
        return decode_version(record)
    shared = record.startswith(SHARED)
    if text is None:
        raise StoreError(f"the text {record[1 : 1 + ID_SIZE].hex()} of a stored version is missing")
    if shared and meta is None:
        raise StoreError(
            f"the shared fields {record[1 + ID_SIZE : _OWN].hex()} of a stored version are missing"
        )
    if shared:
        data = _expand(meta or b"") | _expand(record[_OWN:])
    else:
        data = _expand(record[1 + ID_SIZE :])
    data["text"] = zlib.decompress(text).decode("utf-8")
    return _version(data)


_OWN_FIELDS = ("number", "fetched_at", "etag", "last_modified")


def _split(version: Version) -> tuple[dict[str, Any], dict[str, Any]]:
    """(what a version holds for itself: its number, when it was fetched, the validators;
    what byte-identical copies' versions have in common, the text apart)."""
    fields = _fields(version, with_text=False)
    own = {k: fields.pop(k) for k in _OWN_FIELDS}
    return own, fields


def _fields(version: Version, with_text: bool) -> dict[str, Any]:
    data: dict[str, Any] = {
        "number": version.number,
        "content_hash": version.content_hash,
        "title": version.title,
        "facts": [f.to_json() for f in version.facts],
        "fetched_at": version.fetched_at.isoformat(),
        "published": version.published.isoformat() if version.published else None,
        "modified": version.modified.isoformat() if version.modified else None,
        "etag": version.etag,
        "last_modified": version.last_modified,
    }
    if with_text:
        data["text"] = version.text
    return data


def _expand(blob: bytes) -> dict[str, Any]:
    """The JSON of a record: packed (:data:`RECORDS`) or plain zlib (written before)."""
    data: dict[str, Any] = (
        RECORDS.unpack(blob) if RECORDS.packed(blob) else json.loads(zlib.decompress(blob))
    )
    return data


def _version(data: dict[str, Any]) -> Version:
    return Version(
        number=int(data["number"]),
        content_hash=data["content_hash"],
        title=data["title"],
        text=data["text"],
        facts=tuple(Fact.from_json(f) for f in data["facts"]),
        fetched_at=datetime.fromisoformat(data["fetched_at"]),
        published=_when(data.get("published")),
        modified=_when(data.get("modified")),
        etag=data.get("etag", ""),
        last_modified=data.get("last_modified", ""),
    )


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
