"""Many hash fields incremented at once: one script call instead of one command per field.

A judged article adds to a few dozen fields of the grown profile, a polled feed to the
document frequencies of every term of its entries; one ``HINCRBY`` / ``HINCRBYFLOAT`` per
field made those the bulk of the commands per article. :func:`queue_add` queues one EVAL
that reads the fields of each hash (``HMGET``) and writes their sums back (``HSET``), in
chunks, atomically — within the caller's MULTI/EXEC.

The stored values stay what they were: decimal numbers, read with ``int()`` / ``float()``.
Integer sums are written as integers; float sums with 17 significant digits (``%.17g``: they
read back to the same double), where ``HINCRBYFLOAT`` wrote up to 17 decimals in fixed
notation — hundreds of digits for the large forward-decayed weights of an old story, and
``0`` for weights below 1e-17. A float sum that would not be finite leaves its field as it
was (``HINCRBYFLOAT`` refused it with an error).
"""

from __future__ import annotations

from collections.abc import Mapping

from redis.asyncio.client import Pipeline

CHUNK = 500  # fields per HMGET/HSET (Lua's unpack has a limit)
# ARGV[1] format of the sums; then for each of KEYS: its field count n, then n field/amount pairs
_ADD = """
local format, at = ARGV[1], 2
for k = 1, #KEYS do
  local n = tonumber(ARGV[at])
  at = at + 1
  for first = 0, n - 1, CHUNK do
    local fields = {}
    for i = first, math.min(n, first + CHUNK) - 1 do
      fields[#fields + 1] = ARGV[at + 2 * i]
    end
    local have = redis.call('HMGET', KEYS[k], unpack(fields))
    local sums = {}
    for j, field in ipairs(fields) do
      local sum = (tonumber(have[j]) or 0) + tonumber(ARGV[at + 2 * (first + j - 1) + 1])
      if sum == sum and sum ~= math.huge and sum ~= -math.huge then
        sums[#sums + 1] = field
        sums[#sums + 1] = string.format(format, sum)
      end
    end
    if #sums > 0 then redis.call('HSET', KEYS[k], unpack(sums)) end
  end
  at = at + 2 * n
end
return 0
""".replace("CHUNK", str(CHUNK))
INTEGER = "%d"
FLOAT = "%.17g"


def queue_add(
    pipe: Pipeline, amounts: Mapping[str, Mapping[str, float]], integer: bool = False
) -> None:
    """Add ``amounts`` (hash key → field → amount) in one EVAL (not EVALSHA: safe in MULTI);
    ``integer``: the sums are integers (``HINCRBY``'s), else floats (``HINCRBYFLOAT``'s)."""
    keys = [key for key, fields in amounts.items() if fields]
    if not keys:
        return
    args: list[str | float] = [INTEGER if integer else FLOAT]
    for key in keys:
        args.append(len(amounts[key]))
        for field, amount in amounts[key].items():
            args += [field, amount]
    pipe.eval(_ADD, len(keys), *keys, *args)
