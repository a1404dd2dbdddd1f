"""I/O: alerting hooks and the dispatcher that feeds them from the event outbox."""

from __future__ import annotations

from crawler.config import ConsoleHook, HookConfig, JsonlHook, WebhookHook
from crawler.hooks.base import DeliveryError, Hook
from crawler.hooks.console import ConsolePrintHook, describe
from crawler.hooks.jsonl import JsonlFileHook
from crawler.hooks.webhook import WebhookPostHook

__all__ = ["DeliveryError", "Hook", "build_hook", "describe"]


def build_hook(config: HookConfig, user_agent: str) -> Hook:
    if isinstance(config, JsonlHook):
        return JsonlFileHook(config)
    if isinstance(config, WebhookHook):
        return WebhookPostHook(config, user_agent)
    if isinstance(config, ConsoleHook):
        return ConsolePrintHook(config)
    raise TypeError(f"unknown hook config {config!r}")  # pragma: no cover - config validates
