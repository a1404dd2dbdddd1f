"""Reads as values: what to ask Redis and how to read the replies, apart from when it is sent.

A :class:`Read` queues its commands into a pipeline and parses their replies; :func:`both`
makes two one. :func:`run` sends one on its own (one round trip); :func:`watched` sends it on
a decision's watched connection behind the ``WATCH`` of the claims it rests on, in the same
round trip — the server runs the two in order, so the read is guarded exactly as if the
watch had been acknowledged first (:class:`crawler.store.commit.Guard`). A read that calls a
server script by its digest names the script: when the server does not know it (restarted,
flushed), it is loaded and the read sent once more.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from redis.asyncio import Redis
from redis.asyncio.client import Pipeline
from redis.commands.core import AsyncScript
from redis.exceptions import NoScriptError, ResponseError

T = TypeVar("T")
A = TypeVar("A")
B = TypeVar("B")


@dataclass(frozen=True, slots=True)
class Read(Generic[T]):
    """``queue`` adds the read's commands to a pipeline; ``parse`` turns their replies
    (in order, as many as it queued) into the value."""

    queue: Callable[[Pipeline], None]
    parse: Callable[[list[Any]], T]
    scripts: tuple[AsyncScript, ...] = ()  # the scripts it calls by digest (EVALSHA)


def both(first: Read[A], second: Read[B]) -> Read[tuple[A, B]]:
    """The two reads as one (``first``'s replies, then ``second``'s)."""
    split: list[int] = []

    def queue(pipe: Pipeline) -> None:
        start = len(pipe)
        first.queue(pipe)
        split[:] = [len(pipe) - start]
        second.queue(pipe)

    def parse(replies: list[Any]) -> tuple[A, B]:
        return first.parse(replies[: split[0]]), second.parse(replies[split[0] :])

    return Read(queue, parse, first.scripts + second.scripts)


async def run(redis: Redis, read: Read[T]) -> T:
    """``read`` on its own: one round trip (once more after loading its scripts when the
    server lacked one)."""
    return await _loading(read, lambda: _run(redis, read))


async def _run(redis: Redis, read: Read[T]) -> T:
    async with redis.pipeline(transaction=False) as pipe:
        read.queue(pipe)
        return read.parse(await pipe.execute())


async def watched(pipe: Pipeline, claims: Sequence[str], read: Read[T]) -> T:
    """:func:`_watched`, once more after loading its scripts when the server lacked one."""
    return await _loading(read, lambda: _watched(pipe, claims, read))


async def _loading(read: Read[Any], send: Callable[[], Awaitable[T]]) -> T:
    """``send()``; when the server did not know one of ``read``'s scripts, load them (on
    the client they were registered with) and ``send()`` once more."""
    try:
        return await send()
    except NoScriptError:
        if not read.scripts:
            raise
    for script in read.scripts:
        script.sha = await script.registered_client.script_load(script.script)
    return await send()


async def _watched(pipe: Pipeline, claims: Sequence[str], read: Read[T]) -> T:
    """``WATCH claims`` (when there are any) then ``read``, on ``pipe``'s connection (taken
    from its pool if it has none yet), in one round trip; afterwards ``pipe`` is watching,
    as after ``pipe.watch(*claims)``. A connection that fails meanwhile is dropped (its
    watches go with it); a command's error is raised once every reply is read."""
    collector = Pipeline(pipe.connection_pool, pipe.response_callbacks, False, None)
    read.queue(collector)
    commands: list[tuple[tuple[Any, ...], dict[str, Any]]] = list(collector.command_stack)
    if claims:
        commands.insert(0, (("WATCH", *claims), {}))
    conn = pipe.connection or await pipe.connection_pool.get_connection()
    pipe.connection = conn
    try:
        await conn.send_packed_command(conn.pack_commands([args for args, _ in commands]))
        replies = [await _reply(pipe, conn, args[0], options) for args, options in commands]
    except BaseException:
        await conn.disconnect()
        raise
    for reply in replies:
        if isinstance(reply, ResponseError):
            raise reply
    return read.parse(replies[1:] if claims else replies)


async def _reply(pipe: Pipeline, conn: Any, command: Any, options: dict[str, Any]) -> Any:
    try:
        return await pipe.parse_response(conn, command, **options)
    except ResponseError as exc:
        return exc
