"""Where the store is: a configured Redis URL, or the bundled server of a data dir.

For the bundled server the port is **not cached**: every connection reads it from the data
dir's ``server.json`` when it (re)connects (:class:`DataDirConnection`), so when the server
is restarted — on another port if its old one was taken — every pool of every process follows
on its next reconnect. Each :meth:`StoreAddress.pool` is a new connection pool: the store, the
arq queue and each arq worker get their own (arq's ``Worker.close`` disconnects its pool).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from arq.connections import ArqRedis
from redis.asyncio import ConnectionPool, Redis
from redis.asyncio.connection import Connection

from crawler.redact import redact_url
from crawler.store.serverfiles import read_port

POOL_OPTIONS: dict[str, Any] = {"health_check_interval": 30, "socket_connect_timeout": 5}


class DataDirConnection(Connection):
    """A TCP connection to 127.0.0.1 whose port is re-read from the data dir on every connect."""

    def __init__(self, *, data_dir: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.data_dir = Path(data_dir)

    async def _connect(self) -> None:
        self.port = read_port(self.data_dir) or self.port
        await super()._connect()  # type: ignore[no-untyped-call]


@dataclass(frozen=True, slots=True)
class StoreAddress:
    url: str  # a configured URL, or the bundled server's URL when it was joined
    data_dir: Path | None = None  # the bundled server: follow its restarts

    @property
    def shown(self) -> str:
        """The address for messages: secrets masked."""
        return redact_url(self.url)

    def pool(self) -> ConnectionPool:
        if self.data_dir is None:
            return ConnectionPool.from_url(self.url, **POOL_OPTIONS)
        return ConnectionPool(
            connection_class=DataDirConnection,
            host="127.0.0.1",
            port=read_port(self.data_dir) or 6379,
            db=0,
            data_dir=str(self.data_dir),
            **POOL_OPTIONS,
        )

    def redis(self) -> Redis:
        """A client owning its own pool (``aclose()`` closes both)."""
        return Redis.from_pool(self.pool())

    def arq(self, queue_name: str) -> ArqRedis:
        """An arq client (enqueue, or a worker's ``redis_pool``) owning its own pool."""
        client = ArqRedis(self.pool(), default_queue_name=queue_name)
        client.auto_close_connection_pool = True
        return client
