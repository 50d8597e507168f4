#!/usr/bin/env bash
# SPSS .sav files against R haven (Debian r-cran-haven), both ways:
#   hoshi -> R   `hoshi import --out F.sav` from a codebook and CSV data of
#                every question type; haven::read_sav reads it and every
#                value, variable label (attr "label"), value label (attr
#                "labels") and type is checked against the source files;
#   R -> hoshi   haven::write_sav writes labelled vectors (value labels,
#                a user-missing code, no labels, strings, missing values);
#                `hoshi tab --data F.sav` tabulates it with no codebook and
#                every N and percentage is compared with R's own counts
#                (percentages to 0.05, the rounding of one decimal; N, min
#                and max exactly; mean and median to 0.05).
# Prints ok/FAIL lines.
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
bin=${HOSHI:-$here/build/hoshi}
d=$here/tests/data/tab
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
if ! command -v Rscript >/dev/null || ! Rscript -e 'library(haven)' >/dev/null 2>&1; then
    echo "FAIL tab_sav_haven: Rscript with haven is not installed (make deps installs r-cran-haven)"
    exit 1
fi

# ---- hoshi -> R ----
for set in cb:data diag_cb:diag rich_cb:rich; do
    cb=$d/${set%%:*}.csv data=$d/${set##*:}.csv
    if ! "$bin" import --codebook "$cb" --data "$data" --out "$tmp/h.sav" 2>"$tmp/err"; then
        echo "FAIL haven ${set##*:}: hoshi import failed: $(head -c 300 "$tmp/err")"
        continue
    fi
    Rscript - "$cb" "$data" "$tmp/h.sav" "${set##*:}" <<'EOF'
suppressMessages(library(haven))
a <- commandArgs(TRUE)
cb <- read.csv(a[1], colClasses = "character", encoding = "UTF-8", check.names = FALSE)
raw <- readBin(a[2], "raw", file.size(a[2]))
txt <- if (any(raw >= as.raw(0x80)) && !validUTF8(rawToChar(raw))) iconv(rawToChar(raw), "CP932", "UTF-8") else rawToChar(raw)
data <- read.csv(text = sub("^\ufeff", "", txt), colClasses = "character", check.names = FALSE)
sav <- read_sav(a[3], user_na = TRUE)
tag <- a[4]
bad <- character(0)
fail <- function(...) bad <<- c(bad, paste0(...))
num_or_na <- function(x) ifelse(x == "", NA_real_, suppressWarnings(as.numeric(x)))
if (!identical(as.character(sav$id), data$id) && !identical(as.numeric(sav$id), as.numeric(data$id)))
  fail("id differs")
notes <- attr(sav, "notes")
for (qid in unique(cb$qid)) {
  rows <- cb[cb$qid == qid, ]
  type <- rows$type[1]; title <- rows$label[rows$code == ""]
  codes <- rows[rows$code != "" & !startsWith(rows$code, "item:"), ]
  items <- rows[startsWith(rows$code, "item:"), ]
  if (type == "DIAG" && nrow(items) == 0)
    items <- data.frame(code = paste0("item:", 1:25), label = as.character(1:25))
  want_labels <- setNames(as.numeric(codes$code), codes$label)
  same_labels <- function(x) {
    got <- attr(x, "labels")
    !is.null(got) && identical(unname(as.numeric(got)), unname(want_labels)) &&
      identical(names(got), names(want_labels))
  }
  if (type %in% c("MA", "GRID", "DIAG") &&
      !any(startsWith(notes, paste0("hoshi:", qid, " ", type, " "))))
    fail(qid, ": no document line for the ", type, " question")
  if (type %in% c("SA", "NUM", "FA")) {
    x <- sav[[qid]]
    if (is.null(x)) { fail(qid, ": no variable"); next }
    if (!identical(attr(x, "label"), title)) fail(qid, ": variable label ", attr(x, "label"))
    src <- data[[qid]]
    if (type == "SA") {
      if (!is.labelled(x) || !same_labels(x)) fail(qid, ": value labels")
      if (!identical(as.numeric(zap_labels(x)), num_or_na(src))) fail(qid, ": values")
    } else if (type == "NUM") {
      if (!is.numeric(x) || is.labelled(x)) fail(qid, ": not a plain number")
      if (!isTRUE(all.equal(as.numeric(x), num_or_na(src)))) fail(qid, ": values")
    } else {
      if (!is.character(x)) fail(qid, ": not a string")
      if (!identical(as.character(x), src)) fail(qid, ": texts")
    }
  } else if (type == "MA") {
    cols <- paste0(qid, "_", codes$code)
    chosen <- sapply(cols, function(c) num_or_na(data[[c]]) %in% 1)
    none <- rowSums(matrix(chosen, nrow = nrow(data))) == 0
    for (k in seq_along(cols)) {
      x <- sav[[cols[k]]]
      if (is.null(x)) { fail(cols[k], ": no variable"); next }
      if (!identical(attr(x, "label"), codes$label[k])) fail(cols[k], ": variable label")
      want <- ifelse(none, NA_real_, as.numeric(chosen[, k]))
      if (!identical(as.numeric(x), want)) fail(cols[k], ": values")
    }
  } else {
    for (k in seq_len(nrow(items))) {
      col <- paste0(qid, "_", sub("item:", "", items$code[k]))
      x <- sav[[col]]
      if (is.null(x)) { fail(col, ": no variable"); next }
      if (!identical(attr(x, "label"), items$label[k])) fail(col, ": variable label")
      if (!is.labelled(x) || !same_labels(x)) fail(col, ": value labels")
      if (!identical(as.numeric(zap_labels(x)), num_or_na(data[[col]]))) fail(col, ": values")
    }
  }
}
if (length(bad)) {
  cat("FAIL haven ", tag, ": hoshi's .sav read by R differs from the source\n", sep = "")
  cat(paste0("  ", head(bad, 10), "\n"), sep = "")
} else {
  cat("ok   haven ", tag, ": ", ncol(sav), " variables of ", nrow(sav),
      " respondents read by R with their labels and types\n", sep = "")
}
EOF
done

# ---- R -> hoshi ----
Rscript - "$tmp/r.sav" <<'EOF'
suppressMessages(library(haven))
set.seed(20181)
n <- 500
size <- sample(c(1, 2, 3, NA), n, TRUE, prob = c(.5, .3, .15, .05))
q2 <- sample(c(1, 2, 3, 99), n, TRUE, prob = c(.4, .3, .2, .1))
q2[sample(n, 10)] <- NA
score <- round(rnorm(n, 60, 15), 1); score[sample(n, 25)] <- NA
memo <- sample(c("", "特になし", "対策を進めたい, \"早急に\"", "多い\n改行"), n, TRUE)
df <- data.frame(id = sprintf("R%04d", 1:n))
df$size <- labelled(size, c("小規模" = 1, "中規模" = 2, "大規模" = 3), label = "従業員規模")
df$q2 <- labelled_spss(q2, c("はい" = 1, "いいえ" = 2, "わからない" = 3, "無回答" = 99),
                       na_values = 99, label = "対策の実施")
df$score <- labelled(score, label = "自己診断の点数")
df$memo <- labelled(memo, label = "自由回答")
write_sav(df, commandArgs(TRUE)[1])
EOF
for args in "--head size" "--head q2" "--side size --head q2" "--head score" "--side size --head score"; do
    # shellcheck disable=SC2086
    if ! "$bin" tab --data "$tmp/r.sav" $args >"$tmp/t.csv" 2>"$tmp/err"; then
        echo "FAIL haven R->hoshi $args: $(head -c 300 "$tmp/err")"
        continue
    fi
    Rscript - "$tmp/r.sav" "$tmp/t.csv" "$args" <<'EOF'
suppressMessages(library(haven))
a <- commandArgs(TRUE)
df <- read_sav(a[1], user_na = TRUE)
got <- read.csv(a[2], check.names = FALSE, colClasses = "character", encoding = "UTF-8")
words <- strsplit(a[3], " ")[[1]]
head_var <- words[which(words == "--head") + 1]
side_var <- if ("--side" %in% words) words[which(words == "--side") + 1] else NA
bad <- character(0)
fail <- function(...) bad <<- c(bad, paste0(...))
h <- df[[head_var]]
answered <- function(x) !is.na(x) & !(as.numeric(zap_labels(x)) %in% attr(x, "na_values"))
groups <- list("全体" = rep(TRUE, nrow(df)))
if (!is.na(side_var)) {
  s <- df[[side_var]]
  labs <- attr(s, "labels")
  for (k in seq_along(labs)) groups[[names(labs)[k]]] <- !is.na(s) & s == labs[k]
}
if (!identical(got[[1]], names(groups))) fail("rows ", paste(got[[1]], collapse = "|"))
for (g in names(groups)) {
  sel <- groups[[g]]
  row <- got[got[[1]] == g, ]
  if (nrow(row) != 1) next
  if (is.null(attr(h, "labels"))) {
    v <- as.numeric(h[sel & answered(h)])
    if (as.numeric(row$N) != length(v)) fail(g, ": N ", row$N, " vs ", length(v))
    r1 <- function(x) floor(x * 10 + 0.5) / 10
    if (abs(as.numeric(row$mean) - r1(mean(v))) > 0.05 + 1e-9) fail(g, ": mean")
    if (abs(as.numeric(row$median) - r1(median(v))) > 0.05 + 1e-9) fail(g, ": median")
    if (as.numeric(row$min) != min(v) || as.numeric(row$max) != max(v)) fail(g, ": min/max")
    next
  }
  N <- sum(sel)
  if (as.numeric(row$N) != N) fail(g, ": N ", row$N, " vs ", N)
  labs <- attr(h, "labels")
  labs <- labs[!(labs %in% attr(h, "na_values"))]
  for (k in seq_along(labs)) {
    want <- 100 * sum(sel & answered(h) & h == labs[k]) / N
    if (is.null(row[[names(labs)[k]]])) { fail("no column ", names(labs)[k]); next }
    if (abs(as.numeric(row[[names(labs)[k]]]) - want) > 0.05 + 1e-9)
      fail(g, " ", names(labs)[k], ": ", row[[names(labs)[k]]], " vs ", want)
  }
  miss <- 100 * sum(sel & !answered(h)) / N
  if (abs(as.numeric(row[["無回答"]]) - miss) > 0.05 + 1e-9) fail(g, " 無回答")
}
if (length(bad)) {
  cat("FAIL haven R->hoshi ", a[3], "\n", sep = "")
  cat(paste0("  ", head(bad, 10), "\n"), sep = "")
} else {
  cat("ok   haven R->hoshi ", a[3], ": ", nrow(got), " rows as R counts them\n", sep = "")
}
EOF
done
# the strings and ids of R's file survive hoshi import --out .sav
if "$bin" import --data "$tmp/r.sav" --out "$tmp/r2.sav" 2>"$tmp/err"; then
    Rscript -e 'suppressMessages(library(haven)); a <- commandArgs(TRUE); x <- read_sav(a[1]); y <- read_sav(a[2])
      ok <- identical(as.character(x$memo), as.character(y$memo)) && identical(x$id, y$id) &&
            identical(attr(y$memo, "label"), "自由回答")
      cat(if (ok) "ok   " else "FAIL ", "haven R->hoshi->R: free answers and ids come back the same\n", sep = "")' \
        "$tmp/r.sav" "$tmp/r2.sav"
else
    echo "FAIL haven R->hoshi->R: import failed: $(head -c 300 "$tmp/err")"
fi
