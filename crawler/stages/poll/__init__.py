"""Stage 2, poll: due feeds are polled and their new entries become article jobs."""
