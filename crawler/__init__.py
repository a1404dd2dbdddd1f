"""newswatch: follow one news story across feeds, keep every version, alert on real updates.

Data flow (one direction, frozen values between stages); each stage has its room in
``crawler/stages/``:

    config ─► Settings                        crawler/config/
    seed   ─► SeedProfile                     stages/seed/    (core/seed.py)
    poll:    feeds ─► FeedEntry ─► ArticleJob stages/poll/    (core/feedparse.py, core/queries.py;
                                                       queued by store/queue.py)
    article: fetch ─► Article ─► judgement    stages/article/ (fetch/, core/extract/,
             ─► Version + facts ─► Events     core/copies.py, core/profile.py, core/facts/)
    deliver: outbox ─► hooks                  stages/deliver/

``crawler/core`` is pure (no I/O); ``fetch``, ``store`` (the only module that speaks Redis),
``stages`` and ``web`` do the I/O; ``runtime`` builds a process per role (its parts, its roles,
the retention sweep) and tears it down; ``workers`` holds the arq job functions, the worker
and ``WorkerSettings``; ``cli`` and ``demo`` are the command line. Time comes from one injected
clock (``clock.py``); the frozen values live in ``models.py``.
"""

__version__ = "0.1.0"
