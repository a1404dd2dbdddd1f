"""The configuration's sections, one frozen pydantic model each (``[redis]``, ``[[feed]]``, …).

Durations are written like "30s", "10m", "1h"; keys whose zero would switch a safety off
(timeouts, leases, loop periods) must be above zero (``PositiveDuration``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from crawler.core.facts.ledger import KIND_MARGINS, Ledger, Margin
from crawler.core.facts.revise import AlertPolicy
from crawler.core.facts.rules import DEFAULT_VOCABULARY, Vocabulary
from crawler.durations import parse_duration

Duration = Annotated[float, BeforeValidator(parse_duration)]


def _http_url(value: str) -> str:
    if not value.startswith(("http://", "https://")):
        raise ValueError("expected an http:// or https:// URL")
    return value


HttpUrl = Annotated[str, AfterValidator(_http_url)]
# zero would mean "no timeout", a busy loop or no lease: refused
PositiveDuration = Annotated[float, BeforeValidator(parse_duration), Field(gt=0)]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RedisConfig(_Section):
    url: str = ""
    key_prefix: str = Field("nw:", min_length=1, max_length=64)

    @field_validator("url")
    @classmethod
    def _scheme(cls, value: str) -> str:
        if value and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError('expected a redis://, rediss:// or unix:// URL, or "" for embedded')
        return value


class StorageConfig(_Section):
    data_dir: Path = Path(".newswatch")


class CrawlerConfig(_Section):
    user_agent: str = Field("newswatch/0.1 (+https://github.com/newswatch/newswatch)", min_length=1)
    allow_private_addresses: bool = False
    connect_timeout: PositiveDuration = 10.0
    read_timeout: PositiveDuration = 30.0
    total_timeout: PositiveDuration = 60.0
    max_body_bytes: int = Field(5_000_000, gt=0)
    max_redirects: int = Field(5, ge=0, le=30)
    prefilter: bool = True
    per_host_concurrency: int = Field(2, ge=1, le=256)
    per_host_delay: Duration = 1.0
    obey_robots: bool = True
    robots_for_feeds: bool = False
    robots_ttl: PositiveDuration = 6 * 3600.0


class WorkerConfig(_Section):
    max_jobs: int = Field(10, ge=1, le=1000)
    max_tries: int = Field(5, ge=1, le=100)
    retry_delay: PositiveDuration = 30.0
    job_timeout: PositiveDuration = 120.0
    drain_timeout: Duration = 30.0
    # how often a worker with free job slots looks for due jobs (arq polls; it starts at most
    # its free slots per look, so this bounds a worker's rate at max_jobs / poll_interval)
    poll_interval: PositiveDuration = Field(0.05, le=10.0)
    # a first visit still failing after max_tries is tried again after each wait, then given up
    retry_later: tuple[PositiveDuration, ...] = (3600.0, 6 * 3600.0, 24 * 3600.0)


class SchedulerConfig(_Section):
    tick: PositiveDuration = 1.0
    feed_lease: PositiveDuration = 120.0
    failing_after: int = Field(3, ge=1, le=1000)
    backoff_base: PositiveDuration = 60.0
    backoff_max: PositiveDuration = 6 * 3600.0
    concurrency: int = Field(32, ge=1, le=1000)
    # after a feed signal that found no change, the next signal fetch of that entry waits this
    # long, unless the article changed since (a feed restamping every entry cannot force fetches)
    signal_interval: Duration = 1800.0
    # fairness (crawler/stages/poll/fairness.py): article jobs one feed / one host may have
    # queued or running at a time; a poll queues up to that, the rest of its entries wait in Redis
    max_queued_per_feed: int = Field(100, ge=1, le=100_000)
    max_queued_per_host: int = Field(20, ge=1, le=100_000)

    @model_validator(mode="after")
    def _backoff_order(self) -> SchedulerConfig:
        if self.backoff_base > self.backoff_max:
            raise ValueError("backoff_base must not exceed backoff_max")
        return self


class MarginConfig(_Section):
    """One kind's margin in ``[facts] margins``: ``{ relative = 0.1, absolute = 50 }``."""

    relative: float = Field(default=0.05, ge=0, le=10)
    absolute: float = Field(default=3, ge=0)


