#!/usr/bin/env bash
# Rebuild the LongLens model from scratch: corpus -> tokenizer -> data -> train (rope, drope, repo)
# -> fit DroPE's temperature and local heads -> export ONNX + parity vectors. `--smoke` runs it all at toy size into
# the cache (the shipped models/ and test fixtures are only written by a full run). Other options go to
# train.py, e.g. on a GPU: --device cuda --batch 128 --lr 1.5e-3 --ckpt-every 2000 --time-budget 470.
# Every step is resumable: rerunning continues from the last checkpoint.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
smoke=""
train_args=()
for arg in "$@"; do
  case "$arg" in
    --smoke) smoke="--smoke" ;;
    *) train_args+=("$arg") ;;
  esac
done
cache="${LONGLENS_CACHE:-$HOME/.cache/longlens}"
venv="${LONGLENS_VENV:-$cache/venv}"
if [ ! -x "$venv/bin/python" ]; then
  echo "== creating the training virtualenv at $venv"
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install -q --disable-pip-version-check -r "$here/requirements.txt"
py="$venv/bin/python"
cd "$here"
"$py" train.py $smoke "${train_args[@]}" --check-args  # a mistyped option fails now, not after the corpus
echo "== corpus";    "$py" corpus.py $smoke
echo "== tokenizer"; "$py" tokenizer_train.py $smoke
echo "== data";      "$py" prepare.py $smoke
echo "== train";     "$py" train.py $smoke "${train_args[@]}"
echo "== fit beta";  "$py" fit_beta.py $smoke
echo "== fit local heads"; "$py" fit_local_heads.py $smoke
run="$cache/training${smoke:+/smoke}/run"
if [ -n "$smoke" ]; then
  out="$run/export"; fixtures="$run/export/fixtures"; tokenizer="$cache/training/smoke/tokenizer.json"
else
  out="$root/models"; fixtures="$root/test/fixtures"; tokenizer="$root/models/tokenizer.json"
fi
echo "== export";    "$py" export.py --checkpoint "$run/repo.pt" --rope-checkpoint "$run/rope.pt" \
  --out "$out" --fixtures "$fixtures" --tokenizer "$tokenizer" --summary "$run/summary.json"
echo "== done: $out"
