#!/usr/bin/env bash
# duban performance benchmark (issue 6). Generates the workloads with
# `duban samples`, then times whole processes with /usr/bin/time and prints
# medians: wall time, throughput, peak memory, the ratio against a read-only
# calamine pass on one thread, and (with --python) against the equivalent
# pandas/openpyxl script in benches/compare.py. It also prints a floor: the
# two libraries alone reading every input and writing the same workbooks
# (examples/read_only.rs, examples/write_only.rs), one thread each.
#
#   benches/bench.sh                 # both workloads, 5 runs each
#   benches/bench.sh --quick         # 1,000 × 50 only, 5 runs
#   benches/bench.sh --python        # also time benches/compare.py (pip install pandas openpyxl)
#   RUNS=5 benches/bench.sh
#   PY_RUNS=1 benches/bench.sh --python   # Python runs on 1,000 forms (default RUNS);
#                                         # on 10,000 forms PY_RUNS_LARGE (default 1: it takes minutes)
#
# Workloads are generated once under target/bench (BENCH_DIR to move them);
# generation is not timed. Needs bash, bc and GNU time (/usr/bin/time).
#
# Performance is measured here, never asserted in `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-5}
PY_RUNS=${PY_RUNS:-$RUNS}
PY_RUNS_LARGE=${PY_RUNS_LARGE:-1}
QUICK=0
PYTHON=0
for a in "$@"; do
  case "$a" in
    --quick) QUICK=1 ;;
    --python) PYTHON=1 ;;
    *) echo "unknown option $a" >&2; exit 2 ;;
  esac
done

cargo build --release --quiet --bin duban --example read_only --example write_only
BIN=$PWD/target/release/duban
READ=$PWD/target/release/examples/read_only
WRITE=$PWD/target/release/examples/write_only
WORK=${BENCH_DIR:-$PWD/target/bench}
mkdir -p "$WORK"

# time_cmd OUTFILE cmd… : appends "seconds maxrss_kb" of one run to OUTFILE
time_cmd() {
  local outfile=$1; shift
  /usr/bin/time -f "%e %M" -o "$WORK/.t" "$@" >/dev/null 2>"$WORK/.err" || {
    echo "command failed: $*" >&2; cat "$WORK/.err" >&2; exit 1; }
  tail -n 1 "$WORK/.t" >>"$outfile"
}

# settle DIR : remove DIR, then let the file system finish the deletions
settle() {
  rm -rf "$1"
  sync
  sleep 5
}

# median of column $2 in file $1
median() { sort -g -k"$2","$2" "$1" | awk -v c="$2" '{a[NR]=$c} END {print a[int((NR+1)/2)]}'; }