class RetentionConfig(_Section):
    """``[retention]``: how long what newswatch keeps stays in Redis (crawler/runtime/retention.py).

    ``articles``: a tracked article untouched this long after its last revisit is archived
    (last version, facts of every version, article record); ``archive``: an archive is kept
    this long, then dropped with the article's verdict; ``entries``: feed entries, unrelated
    verdicts and link aliases not seen for this long are forgotten (between 1× and 2×);
    ``events``: delivered events this old leave the outbox, and event ids are remembered
    (for de-duplication) at least this long; ``sweep``: how often the scheduler applies it.
    """

    articles: PositiveDuration = 90 * 86400.0
    archive: Duration = 365 * 86400.0
    entries: PositiveDuration = 30 * 86400.0
    events: PositiveDuration = 30 * 86400.0
    sweep: PositiveDuration = 3600.0


class FactsConfig(_Section):
    """``[facts]``: words added to the built-in fact vocabulary (``crawler/core/facts``).

    ``words``: per kind, words after the counted noun ("40 people were ABDUCTED");
    ``verbs``: per kind, verbs right before the number ("gunmen ABDUCTED 40 students");
    ``totals``: per kind, nouns that introduce a total ("the BODY COUNT rose to 12");
    ``subjects``: phrase → canonical subject ("gendarmes" = "police"). A kind not built in
    (e.g. ``kidnapped``) becomes a new kind of fact.

    When a figure's move is news (see the README's "Facts and revisions"): ``min_change`` /
    ``min_change_absolute`` (both must hold; 5 % and 3 people), per-kind ``margins``
    (executions: every one), ``partial_alerts`` (which partial figures may alert: ``subject``
    — a named sub-population such as children —, ``place`` — one place's count), and
    ``diverged_events`` (emit ``fact.diverged`` when sources disagree at the same time).
    """

    words: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    verbs: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    totals: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    subjects: dict[str, str] = Field(default_factory=dict)
    min_change: float = Field(default=0.05, ge=0, le=10)
    min_change_absolute: float = Field(default=3, ge=0)
    margins: dict[str, MarginConfig] = Field(default_factory=dict)
    partial_alerts: tuple[Literal["subject", "place"], ...] = ("subject",)
    diverged_events: bool = False

    @field_validator("words", "verbs", "totals")
    @classmethod
    def _kinds(cls, value: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        for kind, words in value.items():
            if not _KIND.fullmatch(kind):
                raise ValueError(f"kind {kind!r}: use lower-case letters and _ (e.g. killed)")
            for word in words:
                if not any(c.isalpha() for c in word):
                    raise ValueError(f"kind {kind!r}: {word!r} is not a word")
        return value

    @field_validator("subjects")
    @classmethod
    def _subjects(cls, value: dict[str, str]) -> dict[str, str]:
        for phrase, subject in value.items():
            if not phrase.strip() or not subject.strip():
                raise ValueError(f"subject {phrase!r} = {subject!r}: both must be non-empty")
        return value

    @field_validator("margins")
    @classmethod
    def _margin_kinds(cls, value: dict[str, MarginConfig]) -> dict[str, MarginConfig]:
        for kind in value:
            if not _KIND.fullmatch(kind):
                raise ValueError(f"kind {kind!r}: use lower-case letters and _ (e.g. killed)")
        return value

    def policy(self) -> AlertPolicy:
        """When a figure's move alerts (``crawler.core.facts.revise``)."""
        default = Margin(self.min_change, self.min_change_absolute)
        own = {k: Margin(m.relative, m.absolute) for k, m in self.margins.items()}
        ledger = Ledger(default, {**KIND_MARGINS, **own})
        return AlertPolicy(ledger, frozenset(self.partial_alerts), self.diverged_events)

    def vocabulary(self) -> Vocabulary:
        """The built-in vocabulary extended with these words."""
        if not (self.words or self.verbs or self.totals or self.subjects):
            return DEFAULT_VOCABULARY
        return DEFAULT_VOCABULARY.extended(self.words, self.verbs, self.totals, self.subjects)


_KIND = re.compile(r"[a-z][a-z_]{0,31}")


class DiscoveryConfig(_Section):
    """News-search feeds for stories with ``discover = true`` (crawler/stages/poll/searches.py)."""

    google_news_url: HttpUrl = "https://news.google.com/rss/search"
    gdelt_url: HttpUrl = "https://api.gdeltproject.org/api/v2/doc/doc"
    interval: PositiveDuration = 900.0
    refresh: PositiveDuration = 3600.0
    terms: int = Field(4, ge=1, le=12)
    language: str = Field("en-US", pattern=r"^[a-z]{2}(-[A-Z]{2})?$")
    timespan: str = Field("1w", pattern=r"^[0-9]+(min|h|d|w|m)$")


class StoryConfig(_Section):
    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
    seed: str = Field(min_length=1)
    revisit: tuple[Duration, ...] = (600.0, 3600.0, 21600.0, 86400.0)
    min_relevance: float = Field(0.15, ge=0.0, le=1.0)
    duplicate_similarity: float = Field(0.3, gt=0.0, le=1.0)
    discover: bool = False


class FeedConfig(_Section):
    url: HttpUrl
    interval: PositiveDuration = 600.0
    stories: tuple[str, ...] = ()
    min_interval: Duration | None = None
    max_interval: Duration | None = None

    @model_validator(mode="after")
    def _interval_bounds(self) -> FeedConfig:
        low, high = self.bounds
        if low > high:
            raise ValueError("min_interval must not exceed max_interval")
        if low <= 0:
            raise ValueError("min_interval (and interval) must be above 0s")
        return self

    @property
    def bounds(self) -> tuple[float, float]:
        """``[min_interval, max_interval]`` of the adaptive schedule.

        Unset, they are ``min(interval, 2m)`` and ``max(interval, 1h)``: a busy feed is polled
        down to every 2 minutes, a quiet one up to hourly, and ``interval`` is where it starts.
        """
        low = self.min_interval if self.min_interval is not None else min(self.interval, 120.0)
        high = self.max_interval if self.max_interval is not None else max(self.interval, 3600.0)
        return low, high


LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})
DEFAULT_LISTEN = "127.0.0.1:8787"


