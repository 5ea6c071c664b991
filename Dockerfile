# syntax=docker/dockerfile:1
# The coach: runtime dependencies only, a non-root user, the knowledge base and prompts inside
# (the wheel carries them), /data for the embedded database. The offline engine needs no keys
# and no network; Slack, the LLM and PostgreSQL are configured by environment or secret files.
#
# tests/ops/test_image.py lints this file with hadolint and replays the build stage's RUN
# steps in a fresh virtualenv, so a change here that breaks the install fails the suite.
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
WORKDIR /src
# Only what the wheel is built from (.dockerignore keeps everything else out of the context).
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY knowledge ./knowledge
COPY prompts ./prompts
COPY teams ./teams
# A virtualenv is a self-contained folder: the runtime stage copies it whole, and nothing of
# the build (pip's cache, the build backend, the sources) comes along.
RUN python -m venv /opt/coach \
    && /opt/coach/bin/pip install --no-cache-dir . \
    && /opt/coach/bin/coach traps > /dev/null

FROM ${PYTHON_IMAGE}
LABEL org.opencontainers.image.title="social-media-coach" \
      org.opencontainers.image.description="Social-media coach for Slack: answers strategy questions and flags drafts that fall into five common traps."
RUN groupadd --system --gid 10001 coach \
    && useradd --system --uid 10001 --gid 10001 --create-home --home-dir /home/coach coach \
    && mkdir /data \
    && chown 10001:10001 /data
COPY --from=build /opt/coach /opt/coach
# MPLCONFIGDIR: matplotlib (the digest's chart) wants a writable cache folder, and the home
# folder is read-only when the root file system is (compose.yaml); /tmp is always writable.
ENV PATH=/opt/coach/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    COACH_DATA_DIR=/data \
    COACH_LOG_FORMAT=json \
    MPLCONFIGDIR=/tmp/matplotlib \
    PORT=3000
USER 10001:10001
WORKDIR /home/coach
VOLUME ["/data"]
EXPOSE 3000
# No curl in a slim image: the interpreter asks /healthz itself (urlopen fails on non-2xx).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as r; r.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '3000'), timeout=4)"]
# SIGTERM: stop accepting requests, finish the replies already acked, exit.
STOPSIGNAL SIGTERM
CMD ["coach", "serve"]
