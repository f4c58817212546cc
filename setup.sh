#!/usr/bin/env bash
# Set up (or reuse) .venv, then run the job asked for:
#   ./setup.sh          index seeds/ and open the chat page
#   ./setup.sh test     run the whole test suite (installs Chromium for the browser tests if missing)
#   ./setup.sh qa ...   any qa command inside the environment
set -euo pipefail
cd "$(dirname "$0")"

LLAMA_VERSION=0.3.36
# Portable CPU kernels: llama.cpp's native build picks AMX/AVX-512 paths that segfault on this hardware.
LLAMA_CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_AVX512=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF"
WHEELS="${QA_WHEEL_CACHE:-$HOME/.cache/qa-news/wheels}"
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 ANONYMIZED_TELEMETRY=False

python_bin() {
    for candidate in python3.11 python3; do
        if command -v "$candidate" >/dev/null && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
            echo "$candidate"; return
        fi
    done
    echo "setup: Python 3.11 is required" >&2; exit 1
}

if [ ! -x .venv/bin/python ]; then
    "$(python_bin)" -m venv .venv
    .venv/bin/python -m pip install --quiet --upgrade pip
fi

if ! ls "$WHEELS"/llama_cpp_python-"$LLAMA_VERSION"-*.whl >/dev/null 2>&1; then
    echo "setup: compiling llama-cpp-python $LLAMA_VERSION once (about 6-10 minutes on 2 cores)..."
    mkdir -p "$WHEELS"
    CMAKE_ARGS="$LLAMA_CMAKE_ARGS" CMAKE_BUILD_PARALLEL_LEVEL="$(nproc)" \
        .venv/bin/pip wheel --quiet --no-cache-dir --no-deps "llama-cpp-python==$LLAMA_VERSION" -w "$WHEELS"
fi

stamp=$(cat pyproject.toml setup.sh | sha256sum | cut -c1-16)
if [ "$(cat .venv/.installed 2>/dev/null)" != "$stamp" ]; then
    echo "setup: installing dependencies into .venv..."
    .venv/bin/pip install --quiet --find-links "$WHEELS" --only-binary llama-cpp-python -e '.[dev]'
    echo "$stamp" > .venv/.installed
fi

ensure_chromium() {
    command -v chromium >/dev/null && return
    echo "setup: installing Debian's chromium for the browser tests..."
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq && $sudo apt-get install -y -qq chromium >/dev/null
}

case "${1:-serve}" in
    serve)
        .venv/bin/qa index
        exec .venv/bin/qa serve "${@:2}" ;;
    test)
        ensure_chromium
        exec .venv/bin/python -m pytest "${@:2}" ;;
    qa)
        exec .venv/bin/qa "${@:2}" ;;
    *)
        echo "usage: ./setup.sh [serve [--port N] | test [pytest args] | qa COMMAND ...]" >&2; exit 2 ;;
esac
