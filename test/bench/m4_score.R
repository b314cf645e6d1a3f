# test/bench/m4_score.R: score M4 forecasts with sMAPE, MASE and OWA (vs Naive2).
#
#   Rscript m4_score.R [options] NAME=FORECASTS_CSV[@SERIES_PER_WALL_S[@SERIES_PER_CPU_S]] ...
#     --train FILE   training CSV (series_id,t,y)                    (required)
#     --test FILE    test CSV (series_id,t,y)                        (required)
#     --period M     period for MASE and the Naive2 seasonality test (required)
#     --horizon H    forecast horizon                                (required)
#     --limit N      score only the first N series in M4 order (0 = all)
#     --ref NAME     method whose series/s is the denominator of the speed ratios
#     --set NAME     "weekly"/"hourly": check Naive2 against the published values
#                    (only when all series are scored); exit 3 on mismatch
#     --detail FILE  write per-series sMAPE/MASE of every method to FILE
#
# FORECASTS_CSV has header series_id,step,yhat (step 1..H).  Definitions follow
# /work/shared/data/README.md and the M4 organisers' "Benchmarks and
# Evaluation.R" (SeasonalityTest, Benchmarks, smape_cal, mase_cal).  A method
# that lacks a forecast for some (series, step) or gives a non-finite one is
# NOT silently scored: those series are counted in column "bad" and scored
# with the Naive2 forecast instead, so the row is flagged and still comparable.

args <- commandArgs(trailingOnly = TRUE)
opt <- list(limit = "0", ref = "", set = "", detail = "")
methods <- character()
i <- 1
while (i <= length(args)) {
	a <- args[i]
	if (startsWith(a, "--")) {
		opt[[substring(a, 3)]] <- args[i + 1]
		i <- i + 2
	} else {
		methods <- c(methods, a)
		i <- i + 1
	}
}
for (k in c("train", "test", "period", "horizon"))
	if (is.null(opt[[k]])) stop("missing --", k)
m <- as.integer(opt$period)
h <- as.integer(opt$horizon)
limit <- as.integer(opt$limit)

train <- read.csv(opt$train, colClasses = c("character", "integer", "numeric"))
test <- read.csv(opt$test, colClasses = c("character", "integer", "numeric"))
ids <- unique(train$series_id)
if (limit > 0 && limit < length(ids)) ids <- ids[seq_len(limit)]
train <- train[train$series_id %in% ids, ]
test <- test[test$series_id %in% ids, ]
train <- train[order(match(train$series_id, ids), train$t), ]
test <- test[order(match(test$series_id, ids), test$t), ]
xs <- split(train$y, factor(train$series_id, levels = ids))
ys <- split(test$y, factor(test$series_id, levels = ids))
stopifnot(all(lengths(ys) == h))
# test t must continue the training t
last_t <- tapply(train$t, factor(train$series_id, levels = ids), max)
first_test_t <- tapply(test$t, factor(test$series_id, levels = ids), min)
stopifnot(all(first_test_t == last_t + 1))

# ---- M4 reference functions (Benchmarks and Evaluation.R) ----
SeasonalityTest <- function(input, ppy) {
	tcrit <- 1.645
	if (length(input) < 3 * ppy) return(FALSE)
	xacf <- acf(input, plot = FALSE)$acf[-1, 1, 1]
	clim <- tcrit / sqrt(length(input)) * sqrt(cumsum(c(1, 2 * xacf^2)))
	st <- abs(xacf[ppy]) > clim[ppy]
	if (is.na(st)) FALSE else st
}
naive2 <- function(x, ppy, fh) {
	input <- ts(x, frequency = ppy)
	st <- if (ppy > 1) SeasonalityTest(input, ppy) else FALSE
	if (st) {
		dec <- decompose(input, type = "multiplicative")
		des <- input / dec$seasonal
		n <- length(dec$seasonal)
		si <- head(rep(dec$seasonal[(n - ppy + 1):n], fh), fh)
	} else {
		des <- input
		si <- rep(1, fh)
	}
	rep(as.numeric(tail(des, 1)), fh) * si     # naive(des, h)$mean * SIout
}
smape_cal <- function(outsample, forecasts)
	200 * abs(outsample - forecasts) / (abs(outsample) + abs(forecasts))
mase_scale <- function(insample, frq) {
	n <- length(insample)
	mean(abs(insample[(frq + 1):n] - insample[1:(n - frq)]))
}

scale <- vapply(xs, mase_scale, 0, frq = m)
n2 <- lapply(xs, naive2, ppy = m, fh = h)
n_seasonal <- if (m > 1) sum(vapply(xs, function(x) SeasonalityTest(ts(x, frequency = m), m), TRUE)) else 0

