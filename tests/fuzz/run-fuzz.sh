#!/bin/sh
# The short fuzz run of the test suite, as TAP: each libFuzzer target goes
# over its seed corpus (tests/fuzz/corpus/TARGET) and then fuzzes for
# EVG_FUZZ_SECONDS (10) more; any crash, leak, sanitizer report or failed
# check fails the test and leaves the input in EVG_FUZZ_WORKDIR.
#
# In an ordinary (gcc) build the targets are built first, in a clang build
# tree of their own at EVG_FUZZ_BUILDDIR, which later runs reuse; in a build
# configured with -Dfuzzing=true they are in EVG_FUZZ_BINDIR already.
set -eu

src=${EVG_TOP_SRCDIR:?}
work=${EVG_FUZZ_WORKDIR:?}
targets=${EVG_FUZZ_TARGETS:?}
seconds=${EVG_FUZZ_SECONDS:-10}
here="$src/tests/fuzz"

bail () {
  echo "Bail out! $*"
  echo "$*" >&2
  exit 1
}

if [ -n "${EVG_FUZZ_BINDIR:-}" ]; then
  bindir=$EVG_FUZZ_BINDIR
else
  build=${EVG_FUZZ_BUILDDIR:?}
  if ! command -v clang >/dev/null 2>&1; then
    bail "clang is not installed; the fuzz targets need it: apt-get install clang libclang-rt-14-dev (build-aux/quickstart.sh installs both)"
  fi
  runtime=$(clang -print-runtime-dir)
  if [ ! -f "$runtime/libclang_rt.fuzzer-$(uname -m).a" ]; then
    bail "clang's libFuzzer runtime is missing from $runtime: apt-get install libclang-rt-14-dev (build-aux/quickstart.sh installs it)"
  fi
  # A tree whose setup failed half-way is made again rather than mended.
  if [ ! -f "$build/build.ninja" ]; then
    rm -rf "$build"
    echo "# configuring the clang build in $build" >&2
    CC=clang meson setup "$build" "$src" -Dfuzzing=true -Db_sanitize=address,undefined \
      -Dgui=disabled >"$work.setup.log" 2>&1 ||
      { cat "$work.setup.log" >&2; bail "configuring the clang build failed (log above)"; }
  fi
  names=""
  for t in $targets; do
    names="$names tests/fuzz/fuzz-$t"
  done
  # shellcheck disable=SC2086
  ninja -C "$build" $names >"$work.build.log" 2>&1 ||
    { tail -n 60 "$work.build.log" >&2; bail "building the fuzz targets failed (log above)"; }
  bindir=$build/tests/fuzz
fi

# GSlice hides use-after-free from ASan unless it uses malloc.
export G_SLICE=always-malloc G_DEBUG=gc-friendly LC_ALL=C.UTF-8
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:strict_string_checks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"

n=0
set -- $targets
echo "1..$#"
failed=0
for t in $targets; do
  n=$((n + 1))
  dir="$work/$t"
  rm -rf "$dir"
  mkdir -p "$dir/corpus"
  dict=""
  [ -f "$here/$t.dict" ] && dict="-dict=$here/$t.dict"
  # New inputs go to the first folder, a scratch one: the corpus in the
  # tree only grows by hand.
  # shellcheck disable=SC2086
  if "$bindir/fuzz-$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
       -print_final_stats=1 -artifact_prefix="$dir/" $dict \
       "$dir/corpus" "$here/corpus/$t" >"$dir/log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log")
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$dir/log")
    echo "ok $n - fuzz-$t: ${runs:-?} runs, ${speed:-?} exec/s"
  else
    echo "not ok $n - fuzz-$t: a finding, the input is in $dir"
    sed 's/^/# /' "$dir/log" | tail -n 80
    failed=1
  fi
done
exit $failed
