"""Every Redis key newswatch writes, in one place. All start with ``[redis] key_prefix``,
except arq's own per-job keys, which arq prefixes itself: ``arq:job:{p}job:…``,
``arq:result:…``, ``arq:retry:…``, ``arq:in-progress:…`` (the job ids carry ``{p}``).

Per process-wide role:
    {p}queue                 arq queue (sorted set), job ids ``{p}job:…``
    {p}feeds:due             zset feed url → next poll time
    {p}feed:{h}              hash: validators, body hash, failures, status of one feed
    {p}entries               hash "story|doc" → publisher's stamp when taken [|last signal
                             time|article version then] (entries seen, per story; + ``:old``)
    {p}generations           hash family key → when its current generation began
    {p}wait:{f}, {p}waiting  feed entries waiting for a job (fairness), feeds that have some
    {p}out:feed:{f}, {p}out:host:{host}  zsets of the jobs released and not finished
    {p}revisits              zset "story|url|n" → due time
    {p}events                stream: the event outbox; {p}event-ids set of ids added (+ ``:old``)
    {p}df, {p}df:docs        document frequencies of terms (relevance idf)
    {p}stats                 hash of counters shown by ``status``
    {p}dead:{hook}           list of a hook's dead letters (JSON: event, error, attempts, at)
    {p}hook:{hook}           hash: a hook's delivery state (delivered, filtered, dead counts;
                             failing_since, attempts, last_error, next_attempt, digest_since…)
    {p}hook-lease:{hook}     token of the one process delivering that hook now (with a TTL)
    {p}outlets               hash host → outlet name (the title of the feed linking there)
    {p}heartbeats            zset "role:process" → last heartbeat (scheduler, worker)
    {p}job-latency           hash: job duration histogram (bucket counts, sum, count)
    {p}event-tally           hash: events added to the outbox, by type (+ the last id counted)
Per host (``host[:port]`` of a URL) and origin (``scheme://host[:port]``), shared by all processes:
    {p}host:{host}:busy      zset request token → lease end (requests in flight, at most K)
    {p}host:{host}:next      earliest start of the next request to the host (D apart)
    {p}robots:{origin}       robots.txt body of the origin ("" = allow all), with a TTL
    {p}robots-lock:{origin}  short lock: one process fetches robots.txt, the others wait
Per story ``s`` and document ``d`` (a hash of the canonical URL):
    {p}a:{s}:{d}             hash: url, canonical_url, title, source, verdict, cluster, version…
                             and h:{content hash} → n
    {p}v:{s}:{d}             hash n → version record; {p}vh:{s}:{d} content hash → n (the
                             versions stored before the article hash held that)
    {p}text:{s}              hash body id → compressed version text, stored once per content;
                             {p}text-refs:{s} body id → versions pointing at it (see
                             :mod:`crawler.store.texts`)
    {p}tracked:{s}           zset d → first seen
    {p}seen:{s}              hash d → verdict of every tracked document (and, before
                             retention existed, of unrelated ones)
    {p}useen:{s}             hash d → "unrelated" + content hash (+ ``:old``, generations)
    {p}alias:{s}             hash hash(entry link) → d (+ ``:old``, generations)
    {p}archive:{s}           hash d → compact archived article; {p}archived:{s} zset d → when
    {p}exact:{s}             hash text hash → d (the first to index that text)
    {p}sig:{s}               hash d → "=" + content key (or, written before issue 11, the
                             fingerprint itself: size, MinHash signature, 3-grams, sketch)
    {p}fp:{s}                hash content key → fingerprint, once per distinct fingerprint
    {p}fp-docs:{s}           hash content key → the docs holding it ("d1 d2 …"; the first
                             indexes its text, the others are byte-identical copies)
    {p}lsh:{s}:{band}        hash band key → first d in that bucket
    {p}anchor:{s}            hash anchor shingle hash → first d that contained it
    {p}sentence:{s}          hash sentence key → the latest docs with that key ("d1 d2 …")
    {p}members:{s}:{rep}     list of the copies in a cluster
    {p}claim:{s}:{shard}     a claim's version (optimistic guard, short TTL; store/claims.py)
    {p}sf:{s}                hash fact key → the story's standing figure for it
    {p}tlk:{s}               hash h → fact key (h: a short hash of the key)
    {p}tl:{s}:{h}            hash "doc|version|role" → one report; {p}tlz:{s}:{h} zset of
                             the same → reported time (the key's timeline, capped)
    {p}grown:{s}             hash stem → weight learned from the story's related articles
    {p}grown-names:{s}       hash name → weight (the names of the story's related articles)
    {p}profile:{s}           hash: landmark (time of the first contribution), mass
    {p}near:{s}              stream of the latest unrelated near misses (capped)
    {p}discovery:{s}         set of the story's current news-search feed URLs
    {p}skipped:{s}           stream of feed entries the pre-filter skipped (capped)
    {p}retry:{s}             zset [url, round] → due: failed first visits to try again (capped)
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from crawler.core.text import stable_hash
from crawler.core.urls import canonical_url


def doc_id(canonical: str) -> str:
    """Stable short id of a document: a hash of its canonical URL (already canonical)."""
    return stable_hash(canonical, size=8)


@functools.lru_cache(maxsize=131072)  # canonicalising is the costliest step of a changed poll
def url_doc(url: str) -> str:
    """The document id of any link, ``doc_id(canonical_url(url))``: the key of a feed entry's
    seen record and of its jobs, and what the worker aliases to the page's own id."""
    return doc_id(canonical_url(url))