score <- function(fc) {
	sm <- mapply(function(y, f) mean(smape_cal(y, f)), ys, fc)
	ms <- mapply(function(y, f, s) mean(abs(y - f)) / s, ys, fc, scale)
	list(smape = mean(sm), mase = mean(ms), per_smape = sm, per_mase = ms)
}

read_fc <- function(path) {
	d <- read.csv(path, colClasses = c("character", "integer", "numeric"))
	names(d) <- c("series_id", "step", "yhat")
	fc <- vector("list", length(ids))
	names(fc) <- ids
	bad <- character()
	key <- paste(d$series_id, d$step)
	if (anyDuplicated(key)) stop(path, ": duplicate (series_id, step) rows")
	d <- d[d$series_id %in% ids & d$step >= 1 & d$step <= h, ]
	byid <- split(d, factor(d$series_id, levels = ids))
	for (k in seq_along(ids)) {
		s <- byid[[k]]
		f <- rep(NA_real_, h)
		f[s$step] <- s$yhat
		if (any(!is.finite(f))) {
			bad <- c(bad, ids[k])
			f <- n2[[k]]
		}
		fc[[k]] <- f
	}
	list(fc = fc, bad = bad)
}

rows <- list()
detail <- data.frame(series_id = ids, n = lengths(xs),
                     naive2_smape = NA_real_, naive2_mase = NA_real_)
sn2 <- score(n2)
detail$naive2_smape <- sn2$per_smape
detail$naive2_mase <- sn2$per_mase
rows[["Naive2"]] <- list(smape = sn2$smape, mase = sn2$mase, rate = NA, crate = NA, bad = 0)
rates <- c()
for (spec in methods) {
	name <- sub("=.*$", "", spec)
	rest <- sub("^[^=]*=", "", spec)
	parts <- strsplit(rest, "@", fixed = TRUE)[[1]]
	rate <- if (length(parts) >= 2) as.numeric(parts[2]) else NA
	crate <- if (length(parts) >= 3) as.numeric(parts[3]) else NA
	r <- read_fc(parts[1])
	s <- score(r$fc)
	rows[[name]] <- list(smape = s$smape, mase = s$mase, rate = rate, crate = crate, bad = length(r$bad))
	detail[[paste0(name, "_smape")]] <- s$per_smape
	detail[[paste0(name, "_mase")]] <- s$per_mase
	if (length(r$bad))
		cat(sprintf("WARNING: %s: %d series without a complete finite forecast (scored with Naive2): %s\n",
		            name, length(r$bad), paste(head(r$bad, 20), collapse = " ")))
}

ref <- if (nzchar(opt$ref)) rows[[opt$ref]] else NULL
ref_rate <- if (is.null(ref)) NA else ref$rate
ref_crate <- if (is.null(ref)) NA else ref$crate
f2 <- function(x) if (is.na(x)) "-" else sprintf("%.2f", x)
fx <- function(a, b) if (is.na(a) || is.na(b)) "-" else sprintf("%.2fx", a / b)
cat(sprintf("series scored: %d, horizon %d, MASE/Naive2 period %d, Naive2 seasonal series: %d\n",
            length(ids), h, m, n_seasonal))
cat(sprintf("%-30s %7s %7s %6s %9s %9s %10s %10s %4s\n", "method", "sMAPE", "MASE", "OWA",
            "series/s", "vs_ref", "series/CPUs", "vs_ref(CPU)", "bad"))
for (name in names(rows)) {
	r <- rows[[name]]
	owa <- (r$smape / sn2$smape + r$mase / sn2$mase) / 2
	cat(sprintf("%-30s %7.3f %7.3f %6.3f %9s %9s %10s %10s %4d\n", name, r$smape, r$mase, owa,
	            f2(r$rate), fx(r$rate, ref_rate), f2(r$crate), fx(r$crate, ref_crate), r$bad))
}

if (nzchar(opt$detail)) write.csv(detail, opt$detail, row.names = FALSE)

published <- list(weekly = c(9.161, 2.777), hourly = c(18.383, 2.395))
if (nzchar(opt$set) && !is.null(published[[opt$set]])) {
	p <- published[[opt$set]]
	if (limit > 0 && limit < length(unique(read.csv(opt$train)$series_id))) {
		cat("Naive2 check vs published values: skipped (--limit: not all series)\n")
	} else {
		ok <- round(sn2$smape, 3) == p[1] && round(sn2$mase, 3) == p[2]
		cat(sprintf("Naive2 check vs published (sMAPE %.3f, MASE %.3f): got %.3f / %.3f -> %s\n",
		            p[1], p[2], sn2$smape, sn2$mase, if (ok) "OK" else "MISMATCH"))
		if (!ok) quit(status = 3)
	}
}
