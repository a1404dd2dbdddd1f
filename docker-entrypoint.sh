#!/bin/sh
# Started as root (the default): make the data dir writable for the image's user (uid 10001)
# — a fresh named volume or a root-owned bind mount — then drop to that user. Started with
# `--user`, it runs the command as that user unchanged (the data dir must be writable by it).
set -e
DATA_DIR="${NEWSWATCH_DATA_DIR:-/app/.newswatch}"
if [ "$(id -u)" = "0" ]; then
    mkdir -p "$DATA_DIR"
    if [ "$(stat -c %u "$DATA_DIR")" != "10001" ]; then
        chown -R 10001:10001 "$DATA_DIR"
    fi
    exec setpriv --reuid=10001 --regid=10001 --init-groups "$@"
fi
exec "$@"