@dataclass(frozen=True, slots=True)
class Keys:
    prefix: str

    @property
    def queue(self) -> str:
        return f"{self.prefix}queue"

    def job(self, *parts: str) -> str:
        return f"{self.prefix}job:" + ":".join(parts)

    @property
    def feeds_due(self) -> str:
        return f"{self.prefix}feeds:due"

    def feed(self, url: str) -> str:
        return f"{self.prefix}feed:{stable_hash(url, size=8)}"

    @property
    def entries(self) -> str:
        return f"{self.prefix}entries"

    @property
    def revisits(self) -> str:
        return f"{self.prefix}revisits"

    @property
    def events(self) -> str:
        return f"{self.prefix}events"

    @property
    def event_ids(self) -> str:
        return f"{self.prefix}event-ids"

    @property
    def df(self) -> str:
        return f"{self.prefix}df"

    @property
    def df_docs(self) -> str:
        return f"{self.prefix}df:docs"

    @property
    def stats(self) -> str:
        return f"{self.prefix}stats"

    @property
    def outlets(self) -> str:
        return f"{self.prefix}outlets"

    @property
    def heartbeats(self) -> str:
        return f"{self.prefix}heartbeats"

    @property
    def job_latency(self) -> str:
        return f"{self.prefix}job-latency"

    @property
    def event_tally(self) -> str:
        return f"{self.prefix}event-tally"

    def article(self, story: str, doc: str) -> str:
        return f"{self.prefix}a:{story}:{doc}"

    def versions(self, story: str, doc: str) -> str:
        return f"{self.prefix}v:{story}:{doc}"

    def version_hashes(self, story: str, doc: str) -> str:
        return f"{self.prefix}vh:{story}:{doc}"

    def texts(self, story: str) -> str:
        return f"{self.prefix}text:{story}"

    def text_refs(self, story: str) -> str:
        return f"{self.prefix}text-refs:{story}"

    def tracked(self, story: str) -> str:
        return f"{self.prefix}tracked:{story}"

    def seen(self, story: str) -> str:
        return f"{self.prefix}seen:{story}"

    def unrelated(self, story: str) -> str:
        """Verdicts of the documents judged unrelated (expire by generations)."""
        return f"{self.prefix}useen:{story}"

    def archive(self, story: str) -> str:
        return f"{self.prefix}archive:{story}"

    def archived(self, story: str) -> str:
        return f"{self.prefix}archived:{story}"

    def alias(self, story: str) -> str:
        return f"{self.prefix}alias:{story}"

    def exact(self, story: str) -> str:
        return f"{self.prefix}exact:{story}"

    def signatures(self, story: str) -> str:
        return f"{self.prefix}sig:{story}"

    def fingerprints(self, story: str) -> str:
        return f"{self.prefix}fp:{story}"

    def holders(self, story: str) -> str:
        return f"{self.prefix}fp-docs:{story}"

    def lsh(self, story: str, band: int) -> str:
        return f"{self.prefix}lsh:{story}:{band}"

    def anchors(self, story: str) -> str:
        return f"{self.prefix}anchor:{story}"

    def sentence_keys(self, story: str) -> str:
        return f"{self.prefix}sentence:{story}"

    def members(self, story: str, rep: str) -> str:
        return f"{self.prefix}members:{story}:{rep}"

    def dead_letters(self, hook: str) -> str:
        """Events a hook refused permanently or could not deliver within ``max_age``."""
        return f"{self.prefix}dead:{hook}"

    def hook_state(self, hook: str) -> str:
        return f"{self.prefix}hook:{hook}"

    def hook_lease(self, hook: str) -> str:
        return f"{self.prefix}hook-lease:{hook}"

    def claim(self, story: str, shard: int) -> str:
        return f"{self.prefix}claim:{story}:{shard:04x}"

    def story_facts(self, story: str) -> str:
        return f"{self.prefix}sf:{story}"

    def timeline_keys(self, story: str) -> str:
        return f"{self.prefix}tlk:{story}"

    def timeline(self, story: str, key_hash: str) -> str:
        return f"{self.prefix}tl:{story}:{key_hash}"

    def timeline_order(self, story: str, key_hash: str) -> str:
        return f"{self.prefix}tlz:{story}:{key_hash}"

    def grown(self, story: str) -> str:
        return f"{self.prefix}grown:{story}"

    def grown_names(self, story: str) -> str:
        return f"{self.prefix}grown-names:{story}"

    def profile(self, story: str) -> str:
        return f"{self.prefix}profile:{story}"

    def near_misses(self, story: str) -> str:
        return f"{self.prefix}near:{story}"

    def discovery(self, story: str) -> str:
        return f"{self.prefix}discovery:{story}"

    def skipped(self, story: str) -> str:
        return f"{self.prefix}skipped:{story}"

    def retry_later(self, story: str) -> str:
        return f"{self.prefix}retry:{story}"

    def host_busy(self, host: str) -> str:
        return f"{self.prefix}host:{host}:busy"

    def host_next(self, host: str) -> str:
        return f"{self.prefix}host:{host}:next"

    def robots(self, origin: str) -> str:
        return f"{self.prefix}robots:{origin}"

    def robots_lock(self, origin: str) -> str:
        return f"{self.prefix}robots-lock:{origin}"
