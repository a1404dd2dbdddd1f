"""The copy index's Lua scripts: a lookup, an insert and a removal are one command each.

The key layout is :mod:`crawler.store.keys`' (``exact``, ``sig``, ``lsh``, ``anchor``,
``sentence``, and since issue 11 ``fp`` and ``fp-docs``). A ``sig`` field holds either a
fingerprint written before issue 11 (:meth:`crawler.core.dedup.Fingerprint.to_bytes`, never
shorter than ``RECORD_MIN`` bytes) or a *reference* ``"=" + content key``: the fingerprint is
then ``fp[content key]``, stored once for every document whose fingerprint is byte-identical,
and ``fp-docs[content key]`` lists those documents ("d1 d2 …"). The first of them indexes the
text (exact hash, bands, anchors, sentence keys); the others, exact copies, add nothing
but their reference: a lookup reaches them through the first (the exact hash names it, and a
near copy is judged against the one text they share). Exact copies joined the sentence keys
too until the store's bytes were cut (issue 11); such entries stay readable and leave with
their documents. A copy of a text whose first owner was indexed before issue 11 moves
that owner's fingerprint to ``fp`` (a reference replaces it), so old stores shrink as copies
arrive. String order is compared byte by byte (Lua's ``<`` follows the server's locale), so
the ranking is Python's ``sorted`` on bytes.
"""

from __future__ import annotations

from crawler.core.dedup import NUM_PERM

RECORD_MIN = 4 + 4 * NUM_PERM  # size + signature: the shortest fingerprint ever stored
MAX_CANDIDATES = 32
MIN_ANCHOR_HITS = 2
MIN_SENTENCE_HITS = 2
# one agreeing band is strong evidence (J ≳ 0.2); one shared anchor or sentence key is not (a
# common phrase, a stock sentence), two are: a text contained in another shares ~1 anchor per
# 16 shingles, a re-spun copy most of its sentence keys
BAND_WEIGHT, ANCHOR_WEIGHT, SENTENCE_WEIGHT = 4, 1, 2

_HELPERS = f"""
local SHORT = {RECORD_MIN}
local function slice(t, i, j)
  local out = {{}}
  for k = i, j do out[#out + 1] = t[k] end
  return out
end
local function hmget(key, fields)
  local out = {{}}
  for i = 1, #fields, 1000 do
    local part = redis.call('HMGET', key, unpack(fields, i, math.min(i + 999, #fields)))
    for j = 1, #part do out[#out + 1] = part[j] end
  end
  return out
end
local function hset(key, flat)
  for i = 1, #flat, 1000 do
    redis.call('HSET', key, unpack(flat, i, math.min(i + 999, #flat)))
  end
end
local function records(sig, fps, docs)
  local raw, refs, at = hmget(sig, docs), {{}}, {{}}
  for i = 1, #docs do
    if raw[i] and #raw[i] < SHORT then
      refs[#refs + 1] = string.sub(raw[i], 2)
      at[#at + 1] = i
    end
  end
  local got = hmget(fps, refs)
  for j = 1, #refs do raw[at[j]] = got[j] end
  return raw
end
local function release(fps, holders, key, doc)
  local rest = {{}}
  for id in string.gmatch(redis.call('HGET', holders, key) or '', '%S+') do
    if id ~= doc then rest[#rest + 1] = id end
  end
  if #rest == 0 then
    redis.call('HDEL', holders, key)
    redis.call('HDEL', fps, key)
    return false
  end
  redis.call('HSET', holders, key, table.concat(rest, ' '))
  return rest[1]
end
"""

# KEYS: sig, fp;  ARGV: docs.  Reply: each doc's fingerprint (nil: not indexed)
RECORDS = _HELPERS + "return records(KEYS[1], KEYS[2], ARGV)\n"

# KEYS: exact, sig, fp, anchor, sentence, lsh 0..n-1
# ARGV: text hash, anchor count, n band keys, anchors, sentence keys
# Reply: {exact owner, its fingerprint} or {"", doc, fingerprint, …} for the best-ranked
# MAX_CANDIDATES (score, then doc id; fingerprint nil when that doc is no longer indexed)
LOOKUP = (
    _HELPERS
    + f"""
local exact = redis.call('HGET', KEYS[1], ARGV[1])
if exact then return {{exact, records(KEYS[2], KEYS[3], {{exact}})[1]}} end
local bands, anchors = #KEYS - 5, tonumber(ARGV[2])
local banded, anchored, sentenced, docs = {{}}, {{}}, {{}}, {{}}
local function hit(counts, d)
  if not (banded[d] or anchored[d] or sentenced[d]) then docs[#docs + 1] = d end
  counts[d] = (counts[d] or 0) + 1
end
for i = 1, bands do
  local d = redis.call('HGET', KEYS[5 + i], ARGV[2 + i])
  if d and d ~= '' then hit(banded, d) end
end
for _, d in ipairs(hmget(KEYS[4], slice(ARGV, 3 + bands, 2 + bands + anchors))) do
  if d and d ~= '' then hit(anchored, d) end
end
for _, ids in ipairs(hmget(KEYS[5], slice(ARGV, 3 + bands + anchors, #ARGV))) do
  local once = {{}}
  for d in string.gmatch(ids or '', '%S+') do
    if not once[d] then once[d] = true; hit(sentenced, d) end
  end
end
local score, kept = {{}}, {{}}
for _, d in ipairs(docs) do
  local b, a, s = banded[d] or 0, anchored[d] or 0, sentenced[d] or 0
  if b > 0 or a >= {MIN_ANCHOR_HITS} or s >= {MIN_SENTENCE_HITS} then
    score[d] = {BAND_WEIGHT} * b + {ANCHOR_WEIGHT} * a + {SENTENCE_WEIGHT} * s
    kept[#kept + 1] = d
  end
end
table.sort(kept, function(x, y)
  if score[x] ~= score[y] then return score[x] > score[y] end
  for i = 1, math.min(#x, #y) do
    local p, q = string.byte(x, i), string.byte(y, i)
    if p ~= q then return p < q end
  end
  return #x < #y
end)
local top = slice(kept, 1, math.min(#kept, {MAX_CANDIDATES}))
local got, out = records(KEYS[2], KEYS[3], top), {{''}}
for i = 1, #top do out[#out + 1] = top[i]; out[#out + 1] = got[i] end
return out
"""
)

