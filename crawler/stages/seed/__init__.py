"""Stage 1, seed: what the user hands newswatch becomes the story's profile."""
