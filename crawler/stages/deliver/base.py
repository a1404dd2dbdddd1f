"""What every alerting hook is: a name, its configuration, and ``deliver(event)``.

A hook only delivers; which events it gets (rules), in what order, how often it is retried
and when an event is given up is the dispatcher's business (:mod:`crawler.stages.deliver.lane`).
"""

from __future__ import annotations

from typing import Any

from crawler.config import HookConfig
from crawler.errors import NewswatchError


class DeliveryError(NewswatchError):
    """A hook could not deliver. ``permanent``: retrying the same event cannot help;
    ``retry_after``: seconds the receiver asked to wait (``Retry-After``)."""

    def __init__(
        self, message: str, permanent: bool = False, retry_after: float | None = None
    ) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.retry_after = retry_after


class Hook:
    """Base class: subclasses implement :meth:`deliver` and, if they hold resources,
    :meth:`start` / :meth:`close`. ``deliver`` returns a short receipt ("answered 204")."""

    digest: float | None = None  # seconds: the hook wants one message per window

    def __init__(self, config: HookConfig) -> None:
        self.config = config
        self.name = config.name

    async def start(self) -> None:
        return None

    async def deliver(self, event: dict[str, Any]) -> str:
        raise NotImplementedError

    async def deliver_digest(self, events: list[dict[str, Any]]) -> str:
        """One message for ``events`` (only hooks with a ``digest`` window are asked)."""
        raise NotImplementedError

    async def close(self) -> None:
        return None
