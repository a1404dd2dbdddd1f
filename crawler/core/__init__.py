"""Pure core: no I/O. extract, urls, dedup, relevance, facts, diff, events, feed parsing."""
