"""The README's Notifications section works as written: its config examples validate, and
its ten-line receiver verifies what newswatch sends and refuses an altered body."""

from __future__ import annotations

import asyncio
import base64
import os
import re
import sys
import time
import tomllib
from pathlib import Path

import aiohttp

from crawler.config import AppriseHook, WebhookHook, settings_from_mapping
from crawler.stages.deliver import build_hook
from crawler.stages.deliver.dispatcher import Dispatcher
from crawler.stages.deliver.webhook import WebhookPostHook
from crawler.store import Store
from tests.hookkit import free_port, make_event

README = Path(__file__).resolve().parents[1] / "README.md"


def _section() -> str:
    text = README.read_text(encoding="utf-8")
    return text[text.index("## Notifications") : text.index("## Facts and revisions")]


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", _section(), flags=re.S)


def test_the_config_examples_validate() -> None:
    # pasted one after the other, as a user would: the templates table joins the hook before
    hooks = tomllib.loads("\n".join(_blocks("toml")))["hook"]
    env = {
        "NEWSWATCH_TELEGRAM_URLS": "tgram://123456789:AAEvUjd-example-token/-1001234567890",
        "NEWSWATCH_WEBHOOK_SECRET": "whsec_" + base64.b64encode(os.urandom(32)).decode(),
    }
    data = {"story": [{"id": "kazakhstan-unrest", "seed": "seed.txt"}], "hook": hooks}
    settings = settings_from_mapping(data, env=env)
    names = [h.name for h in settings.hook_list()]
    assert names == ["slack-desk", "telegram", "mail", "desk-api"]
    assert all(isinstance(h, AppriseHook) for h in settings.hook_list()[:3])
    assert isinstance(settings.hook_list()[3], WebhookHook)
    mail = settings.hook_list()[2]
    assert isinstance(mail, AppriseHook) and "fact.revised" in mail.templates
    for config in settings.hook_list():
        build_hook(config, "ua")  # templates and URLs accepted


async def test_the_readme_receiver_verifies_and_refuses_an_altered_body(store: Store) -> None:
    [code] = _blocks("python")
    lines = [line for line in code.splitlines() if line.strip()]
    assert len([line for line in lines if not line.startswith(("import", "from"))]) == 11
    secret = "whsec_" + base64.b64encode(os.urandom(32)).decode()
    port = free_port()
    env = {**os.environ, "NEWSWATCH_WEBHOOK_SECRET": secret, "PORT": str(port)}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", code, env=env, stdout=asyncio.subprocess.PIPE
    )
    assert process.stdout is not None
    try:
        async with asyncio.timeout(30):  # aiohttp's banner: the receiver listens
            while b"to quit" not in await process.stdout.readline():
                pass
        url = f"http://127.0.0.1:{port}/newswatch"
        hook = WebhookHook(type="webhook", url=url, name="r", secret=secret)
        dispatcher = Dispatcher(store, [build_hook(hook, "ua")])
        await dispatcher.start()
        await store.outbox.add([make_event(1)])
        assert (await dispatcher.drain()).delivered == 1
        async with asyncio.timeout(10):
            line = await process.stdout.readline()
        assert line.decode().split() == ["article.related", "article.related:1"]
        await dispatcher.close()
        webhook = dispatcher.lanes[0].hook
        assert isinstance(webhook, WebhookPostHook)
        body = '{"id":"article.related:1","type":"article.related"}'
        headers = webhook.headers("article.related:1", body, int(time.time()))
        async with aiohttp.ClientSession() as session:
            altered = body.replace("related", "updated")
            async with session.post(url, data=altered, headers=headers) as resp:
                assert resp.status == 401
            async with session.post(url, data=body, headers=headers) as resp:
                assert resp.status == 204
    finally:
        process.terminate()
        await process.wait()
