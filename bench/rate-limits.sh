#!/usr/bin/env bash
# The rate-limit benchmark table of the README: ./orcaset bench against the simulated teacher
# enforcing 6,000 RPM in each style, printed as Markdown rows. Takes about 34 minutes on two
# cores; run it on a quiet machine (these are benchmarks, not tests).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-out/bench-limits}
mkdir -p "$out"
row() {
  local name=$1; shift
  local dir="$out/$(echo "$name" | tr -c 'a-z0-9' '_')"
  ./orcaset bench --output "$dir" "$@" > "$dir.log" 2>&1 || { echo "| $name | failed, see $dir.log |"; return; }
  python3 - "$dir/bench.json" "$name" "$*" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
a = r["accounting"]
print(f"| {sys.argv[2]} | {r['sending_ratio_of_ceiling']:.3f} | {r['ratio_of_ceiling']:.3f} | "
      f"{100 * r['share_429']:.2f}% | {a['lost_rows']} lost, {a['answered_twice']} paid twice | "
      f"{r['cpu_seconds_per_1k_samples']:.1f} | {r['peak_heap_mib']:.0f} MiB | `{sys.argv[3]}` |")
PY
}
fast="--requests 5000 --latency-ms 800 --jitter-ms 200 --rpm 6000 --concurrency 256"
slow="--requests 5000 --latency-ms 5000 --jitter-ms 2000 --rpm 6000 --concurrency 700"
echo "| how the server enforces 6,000 RPM | ratio while sending | ratio end to end | 429s | rows | CPU s / 1k | peak heap | options |"
echo "|---|---|---|---|---|---|---|---|"
row "sliding 1 s, 800 ms" $fast --limit-style sliding --window-s 1
row "sliding 10 s, 800 ms" $fast --limit-style sliding --window-s 10
row "sliding 60 s, 800 ms" $fast --limit-style sliding --window-s 60
row "fixed 1 s, 800 ms" $fast --limit-style fixed --window-s 1
row "token bucket 1 s, 800 ms" $fast --limit-style bucket --window-s 1
row "sliding 1 s, 5 s" $slow --limit-style sliding --window-s 1
row "sliding 10 s, 5 s" $slow --limit-style sliding --window-s 10
row "sliding 60 s, 5 s" $slow --limit-style sliding --window-s 60
row "fixed 1 s, 5 s" $slow --limit-style fixed --window-s 1
row "token bucket 1 s, 5 s" $slow --limit-style bucket --window-s 1
row "sliding 1 s, limit from headers" $fast --limit-style sliding --unknown-limit
row "sliding 1 s, no headers, --rpm given" $fast --limit-style sliding --no-rate-headers
row "sliding 1 s, no headers, no --rpm" $fast --limit-style sliding --no-rate-headers --unknown-limit
row "TPM-bound (2M TPM, max_tokens 1000), sliding 1 s" --requests 3000 --latency-ms 800 --jitter-ms 200 --tpm 2000000 --max-tokens 1000 --concurrency 256 --limit-style sliding
row "TPM-bound (2M TPM, max_tokens 1000), token bucket 1 s" --requests 3000 --latency-ms 800 --jitter-ms 200 --tpm 2000000 --max-tokens 1000 --concurrency 256 --limit-style bucket
row "TPM-bound (300k TPM: 4.7 requests a window), sliding 1 s" --requests 600 --latency-ms 800 --jitter-ms 200 --tpm 300000 --max-tokens 1000 --concurrency 256 --limit-style sliding
row "2 worker processes, token bucket 1 s" --workers 2 $fast --limit-style bucket
row "4 worker processes, token bucket 1 s" --workers 4 $fast --limit-style bucket
row "4 worker processes, sliding 1 s" --workers 4 $fast --limit-style sliding
row "4 worker processes, fixed 1 s" --workers 4 $fast --limit-style fixed
long="--requests 20000 --latency-ms 800 --jitter-ms 200 --rpm 6000 --concurrency 256"
row "4 worker processes, sliding 1 s, 20,000 requests" --workers 4 $long --limit-style sliding
row "4 worker processes, token bucket 1 s, 20,000 requests" --workers 4 $long --limit-style bucket
