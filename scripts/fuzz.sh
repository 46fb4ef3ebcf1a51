#!/usr/bin/env bash
# make fuzz: builds the libFuzzer harnesses (address sanitizer on) and runs each target for
# FUZZ_SECONDS (default 120), starting from the committed corpus. Afterwards the corpus is
# minimised back into Tests/Fuzz/corpus/<target>/ and any crasher is kept under
# Tests/Fuzz/crashers/<target>/, where `make test` replays it on every change.
#   FUZZ_SECONDS=600 FUZZ_TARGETS="http-parser csv" FUZZ_JOBS=2 make fuzz
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${FUZZ_SECONDS:-120}"
targets="${FUZZ_TARGETS:-http-parser json-bodies query-strings csv csv-import svg-chart iban-dates report-cells smtp icalendar}"
parallel="${FUZZ_JOBS:-1}"
scratch=.build-fuzz
swift build --scratch-path "$scratch" --product FuzzHarnesses \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -DFUZZING -Xswiftc -use-ld=lld
bin="$scratch/debug/FuzzHarnesses"
summary="$scratch/summary.txt"
: > "$summary"
fuzz_target() {
  local target="$1"
  local corpus="Tests/Fuzz/corpus/$target" crashers="Tests/Fuzz/crashers/$target" work="$scratch/work/$target"
  local log before deadline left execs fresh after line
  rm -rf "$work" && mkdir -p "$work" "$corpus" "$crashers"
  cp -r "$corpus/." "$work/" 2>/dev/null || true
  log="$scratch/$target.log"
  : > "$log"
  before=$(find "$crashers" -type f | wc -l)
  deadline=$(( $(date +%s) + seconds ))
  # libFuzzer stops at the first crash; restart until the time is used (at most 8 crashers).
  while :; do
    left=$(( deadline - $(date +%s) ))
    (( left > 0 )) || break
    (( $(find "$crashers" -type f | wc -l) - before < 8 )) || break
    CX_FUZZ_TARGET="$target" ASAN_OPTIONS=detect_leaks=0 "$bin" "$work" \
      -max_total_time="$left" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
      -artifact_prefix="$crashers/" -print_final_stats=1 >>"$log" 2>&1 || true
  done
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | awk '{ n += $NF } END { print n + 0 }')
  # Minimise: keep only inputs that add coverage.
  fresh="$scratch/fresh/$target"
  rm -rf "$fresh" && mkdir -p "$fresh"
  CX_FUZZ_TARGET="$target" ASAN_OPTIONS=detect_leaks=0 "$bin" -merge=1 -max_len=4096 "$fresh" "$work" >>"$log" 2>&1 || true
  if [ -n "$(ls -A "$fresh")" ]; then rm -rf "$corpus" && mv "$fresh" "$corpus"; fi
  after=$(find "$crashers" -type f | wc -l)
  line="$target: ${seconds}s, $execs executions, corpus $(ls "$corpus" | wc -l) inputs, new crashers $(( after - before ))"
  echo "$line" | tee -a "$summary"
}
for target in $targets; do
  while (( $(jobs -rp | wc -l) >= parallel )); do sleep 1; done
  fuzz_target "$target" &
done
wait
echo "fuzz summary in $summary"
