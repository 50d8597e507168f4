#!/usr/bin/env bash
# Makes the .sav files of tests/cli/tab_sav.test (committed; run again only
# to change them): small files written by R haven with one fault each, and
# two made from hoshi's own .sav of tests/data/tab (cut short; a document
# line with a type hoshi does not know).
# usage: bash tests/data/tab/sav/make.sh PATH/TO/hoshi
set -eu
bin=${1:?usage: make.sh PATH/TO/hoshi}
cd "$(dirname "$0")"
Rscript - <<'R'
suppressMessages(library(haven))
w <- function(df, f) write_sav(df, f)
# a name hoshi cannot take as a question id
w(data.frame(id = 1:2, `Q#1` = labelled(c(1, 2), c(a = 1, b = 2)), check.names = FALSE), "bad_name.sav")
# a value with no label in a labelled variable (respondent 3)
w(data.frame(id = 1:3, q = labelled(c(1, 2, 3), c("はい" = 1, "いいえ" = 2), label = "質問")), "not_code.sav")
# a value label that is not a whole number
w(data.frame(id = 1:2, q = labelled(c(1, 2), c(a = 1, b = 1.5))), "frac_label.sav")
# numbers 0, 1, 2 (an MA variable of a codebook holds 0 or 1)
w(data.frame(id = 1:3, M_1 = c(0, 1, 2), M_2 = c(1, 0, 0)), "m012.sav")
# a string, a number and a labelled code
w(data.frame(id = 1:2, memo = c("あ", "い"), n = c(1.5, 2), q = labelled(c(1, 2), c(a = 1, b = 2))), "plain.sav")
R
"$bin" import --codebook ../cb.csv --data ../data.csv --out cb.sav
head -c 600 cb.sav >truncated.sav
python3 - <<'PY'
b = open("cb.sav", "rb").read()
i = b.index(b"hoshi:Q2 MA ")
open("bad_note.sav", "wb").write(b[:i] + b"hoshi:Q2 XA " + b[i + 12:])
PY
rm cb.sav
