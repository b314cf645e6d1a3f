#!/bin/bash
# test/bench/tourism_ets_forms/run.sh: is the MinT gap of the tourism benchmark
# (forecastin ETS 0.987 vs R ets 0.986) a defect of our ETS kernel?  Fits all 15
# ETS forms to every one of the 389 training series (quarters before 2016) with
# forecastin's kernel (etsform.c: fc_ets_fit_form / fc_ets_auto, no server) and
# with R's forecast::ets (rforms.R; restrict = FALSE so every form is fitted),
# then compares AICc form by form (compare.py).  Held-out quarters are not read.
# Output: test/bench/results/tourism_ets_forms_vs_R.txt.  R takes ~5 min.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$HERE/../../../src
W=/tmp/recB
mkdir -p $W
Rscript "$HERE/train.R"
sed 's/"//g' $W/train.csv > $W/train_nq.csv
gcc -O2 -std=gnu99 -DFC_STANDALONE -I"$SRC" -o $W/etsform "$HERE/etsform.c" "$SRC/ets.c" "$SRC/optim.c" -lm
$W/etsform $W/train_nq.csv > $W/ours.txt
Rscript "$HERE/rforms.R"
(cd $W && python3 "$HERE/compare.py")
