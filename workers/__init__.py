"""arq worker: job functions (``jobs``), the worker newswatch runs (``worker``) and the arq
command line's ``WorkerSettings`` (``arq workers.WorkerSettings``, :mod:`workers.settings`).

``WorkerSettings`` is imported on first access, not at ``import workers``: it reads the
configuration (``$NEWSWATCH_CONFIG`` / ``config/newswatch.toml``) when its module loads.
"""

from __future__ import annotations

from typing import Any

__all__ = ["WorkerSettings"]


def __getattr__(name: str) -> Any:
    if name == "WorkerSettings":
        from workers.settings import WorkerSettings

        return WorkerSettings
    raise AttributeError(name)
