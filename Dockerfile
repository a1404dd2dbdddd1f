# newswatch: `docker build -t newswatch . && docker run -v newswatch-data:/app/.newswatch newswatch`
# Stop with `docker stop -t 40 newswatch`: SIGTERM drains running jobs for up to
# [worker] drain_timeout (30 s) before the store is stopped; Docker's default 10 s is too short.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    NEWSWATCH_HTTP_LISTEN=127.0.0.1:8787
WORKDIR /app

COPY pyproject.toml README.md ./
COPY crawler ./crawler
COPY workers ./workers
RUN pip install . && useradd --create-home --uid 10001 newswatch
COPY config ./config
COPY docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
RUN chmod 0755 /usr/local/bin/docker-entrypoint.sh \
    && mkdir -p /app/.newswatch && chown -R newswatch:newswatch /app/.newswatch

# the store's data (AOF) and alerts.jsonl live here (config/newswatch.toml); mount a volume or
# a host directory: the entrypoint makes it writable for uid 10001, then drops root
VOLUME ["/app/.newswatch"]
# the web view / API / metrics; inside the container only unless NEWSWATCH_HTTP_LISTEN is
# 0.0.0.0:8787 and NEWSWATCH_HTTP_TOKEN is set (a non-loopback address needs a token)
EXPOSE 8787
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD python -c "import os,urllib.request; port=os.environ.get('NEWSWATCH_HTTP_LISTEN','127.0.0.1:8787').rsplit(':',1)[1]; urllib.request.urlopen(f'http://127.0.0.1:{port}/healthz', timeout=4)"
STOPSIGNAL SIGTERM
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["newswatch", "run"]
