"""newswatch: follow one news story across feeds, keep every version, alert on real updates.

Data flow (one direction, frozen values between stages):

    config ─► Settings                      crawler/config.py
    seed ─► SeedProfile                     crawler/seeds.py, core/seed.py
    scheduler: feeds ─► FeedEntry ─► job    crawler/scheduler.py, core/feedparse.py
    worker:    fetch ─► Article ─► judge    crawler/fetch/, core/extract/, core/dedup.py,
               ─► Version + Facts           core/relevance.py, core/facts/, crawler/pipeline.py
               ─► diff ─► Events            crawler/revisions.py, core/diff.py, core/events.py
    outbox ─► hooks                         crawler/store/outbox.py, crawler/hooks/

``crawler/core`` is pure (no I/O); ``fetch``, ``store``, ``hooks`` and the glue modules
(``scheduler``, ``pipeline``, ``revisions``, ``runtime``, ``roles``) do the I/O; ``workers`` holds
the arq job functions.
"""

__version__ = "0.1.0"