def split_listen(listen: str) -> tuple[str, int]:
    """``HOST:PORT`` (``[::1]:8787`` for IPv6) → (host, port); ValueError when malformed."""
    host, sep, port = listen.rpartition(":")
    host = host.removeprefix("[").removesuffix("]")
    if not sep or not host or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise ValueError(f"expected HOST:PORT such as {DEFAULT_LISTEN!r}, got {listen!r}")
    return host, int(port)


class HttpConfig(_Section):
    """``[http]``: the web view, API, health and metrics (``newswatch serve``; ``run`` starts
    it too when ``listen`` is set). Any address but loopback needs a bearer ``token``."""

    listen: str = ""  # "": `run` starts no web server; `serve` then uses DEFAULT_LISTEN
    token: str = ""
    token_env: str = Field("", pattern=r"^([A-Za-z_][A-Za-z0-9_]*)?$")

    @field_validator("listen")
    @classmethod
    def _listen(cls, value: str) -> str:
        if value:
            split_listen(value)
        return value

    @model_validator(mode="after")
    def _token_for_remote(self) -> HttpConfig:
        self.check(self.listen or DEFAULT_LISTEN)
        return self

    def check(self, listen: str) -> tuple[str, int]:
        """(host, port) to bind; a non-loopback address without a token is refused."""
        host, port = split_listen(listen)
        if host not in LOOPBACK and not self.token:
            raise ValueError(
                f"listen = {listen!r} is not a loopback address: set token (or token_env, "
                "the name of an environment variable holding it) so that requests need "
                "a bearer token, or listen on 127.0.0.1"
            )
        return host, port
