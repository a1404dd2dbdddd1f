"""``newswatch demo``: a simulated news site on 127.0.0.1 replaying a developing story."""
