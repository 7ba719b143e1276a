#!/usr/bin/env bash
# Benchmarks (issue 6): build, provision n8n (idempotent), run B1, B2, B2 in queue mode and B3,
# print every table and, at the end, every goal line again.
#   bash scripts/bench.sh            all four
#   bash scripts/bench.sh b2q b3     some of them (b1, b2, b2q, b3)
# b2q installs and starts Redis, Postgres and nginx (scripts/queue-services.sh: root, apt-get).
# Knobs: BENCH_DURATION_S (B2 and B2q, default 15), BENCH_B2_PHASES (default main,levers,engine;
# levers-lazy adds the levers under lazy acquire), BENCH_B2_SIDE_DURATION_S (B2's levers and engine
# comparisons, default 8), BENCH_ITEMS / BENCH_MEMORY_ITEMS / BENCH_B3_ROUNDS (B3),
# BENCH_SKIP_BUILD=1 to reuse dist/.
set -euo pipefail
cd "$(dirname "$0")/.."

benches=("$@")
[ ${#benches[@]} -gt 0 ] || benches=(b1 b2 b2q b3)
for b in "${benches[@]}"; do
  case "$b" in b1|b2|b2q|b3) ;; *) echo "unknown benchmark '$b' (expected b1, b2, b2q or b3)" >&2; exit 2 ;; esac
done

[ -d node_modules ] || npm ci
if [ "${BENCH_SKIP_BUILD:-}" != "1" ]; then
  npm run build >&2
fi
needs_n8n=0
for b in "${benches[@]}"; do [ "$b" = b1 ] || needs_n8n=1; done
if [ "$needs_n8n" = 1 ]; then
  source scripts/lib/provisioned-n8n.sh
fi

declare -A script=([b1]=bench/b1-core.mjs [b2]=bench/b2-trigger.mjs [b2q]=bench/b2-queue.mjs [b3]=bench/b3-sender.mjs)
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
status=0
for b in "${benches[@]}"; do
  echo
  echo "=== $b: node ${script[$b]} ($(date -u +%FT%TZ)) ==="
  if ! node "${script[$b]}" 2>&1 | tee "$out/$b.txt"; then
    status=1
    echo "goal $b: did not finish (see its output above) MISSED" | tee -a "$out/$b.txt"
  fi
done

echo
echo "=== goals ($(date -u +%FT%TZ)) ==="
cat "$out"/*.txt | grep -E '^(machine:|goal )' || true
exit "$status"
