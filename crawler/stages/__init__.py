"""The stages of the data flow, one room each, in the order an article meets them.

* :mod:`crawler.stages.seed` — a user's seed (file, HTML or URL) becomes the story's
  :class:`~crawler.models.SeedProfile` (``load``; ``sources`` reads what a user names).
* :mod:`crawler.stages.poll` — the scheduler polls due feeds (``scheduler``), turns new
  entries into article jobs (``intake``, capped per feed and host by ``fairness``), reports
  failed polls (``feedlog``) and keeps the story's news-search feeds (``searches``).
* :mod:`crawler.stages.article` — one job: fetch, extract and judge a page (``pipeline``,
  ``judging`` with its pure ``rulings``: copy, related or unrelated), store its versions and
  what their changes tell (``versions``, with the story's facts in ``facts``), and plan its
  next visit (``revisits``).
* :mod:`crawler.stages.deliver` — the outbox's events to every hook, once.

Stages compute; the store (:mod:`crawler.store`) alone speaks Redis.
"""
