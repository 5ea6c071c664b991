# syntax=docker/dockerfile:1
# The coach, runtime only: the offline engine needs no keys and no network.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY knowledge ./knowledge
COPY prompts ./prompts
RUN pip install --no-cache-dir --prefix=/install .

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 coach
COPY --from=build /install /usr/local
USER coach
WORKDIR /home/coach
ENV PYTHONUNBUFFERED=1 \
    COACH_DATA_DIR=/data
EXPOSE 3000
CMD ["coach", "serve"]
