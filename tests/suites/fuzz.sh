#!/usr/bin/env bash
# The libFuzzer targets of tests/fuzz/ (clang, ASan, UBSan; built by
# `make fuzz-build` into build/fuzz/).  For each target: every committed
# crash reproducer in tests/fuzz/crashes/fuzz_<target>/ must run clean (a
# fixed bug stays fixed), then the target fuzzes for FUZZ_SECONDS from its
# seed corpus tests/fuzz/corpus_<target>/.  Prints ok/FAIL lines; a crash
# prints the reproducer's path and the sanitizer's summary.
#
#   FUZZ_SECONDS  seconds of fuzzing per target (10)
#   FUZZ_SEED     libFuzzer seed (1: the same inputs every run, so make
#                 check does not flake; 0: a new seed each run, make fuzz)
#   FUZZ_JOBS     targets fuzzed at once (2)
#   FUZZ_KEEP     1: keep what the fuzzer learns in build/fuzz/corpus_<target>/
#                 (make fuzz); 0: start from the seeds every time
# usage: bash tests/suites/fuzz.sh [TARGET...]   (default: all of them)
set -u
cd "$(dirname "$0")/../.." || exit 1
secs=${FUZZ_SECONDS:-10}
seed=${FUZZ_SEED:-1}
jobs=${FUZZ_JOBS:-2}
keep=${FUZZ_KEEP:-0}
targets=${*:-csv codebook hsd options answers ini form xlsform book coding sav sign namekey}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# Longest input per target: big enough for its seeds.
max_len() {
    case $1 in
    hsd | xlsform | sav) echo 16384 ;;
    codebook) echo 8192 ;;
    options | answers) echo 1024 ;;
    *) echo 4096 ;;
    esac
}

# The build is a no-op when `make check` built the targets already; a
# make started by the suite must not inherit the jobserver of an outer one.
if ! command -v "${FUZZ_CC:-clang}" >/dev/null; then
    echo "FAIL fuzz: build: clang is not installed (make deps installs it)"
    exit 1
fi
if ! env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory -s fuzz-build >"$tmp/build.log" 2>&1; then
    echo "FAIL fuzz: build"
    tail -n 40 "$tmp/build.log" | sed 's/^/  /'
    exit 1
fi

# One target: its reproducers, then the fuzzing run.  Writes ok/FAIL lines.
run_target() {
    local t=$1 bin=build/fuzz/fuzz_$1 name=fuzz_$1
    local work=$tmp/$t.corpus arts=build/fuzz/crashes/$name/
    export TMPDIR=$tmp/$t.tmp UBSAN_OPTIONS=print_stacktrace=1
    mkdir -p "$work" "$TMPDIR" "$arts"
    [ "$keep" = 1 ] && work=build/fuzz/corpus_$t && mkdir -p "$work"
    local f
    for f in tests/fuzz/crashes/$name/*; do
        [ -f "$f" ] || continue
        if "$bin" -runs=1 "$f" >"$tmp/$t.replay" 2>&1; then
            echo "ok   $name: reproducer $f runs clean"
        else
            echo "FAIL $name: reproducer $f still fails: $(grep -m1 '^SUMMARY:' "$tmp/$t.replay")"
            grep -m2 -E 'ERROR: AddressSanitizer|runtime error:|^fuzz_[a-z]+: |output is not valid' \
                "$tmp/$t.replay" | sed 's/^/  /'
        fi
    done
    local dict=() log=$tmp/$t.log d=tests/fuzz/$name.dict
    [ "$t" = codebook ] && d=tests/fuzz/fuzz_csv.dict # the same CSV syntax
    [ -f "$d" ] && dict=(-dict="$d")
    local start=$SECONDS
    "$bin" -seed="$seed" -max_total_time="$secs" -max_len="$(max_len "$t")" -timeout=30 \
        -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$arts" "${dict[@]}" \
        "$work" "tests/fuzz/corpus_$t" >"$log" 2>&1
    local rc=$?
    local runs cov
    runs=$(grep -m1 -o 'number_of_executed_units: [0-9]*' "$log" | grep -o '[0-9]*$')
    cov=$(grep -E '^#[0-9]+' "$log" | tail -n 1 | grep -o 'cov: [0-9]*')
    if [ $rc -eq 0 ]; then
        echo "ok   $name: fuzzed from $(ls "tests/fuzz/corpus_$t" | wc -l) seeds, nothing found"
        echo "  $name: ${runs:-?} inputs in $((SECONDS - start)) s, ${cov:-cov: ?} edges"
    else
        local unit
        unit=$(grep -m1 -o 'Test unit written to .*' "$log" | sed 's/Test unit written to //')
        echo "FAIL $name: crash after ${runs:-?} inputs, reproduce with: $bin ${unit:-(no unit written, see the log)}"
        echo "  $(grep -m1 '^SUMMARY:' "$log")"
        grep -m2 -E 'ERROR: AddressSanitizer|runtime error:|^fuzz_[a-z]+: |output is not valid' \
            "$log" | sed 's/^/  /'
        echo "  (commit it to tests/fuzz/crashes/$name/ as a regression input once routed)"
    fi
}

for t in $targets; do
    if [ ! -x "build/fuzz/fuzz_$t" ]; then
        echo "FAIL fuzz_$t: no such target" >"$tmp/$t.out"
        continue
    fi
    run_target "$t" >"$tmp/$t.out" 2>&1 &
    while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
        wait -n
    done
done
wait
rc=0
for t in $targets; do
    cat "$tmp/$t.out"
    grep -q '^FAIL' "$tmp/$t.out" && rc=1
done
exit $rc
