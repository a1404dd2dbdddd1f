"""Data files: word lists used by the pure core."""
