#!/usr/bin/env bash
# Builds the libFuzzer targets of the self-diagnosis core with clang and
# runs each for a while.  Not part of `make check` (it needs clang and its
# runtime: apt-get install clang).  usage: tests/fuzz/run-core.sh [SECONDS]
set -eu
cd "$(dirname "$0")/../.."
secs=${1:-60}
out=build/fuzz
mkdir -p "$out"
core=$(ls src/lib/*.c)
for t in fuzz_ini fuzz_answers; do
  clang -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude -Isrc/lib \
    -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -DHOSHI_DATADIR="\"$PWD/data\"" \
    "tests/fuzz/$t.c" $core -o "$out/$t" -lm
  mkdir -p "$out/$t.corpus"
  [ "$t" = fuzz_ini ] && cp data/text/ja/*.ini "$out/$t.corpus/" 2>/dev/null || true
  [ "$t" = fuzz_answers ] && printf '1,2,3,4,1,2,3,4,1,2,3,4,1,2,3,4,1,2,3,4,1,2,3,4,1' > "$out/$t.corpus/seed"
  "$out/$t" -max_total_time="$secs" -max_len=4096 "$out/$t.corpus"
done
