# newswatch: `docker build -t newswatch . && docker run -v newswatch-data:/app/.newswatch newswatch`
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

COPY pyproject.toml README.md ./
COPY crawler ./crawler
COPY workers ./workers
RUN pip install . && useradd --create-home --uid 10001 newswatch
COPY config ./config
RUN mkdir -p /app/.newswatch && chown -R newswatch /app

USER newswatch
# the embedded store's data (AOF) lives here; mount a volume to keep it
VOLUME ["/app/.newswatch"]
# SIGTERM (docker stop) drains running jobs and stops the store cleanly
STOPSIGNAL SIGTERM
CMD ["newswatch", "run"]
