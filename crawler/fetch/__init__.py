"""I/O: the shared HTTP fetcher, its address guard, per-host politeness and robots.txt."""

from crawler.fetch.client import Fetcher
from crawler.fetch.content import retry_after
from crawler.fetch.guard import check_url, is_public
from crawler.fetch.politeness import HostGate, HostState, MemoryHostState, host_of
from crawler.fetch.result import FetchResult

__all__ = [
    "FetchResult",
    "Fetcher",
    "HostGate",
    "HostState",
    "MemoryHostState",
    "check_url",
    "host_of",
    "is_public",
    "retry_after",
]
