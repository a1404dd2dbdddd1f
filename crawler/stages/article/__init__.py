"""Stage 3, article: one job fetches, judges and versions one page of one story."""
