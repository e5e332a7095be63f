#!/usr/bin/env bash
# CPU vs GPU for the training scripts of tracks C and G (not a test). Run on a GPU host from the repository root,
# with the wheelhouse of ../shared/gpu/ in .whl/ (make-wheelhouse.sh equinox blackjax anywidget tqdm threadpoolctl
# jaxtyping wadler-lindig scikit-learn joblib). Writes $OUT/gpu_training.json (one record per run: script, mode,
# backend, seconds, sha256 of what it wrote) and the scripts' logs; prints a table last.
#   fast mode on the GPU = the shipped checkpoints' sizes (compare with the CPU times in their data READMEs);
#   full mode on the GPU = config.size's gpu= sizes (a bigger model, more steps).
set -u
OUT=${OUT:-build/gpu}
mkdir -p "$OUT"
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target "$PWD/.site" .whl/*.whl \
  && export PYTHONPATH=$PWD/.site:$PWD/lib PATH=$PWD/.site/bin:$PATH || exit 1
export PRIORSCOPE_JAX_CACHE=off PRIORSCOPE_PROGRESS=off
python3 -c "import jax, priorscope; print(jax.__version__, jax.devices())"
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader | tee "$OUT/gpu.txt"
records="$OUT/gpu_training.jsonl"; : > "$records"
run() {  # run NAME MODE LIMIT_S CMD...
  local name=$1 mode=$2 limit=$3; shift 3
  local t0=$(date +%s.%N)
  PRIORSCOPE_MODE=$mode timeout "$limit" "$@" > "$OUT/$name-$mode.log" 2>&1; local rc=$?
  local t1=$(date +%s.%N)
  python3 - "$name" "$mode" "$rc" "$t0" "$t1" "$OUT/$name-$mode.log" >> "$records" <<'PY'
import json, re, sys
name, mode, rc, t0, t1, log = sys.argv[1:]
text = open(log).read()
print(json.dumps({"run": name, "mode": mode, "rc": int(rc), "seconds": round(float(t1) - float(t0), 1),
                  "sha256": re.findall(r"\b[0-9a-f]{64}\b", text)[-6:], "tail": text[-400:]}))
PY
  echo "$name $mode rc=$rc $(python3 -c "print(round($t1-$t0,1))") s"
}
run pfn_gp fast 120 python3 tools/train_pfn.py pfn_gp
run dt_gmm fast 80 python3 tools/train_pfn.py dt_gmm
run pvrnn fast 120 python3 tools/train_pvrnn.py --out "$OUT/pvrnn_sweep.npz"
run minds_lm fast 120 python3 tools/train_minds_lm.py --out "$OUT/minds_lm"
run pfn_gp full 90 python3 tools/train_pfn.py pfn_gp
git status --short data | head -5  # train_pfn writes into data/amortized: what changed there on the GPU
cat "$records" | python3 -c "
import json, sys
for r in map(json.loads, sys.stdin):
    print(f\"{r['run']:10s} {r['mode']:5s} rc={r['rc']:3d} {r['seconds']:7.1f} s  {' '.join(h[:12] for h in r['sha256'][-2:])}\")"
