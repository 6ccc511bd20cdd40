#!/usr/bin/env bash
# Runs each cargo-fuzz target of fuzz/ for a while (libFuzzer, stable toolchain without
# sanitizers). A crash fails the run and leaves its input in fuzz/artifacts/.
#
#   scripts/fuzz.sh [seconds-per-target]   (default 30)
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

CARGO_FUZZ_VERSION="0.13.2"
seconds="${1:-30}"
ensure_rust_tools
command -v c++ >/dev/null || need_apt build-essential
if [ "$(cargo fuzz --version 2>/dev/null | awk '{print $2}')" != "$CARGO_FUZZ_VERSION" ]; then
  say "installing cargo-fuzz $CARGO_FUZZ_VERSION"
  cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked
fi
cd "$REPO"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$REPO/target}/fuzz"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for target in identifiers runtime_config; do
  # Fresh copies of the seeds: the committed corpus stays small and readable.
  mkdir -p "$work/$target"
  cp fuzz/corpus/"$target"/* "$work/$target/" 2>/dev/null || true
  [ "$target" = runtime_config ] && cp runtime-config.example.toml end2end/fixtures/runtime-config.toml "$work/$target/"
  say "fuzzing $target for ${seconds}s"
  cargo fuzz run --fuzz-dir fuzz -s none "$target" "$work/$target" -- -max_total_time="$seconds" -max_len=4096
done
say "fuzzing found nothing"
