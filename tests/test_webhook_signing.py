"""Signed webhooks (Standard Webhooks, checked with its reference library) and at-least-once
delivery across a real crash of the delivering process (SIGKILL), with the same id."""

from __future__ import annotations

import asyncio
import base64
import os
import sys
from pathlib import Path

import pytest
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from crawler.config import WebhookHook
from crawler.errors import ConfigError
from crawler.stages.deliver import build_hook
from crawler.stages.deliver.dispatcher import Dispatcher
from crawler.store import Store
from tests.hookkit import HANG, Receiver, make_event

SECRET = "whsec_" + base64.b64encode(b"a newswatch test secret, 32 b.").decode()
ROOT = Path(__file__).resolve().parents[1]


async def test_signature_verifies_with_the_reference_library_and_tampering_fails(
    store: Store,
) -> None:
    receiver = await Receiver().start()
    hook = build_hook(WebhookHook(type="webhook", url=receiver.url, name="w", secret=SECRET), "ua")
    dispatcher = Dispatcher(store, [hook])
    await dispatcher.start()
    event = make_event(1, title="Überschrift « quoted »")
    await store.outbox.add([event])
    await dispatcher.drain()
    await dispatcher.close()
    await receiver.stop()
    [got] = receiver.got
    headers = {k.lower(): v for k, v in got.headers.items()}
    assert headers["webhook-id"] == event.id == headers["idempotency-key"]
    assert headers["webhook-signature"].startswith("v1,")
    verified = Webhook(SECRET).verify(got.body, got.headers)
    assert verified["id"] == event.id and verified["title"] == "Überschrift « quoted »"
    tampered = got.body.replace(b"Report 1", b"Report 2")
    assert tampered != got.body
    with pytest.raises(WebhookVerificationError):
        Webhook(SECRET).verify(tampered, got.headers)
    other = "whsec_" + base64.b64encode(os.urandom(32)).decode()
    with pytest.raises(WebhookVerificationError):
        Webhook(other).verify(got.body, got.headers)


async def test_unsigned_webhooks_still_carry_the_id_headers(store: Store) -> None:
    receiver = await Receiver().start()
    dispatcher = Dispatcher(
        store, [build_hook(WebhookHook(type="webhook", url=receiver.url, name="w"), "ua")]
    )
    await dispatcher.start()
    await store.outbox.add([make_event(1)])
    await dispatcher.drain()
    await dispatcher.close()
    await receiver.stop()
    headers = {k.lower(): v for k, v in receiver.got[0].headers.items()}
    assert headers["webhook-id"] == "article.related:1" and "webhook-signature" not in headers


CRASHING_DELIVERER = """
import asyncio, sys
from crawler.config import WebhookHook
from crawler.stages.deliver import build_hook
from crawler.stages.deliver.dispatcher import Dispatcher
from crawler.store import Store

async def main(redis_url, prefix, hook_url):
    store = await Store.connect(redis_url, prefix)
    hook = build_hook(WebhookHook(type="webhook", url=hook_url, name="w", timeout="60s"), "ua")
    dispatcher = Dispatcher(store, [hook], lease_ttl=1.0)
    await dispatcher.start()
    await dispatcher.drain()

asyncio.run(main(*sys.argv[1:]))
"""


async def test_a_crash_after_the_receiver_got_an_event_resends_it_with_the_same_id(
    store: Store, redis_url: str, prefix: str
) -> None:
    receiver = await Receiver([200, HANG]).start()  # the 2nd event arrives, then the crash
    await store.outbox.ensure_group("w")
    await store.outbox.add([make_event(n) for n in range(1, 4)])
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", CRASHING_DELIVERER, redis_url, prefix, receiver.url, cwd=ROOT
    )
    try:
        await receiver.wait_for(2, accepted=False, within=30)
    finally:
        process.kill()  # SIGKILL: no clean-up, the lease and the pending event stay behind
        await process.wait()
    lease = store.keys.hook_lease("w")
    # the dead process's lease expires (1 s TTL): a condition in Redis, polled with a timeout
    async with asyncio.timeout(10):
        while await store.redis.exists(lease):  # noqa: ASYNC110 - no event to await
            await asyncio.sleep(0.05)
    dispatcher = Dispatcher(
        store, [build_hook(WebhookHook(type="webhook", url=receiver.url, name="w"), "ua")]
    )
    await dispatcher.start()
    report = await dispatcher.drain()
    await dispatcher.close()
    await receiver.stop()
    sent = [r.json["id"] for r in receiver.got]
    assert sent == [
        "article.related:1",
        "article.related:2",
        "article.related:2",
        "article.related:3",
    ]
    assert receiver.accepted_ids() == [
        "article.related:1",
        "article.related:2",
        "article.related:3",
    ]
    keys = [r.headers["Idempotency-Key"] for r in receiver.got]
    assert keys[1] == keys[2] == "article.related:2"
    assert report.delivered == 2 and await store.outbox.backlog("w") == 0


@pytest.mark.parametrize(
    ("secret", "says"),
    [
        ("not-prefixed", "must start with whsec_"),
        ("whsec_!!!", "not valid base64"),
        ("whsec_" + base64.b64encode(b"short").decode(), "holds 5 bytes"),
    ],
)
def test_a_bad_secret_is_a_config_error_that_says_how_to_make_one(secret: str, says: str) -> None:
    from crawler.config import settings_from_mapping

    data = {
        "story": [{"id": "s", "seed": "seed.txt"}],
        "hook": [{"type": "webhook", "url": "http://127.0.0.1:1/h", "secret": secret}],
    }
    with pytest.raises(ConfigError) as caught:
        settings_from_mapping(data)
    message = str(caught.value)
    assert "hook[0].secret" in message and says in message and "os.urandom" in message
    assert secret not in message or secret == "whsec_!!!"


def test_the_secret_may_come_from_the_environment() -> None:
    from crawler.config import settings_from_mapping

    hook = {"type": "webhook", "url": "http://127.0.0.1:1/h", "secret_env": "NW_TEST_SECRET"}
    data = {"story": [{"id": "s", "seed": "seed.txt"}], "hook": [hook]}
    settings = settings_from_mapping(data, env={"NW_TEST_SECRET": SECRET})
    [config] = settings.hook_list()
    assert isinstance(config, WebhookHook) and config.secret is not None
    assert config.secret.get_secret_value() == SECRET and SECRET not in repr(config)
    with pytest.raises(ConfigError, match="environment variable NW_TEST_SECRET is not set"):
        settings_from_mapping(data, env={})
