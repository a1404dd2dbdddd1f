"""Version records and their texts, each text stored once per content.

Byte-identical copies of a page (and an article that returns to an earlier text) share one
stored text. Per story ``s`` and document ``d``:

    {p}v:{s}:{d}        hash n → the record of version n
    {p}text:{s}         hash body id → zlib of a version text (body id: the 16-byte blake2b
                        digest of the exact text, :func:`body_id`)
    {p}text-refs:{s}    hash body id → how many *more* version records point at that text
                        than the first (no field while only one does)

A record is one of

* a **pointer**: ``@`` + the body id + zlib JSON of the version without its text — every
  version written now whose text is at least :data:`INLINE` characters long;
* **inline**: zlib JSON of the whole version, text included (:func:`encode_version`) — the
  short texts (a shared body would cost more than it saves) and every version stored before
  texts were shared. Old stores are not migrated: their records are read as they are and go
  when their article is archived.

The JSON of a record (a pointer's part after the body id, or an inline record) is written as
:data:`PACKED` + raw deflate with a preset dictionary of the record's own keys and stock values
(:data:`RECORDS`, :mod:`crawler.store.packing`): two thirds of what plain zlib gives for the
~300 bytes of a version without its text. Records written before are plain zlib (whose first
byte is never :data:`PACKED`) and read as they are. The dictionary is part of the stored
format: a different one needs a new marker.

Writing a version (:meth:`VersionTexts.queue_put`, one script in the caller's MULTI/EXEC)
adds its record and its text, or, when the text is there already, one more reference.
Archiving an article (:meth:`VersionTexts.queue_release`, in the archive's MULTI/EXEC) runs
one script that, for every pointer among the article's records, takes one reference away —
the text goes with its last pointer — then deletes the records: a text is deleted only when
no version points at it. A reference is only ever taken away for a pointer that was counted
when it was written, so a count can only be too high (a version number written twice — two
writers numbering the same version, which the version's claim on its document prevents),
which keeps a text longer, never too short.

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
ID_SIZE = 16  # bytes of a body id
_ID = "string.sub(record, 2, 17)"  # a pointer record's body id, in Lua
# KEYS[1] records, KEYS[2] texts; ARGV[1] version number → {record, text or false} | nil
_GET = f"""
local record = redis.call('HGET', KEYS[1], ARGV[1])
if not record then return nil end
if string.sub(record, 1, 1) == '@' then
  return {{record, redis.call('HGET', KEYS[2], {_ID})}}
end
return {{record, false}}
"""
# KEYS[1] records, KEYS[2] texts → {record, text or false, record, text or false, …}
_ALL = f"""
local out = {{}}
for _, record in ipairs(redis.call('HVALS', KEYS[1])) do
  out[#out + 1] = record
  if string.sub(record, 1, 1) == '@' then
    out[#out + 1] = redis.call('HGET', KEYS[2], {_ID})
  else
    out[#out + 1] = false
  end
end
return out
"""
# KEYS[1] records, KEYS[2] texts, KEYS[3] references; ARGV: number, record, body id, text
_PUT = """
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
if redis.call('HSETNX', KEYS[2], ARGV[3], ARGV[4]) == 0 then
  redis.call('HINCRBY', KEYS[3], ARGV[3], 1)
end
return 0
"""
# KEYS[1] records, KEYS[2] texts, KEYS[3] references → texts deleted
_RELEASE = f"""
local deleted = 0
for _, record in ipairs(redis.call('HVALS', KEYS[1])) do
  if string.sub(record, 1, 1) == '@' then
    local id = {_ID}
    local more = redis.call('HINCRBY', KEYS[3], id, -1)
    if more <= 0 then redis.call('HDEL', KEYS[3], id) end
    if more < 0 then deleted = deleted + redis.call('HDEL', KEYS[2], id) end
  end
end
redis.call('DEL', KEYS[1])
return deleted
"""


def body_id(text: str) -> bytes:
    """The id a text is stored under: a digest of its exact characters."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=ID_SIZE).digest()


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
        body = body_id(version.text)
        record = POINTER + body + _compress(_fields(version, with_text=False))
        text = zlib.compress(version.text.encode("utf-8"), 6)
        pipe.eval(_PUT, 3, records, k.texts(story), k.text_refs(story), number, record, body, text)

    def queue_release(self, pipe: Pipeline, story: str, doc: str) -> None:
        """Delete every record of ``doc`` and each text no other version points at (EVAL,
        not EVALSHA: safe in MULTI)."""
        k = self._keys
        pipe.eval(_RELEASE, 3, k.versions(story, doc), k.texts(story), k.text_refs(story))

    async def get(self, story: str, doc: str, number: int) -> Version | None:
        keys = [self._keys.versions(story, doc), self._keys.texts(story)]
        reply = await self._get(keys=keys, args=[str(number)])
        return decode_record(reply[0], reply[1]) if reply else None

    async def all(self, story: str, doc: str) -> list[Version]:
        """Every version of ``doc``, in no particular order."""
        reply = await self._all(keys=[self._keys.versions(story, doc), self._keys.texts(story)])
        return [decode_record(r, t) for r, t in zip(reply[::2], reply[1::2], strict=True)]


def encode_version(version: Version) -> bytes:
    """A whole version in one record (packed JSON, text included)."""
    return _compress(version_fields(version))


def decode_version(raw: bytes) -> Version:
    """A version from an inline record (:func:`encode_version`, or plain zlib as before)."""
    return _version(_expand(raw))


def version_fields(version: Version) -> dict[str, Any]:
    """A version as plain data (what a record holds, text included)."""
    return _fields(version, with_text=True)


def decode_record(record: bytes, text: bytes | None) -> Version:
    """A version from its record and, for a pointer, the stored text it points at."""
    if not record.startswith(POINTER):
        return decode_version(record)
    if text is None:
        body = record[1 : 1 + ID_SIZE].hex()
        raise StoreError(f"the text {body} of a stored version is missing")
    data = _expand(record[1 + ID_SIZE :])
    data["text"] = zlib.decompress(text).decode("utf-8")
    return _version(data)


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


def _compress(data: dict[str, Any]) -> bytes:
    return RECORDS.pack(data)


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
