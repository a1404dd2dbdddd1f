"""Dockerfile and compose.yaml, checked as text and as YAML: there is no Docker engine on the
test machines, so nothing is built or started here."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def test_compose_runs_a_store_one_scheduler_workers_and_the_web_view() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    assert set(services) == {"valkey", "scheduler", "worker", "web"}
    assert services["scheduler"]["command"] == ["newswatch", "scheduler"]
    assert services["worker"]["command"] == ["newswatch", "worker"]
    assert services["worker"]["deploy"]["replicas"] >= 2
    assert services["web"]["command"][:2] == ["newswatch", "serve"]
    assert "NEWSWATCH_HTTP_TOKEN" in services["web"]["environment"]  # 0.0.0.0 needs a token
    assert services["web"]["ports"] == ["127.0.0.1:8787:8787"]
    for name in ("scheduler", "worker", "web"):
        service = services[name]
        assert service["environment"]["NEWSWATCH_REDIS_URL"] == "redis://valkey:6379/0"
        assert service["stop_grace_period"] == "40s"  # longer than the 30 s drain
        assert service["depends_on"]["valkey"]["condition"] == "service_healthy"
        assert "newswatch-data:/app/.newswatch" in service["volumes"]
    assert "--appendonly" in services["valkey"]["command"]


def test_dockerfile_health_stop_grace_user_and_volume() -> None:
    text = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^HEALTHCHECK .*\n.*/healthz", text, re.M)
    assert "STOPSIGNAL SIGTERM" in text and "docker stop -t 40" in text
    assert 'VOLUME ["/app/.newswatch"]' in text
    assert "USER root" not in text and "--uid 10001" in text
    entrypoint = (ROOT / "docker-entrypoint.sh").read_text()
    assert "chown -R 10001:10001" in entrypoint and "setpriv --reuid=10001" in entrypoint
    config = (ROOT / "config" / "newswatch.toml").read_text()
    assert 'path = ".newswatch/alerts.jsonl"' in config  # alerts live in the volume
