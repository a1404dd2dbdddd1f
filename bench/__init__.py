"""Benchmarks: scripts that print figures and a same-run baseline (last line: one JSON object)."""
