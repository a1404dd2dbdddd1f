"""A newswatch process: its parts built per role and torn down in order (``assemble``), the
roles it plays (``roles``: run, scheduler, worker, run --once) and the retention sweep
(``retention``)."""

from crawler.runtime.assemble import (
    ROLES,
    ProcessRole,
    RoleError,
    Runtime,
    open_address,
    open_runtime,
    open_store,
)

__all__ = [
    "ROLES",
    "ProcessRole",
    "RoleError",
    "Runtime",
    "open_address",
    "open_runtime",
    "open_store",
]
