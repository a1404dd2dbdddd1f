"""What every alerting hook is: a name, filters, and ``deliver(event)``."""

from __future__ import annotations

from typing import Any

from crawler.config import HookConfig
from crawler.errors import NewswatchError


class DeliveryError(NewswatchError):
    """A hook could not deliver. ``permanent``: retrying the same event cannot help."""

    def __init__(self, message: str, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class Hook:
    """Base class: subclasses implement :meth:`deliver` and, if they hold resources,
    :meth:`start` / :meth:`close`."""

    def __init__(self, config: HookConfig) -> None:
        self.config = config
        self.name = config.name

    def accepts(self, event: dict[str, Any]) -> bool:
        """The hook's ``events`` / ``stories`` filters (empty: everything)."""
        types, stories = self.config.events, self.config.stories
        return (not types or _type_matches(event["type"], types)) and (
            not stories or event.get("story") in stories
        )

    async def start(self) -> None:
        return None

    async def deliver(self, event: dict[str, Any]) -> None:
        raise NotImplementedError

    async def close(self) -> None:
        return None


def _type_matches(etype: str, patterns: tuple[str, ...]) -> bool:
    """``"article.*"`` matches every article event; otherwise exact names."""
    return any(etype == p or (p.endswith(".*") and etype.startswith(p[:-1])) for p in patterns)
