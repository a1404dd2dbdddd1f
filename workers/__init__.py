"""arq worker: job functions and ``WorkerSettings`` (``arq workers.WorkerSettings``).

``WorkerSettings`` is built on first access (not at import) from the configuration found via
``$NEWSWATCH_CONFIG`` / ``config/newswatch.toml``. The arq command line needs an external
Redis (``$NEWSWATCH_REDIS_URL`` or ``[redis] url``); ``newswatch worker`` also works with the
embedded store.
"""

from __future__ import annotations

from typing import Any

__all__ = ["WorkerSettings"]


def __getattr__(name: str) -> Any:
    if name == "WorkerSettings":
        from workers.settings import build_worker_settings

        return build_worker_settings()
    raise AttributeError(name)
