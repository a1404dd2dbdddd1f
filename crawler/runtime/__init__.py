"""A newswatch process: its parts built and torn down in order (``assemble``), the roles it
plays (``roles``: run, scheduler, worker, run --once) and the retention sweep (``retention``)."""

from crawler.runtime.assemble import Runtime, open_address, open_runtime, open_store

__all__ = ["Runtime", "open_address", "open_runtime", "open_store"]