workload() {
  local name=$1 units=$2 tasks=$3 py_runs=$4
  local dir=$WORK/$name
  if [ ! -f "$dir/台账.xlsx" ]; then
    echo "== generating $name: $units forms, $tasks tasks" >&2
    "$BIN" --quiet samples --out "$dir" --units "$units" --tasks "$tasks" --messy 0 --seed 1 --force
  fi
  local forms rows
  forms=$(find "$dir/returns" -type f | wc -l)
  rows=$tasks
  rm -f "$WORK"/$name.*.times
  # Each run writes a fresh output folder; they are all removed only after
  # the last run: deleting thousands of files just before a timed run makes
  # the file system's inode allocation (and so the run) slower.
  settle "$dir/runs"
  for i in $(seq "$RUNS"); do
    # Each run archives into its own output folder (the archive beside
    # duban.toml would refuse the second run of the period).
    time_cmd "$WORK/$name.t2.times" "$BIN" --quiet --threads 2 run --config "$dir/duban.toml" --out "$dir/runs/$i-2" --archive "$dir/runs/$i-2/archive"
    time_cmd "$WORK/$name.t1.times" "$BIN" --quiet --threads 1 run --config "$dir/duban.toml" --out "$dir/runs/$i-1" --archive "$dir/runs/$i-1/archive"
    time_cmd "$WORK/$name.read.times" "$READ" "$dir/returns"
    # The floor under a run: the libraries alone reading every input (the
    # ledger too) and writing this run's workbooks again, one thread each.
    time_cmd "$WORK/$name.readall.times" "$READ" "$dir/returns" "$dir/台账.xlsx"
    "$WRITE" "$dir/runs/$i-2" | sed -n 's/.* in \([0-9.]*\) s.*/\1 0/p' >>"$WORK/$name.write.times"
    if [ "$PYTHON" = 1 ] && [ "$i" -le "$py_runs" ]; then
      time_cmd "$WORK/$name.py.times" python3 benches/compare.py "$dir/台账.xlsx" "$dir/returns" 2023-03-31 "$dir/py.xlsx"
    fi
  done
  # Same output byte for byte at 1 and 2 threads.
  local same=yes
  if ! diff -r -q "$dir/runs/$RUNS-1" "$dir/runs/$RUNS-2" >/dev/null; then same=NO; fi
  settle "$dir/runs"
  local t2 t1 tr m2 m1
  t2=$(median "$WORK/$name.t2.times" 1); t1=$(median "$WORK/$name.t1.times" 1)
  tr=$(median "$WORK/$name.read.times" 1); m2=$(median "$WORK/$name.t2.times" 2)
  m1=$(median "$WORK/$name.t1.times" 2)
  printf '%s\n' "workload $name: $forms files, $rows rows ($RUNS runs, medians)"
  printf '  duban run, 2 threads        %8.2f s  %7.0f forms/s  %8.0f rows/s  peak %6.1f MB\n' \
    "$t2" "$(echo "$forms / $t2" | bc -l)" "$(echo "$rows / $t2" | bc -l)" "$(echo "$m2 / 1024" | bc -l)"
  printf '  duban run, 1 thread         %8.2f s  %7.0f forms/s  %8.0f rows/s  peak %6.1f MB\n' \
    "$t1" "$(echo "$forms / $t1" | bc -l)" "$(echo "$rows / $t1" | bc -l)" "$(echo "$m1 / 1024" | bc -l)"
  printf '  read-only calamine, 1 thread %7.2f s  → duban is %.2f× it at 2 threads, %.2f× at 1 (target ≤ 4×)\n' \
    "$tr" "$(echo "$t2 / $tr" | bc -l)" "$(echo "$t1 / $tr" | bc -l)"
  local ta tw floor
  ta=$(median "$WORK/$name.readall.times" 1); tw=$(median "$WORK/$name.write.times" 1)
  floor=$(echo "($ta + $tw) / 2" | bc -l)
  printf '  floor: calamine reading returns+ledger %.2f s + rust_xlsxwriter writing the outputs %.2f s,\n' "$ta" "$tw"
  printf '         one thread each → at least %.2f s on 2 cores; duban (2 threads) is %.2f× that floor\n' \
    "$floor" "$(echo "$t2 / $floor" | bc -l)"
  if [ "$PYTHON" = 1 ]; then
    local tp
    tp=$(median "$WORK/$name.py.times" 1)
    printf "  python (pandas+openpyxl, %d run%s)" "$py_runs" "$([ "$py_runs" = 1 ] || echo s)"
    printf ' %8.2f s  peak %6.1f MB  → duban (2 threads) is %.1f× faster (target ≥ 20×)\n' \
      "$tp" "$(echo "$(median "$WORK/$name.py.times" 2) / 1024" | bc -l)" "$(echo "$tp / $t2" | bc -l)"
  fi
  printf '  same output at 1 and 2 threads: %s\n' "$same"
  echo "$name $t2" >>"$WORK/.linear"
}

echo "duban $("$BIN" --version 2>/dev/null | awk '{print $2}'), $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')), $RUNS runs per figure"
rm -f "$WORK/.linear"
workload w1000x50 1000 50000 "$PY_RUNS"
if [ "$QUICK" = 0 ]; then
  workload w10000x20 10000 200000 "$PY_RUNS_LARGE"
  a=$(awk '$1=="w1000x50"{print $2}' "$WORK/.linear")
  b=$(awk '$1=="w10000x20"{print $2}' "$WORK/.linear")
  printf 'scaling: 10× the forms took %.2f× the time (target ≤ 10.5×)\n' "$(echo "$b / $a" | bc -l)"
fi
