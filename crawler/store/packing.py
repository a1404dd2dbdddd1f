"""JSON records packed small: compact JSON, raw deflate with a preset dictionary.

A stored record of a few hundred bytes (an outbox event, a version record, a fact report)
compresses poorly on its own: zlib has nothing to refer back to. A preset dictionary of the
record's own keys and stock values gives it that, and the packed record is about a third to
a half of the JSON. Each kind of record has its dictionary (kept as data beside its store)
and a marker that tells it from what was stored before it was packed; a dictionary is part
of the stored format — a different one needs a new marker (or field name).
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Packing:
    marker: bytes  # what a packed record starts with ("" when its field name tells)
    dictionary: bytes

    def text(self, data: Any) -> bytes:
        """``data`` as compact JSON (what :meth:`pack` deflates)."""
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    def pack(self, data: Any) -> bytes:
        return self.deflate(self.text(data))

    def deflate(self, text: bytes) -> bytes:
        """:meth:`pack` of JSON already made by :meth:`text`."""
        deflate = zlib.compressobj(
            9, zlib.DEFLATED, -15, 9, zlib.Z_DEFAULT_STRATEGY, self.dictionary
        )
        return self.marker + deflate.compress(text) + deflate.flush()

    def packed(self, blob: bytes) -> bool:
        return blob.startswith(self.marker)

    def unpack(self, blob: bytes) -> Any:
        inflate = zlib.decompressobj(-15, self.dictionary)
        return json.loads(inflate.decompress(blob[len(self.marker) :]) + inflate.flush())