# KEYS: exact, sig, fp, fp-docs, anchor, sentence, lsh 0..n-1
# ARGV: doc, text hash, content key, fingerprint, sentence bucket, anchor count,
#       n band keys, anchors, sentence keys.  Reply: 1 when doc indexes the text, else 0
ADD = (
    _HELPERS
    + """
local doc, key, record = ARGV[1], ARGV[3], ARGV[4]
local bands, anchors = #KEYS - 6, tonumber(ARGV[6])
local ref, old, owns = '=' .. key, redis.call('HGET', KEYS[2], doc), false
if old == ref then
  owns = string.match(redis.call('HGET', KEYS[4], key) or '', '%S+') == doc
else
  if old and #old < SHORT then release(KEYS[3], KEYS[4], string.sub(old, 2), doc) end
  local stored = redis.call('HGET', KEYS[3], key)
  local first = not stored and redis.call('HGET', KEYS[1], ARGV[2])
  if first and first ~= doc and redis.call('HGET', KEYS[2], first) == record then
    stored = record  -- its first owner was indexed before issue 11: it now refers to fp too
    redis.call('HSET', KEYS[3], key, record)
    redis.call('HSET', KEYS[4], key, first)
    redis.call('HSET', KEYS[2], first, ref)
  end
  if stored and stored ~= record then
    redis.call('HSET', KEYS[2], doc, record)
    owns = true
  else
    local holders = redis.call('HGET', KEYS[4], key)
    if not stored then redis.call('HSET', KEYS[3], key, record) end
    redis.call('HSET', KEYS[4], key, holders and (holders .. ' ' .. doc) or doc)
    redis.call('HSET', KEYS[2], doc, ref)
    owns = not holders
  end
end
if owns then
  redis.call('HSETNX', KEYS[1], ARGV[2], doc)
  for i = 1, bands do redis.call('HSETNX', KEYS[6 + i], ARGV[6 + i], doc) end
  local fields = slice(ARGV, 7 + bands, 6 + bands + anchors)
  local have, missing = hmget(KEYS[5], fields), {}
  for i = 1, #fields do
    if not have[i] then missing[#missing + 1] = fields[i]; missing[#missing + 1] = doc end
  end
  hset(KEYS[5], missing)
end
if owns then
  local fields, cap = slice(ARGV, 7 + bands + anchors, #ARGV), tonumber(ARGV[5])
  local before, flat = hmget(KEYS[6], fields), {}
  for i = 1, #fields do
    local ids = {doc}
    for id in string.gmatch(before[i] or '', '%S+') do
      if id ~= doc and #ids < cap then ids[#ids + 1] = id end
    end
    flat[#flat + 1] = fields[i]; flat[#flat + 1] = table.concat(ids, ' ')
  end
  hset(KEYS[6], flat)
end
return owns and 1 or 0
"""
)

# KEYS: exact, sig, fp, fp-docs, anchor, sentence, lsh 0..n-1;  ARGV: doc, text hash, anchor
# count, n band keys, anchors, sentence keys.  Every field that names doc passes to the next
# document holding the same fingerprint (its heir), or is deleted when none is left; in the
# sentence keys the heir takes doc's place, or doc leaves the list.  Reply: the heir or ""
FORGET = (
    _HELPERS
    + """
local doc, heir = ARGV[1], false
local own = redis.call('HGET', KEYS[2], doc)
if own and #own < SHORT then heir = release(KEYS[3], KEYS[4], string.sub(own, 2), doc) end
redis.call('HDEL', KEYS[2], doc)
local function pass(key, field)
  if redis.call('HGET', key, field) == doc then
    if heir then redis.call('HSET', key, field, heir) else redis.call('HDEL', key, field) end
  end
end
pass(KEYS[1], ARGV[2])
local bands, anchors = #KEYS - 6, tonumber(ARGV[3])
for i = 1, bands do pass(KEYS[6 + i], ARGV[3 + i]) end
for i = 4 + bands, 3 + bands + anchors do pass(KEYS[5], ARGV[i]) end
local fields = slice(ARGV, 4 + bands + anchors, #ARGV)
local before, flat, gone = hmget(KEYS[6], fields), {}, {}
for i = 1, #fields do
  local ids, named, seen = {}, false, {}
  for id in string.gmatch(before[i] or '', '%S+') do
    if id == doc then named = true; id = heir or '' end
    if id ~= '' and not seen[id] then seen[id] = true; ids[#ids + 1] = id end
  end
  if named and #ids > 0 then flat[#flat + 1] = fields[i]; flat[#flat + 1] = table.concat(ids, ' ')
  elseif named then gone[#gone + 1] = fields[i] end
end
hset(KEYS[6], flat)
for i = 1, #gone, 1000 do
  redis.call('HDEL', KEYS[6], unpack(gone, i, math.min(i + 999, #gone)))
end
return heir or ''
"""
)
