"""I/O: the shared HTTP fetcher and its address guard."""

from crawler.fetch.client import Fetcher, FetchResult, retry_after
from crawler.fetch.guard import check_url, is_public

__all__ = ["FetchResult", "Fetcher", "check_url", "is_public", "retry_after"]
