# The peer of bench/weightbench.c: R's survey::rake on the same generated
# survey (DIR/rake.csv, DIR/rake_targets.csv), to the same tolerance of the
# margins (1e-9 of the total).  Reading the CSV is not timed; svydesign()
# and rake() are (best of REPEATS).  Prints "key value" lines.
#   usage: Rscript bench/weights_peer.R DIR [REPEATS]
suppressMessages(library(survey))
args <- commandArgs(TRUE)
dir <- args[1]
reps <- if (length(args) > 1) as.integer(args[2]) else 3
d <- read.csv(file.path(dir, "rake.csv"))
tg <- read.csv(file.path(dir, "rake_targets.csv"))
n <- nrow(d)
d$A <- factor(d$A, levels = 1:20)
d$B <- factor(d$B, levels = 1:20)
pm <- lapply(c("A", "B"), function(v) {
  t <- tg[tg$variable == v, ]
  df <- data.frame(factor(t$code, levels = 1:20), t$target * n)
  names(df) <- c(v, "Freq")
  df
})
best <- Inf
for (i in 0:reps) {
  t0 <- proc.time()[["elapsed"]]
  des <- svydesign(ids = ~1, weights = ~1, data = d)
  des <- rake(des, list(~A, ~B), pm, control = list(maxit = 1000, epsilon = 1e-9))
  el <- proc.time()[["elapsed"]] - t0
  best <- min(best, el)
}
cat(sprintf("r_rake_rows %d\nr_rake_seconds %.4f\n", n, best))
