# test/bench/m4_r_methods.R: R forecast-package reference runs for m4_compare.sh.
#
#   Rscript m4_r_methods.R TRAIN_CSV PERIOD HORIZON METHOD CACHE_DIR IDS_FILE [--redo]
#
# METHOD is one of
#   ets         fit <- ets(y);        forecast(fit, h = HORIZON)$mean
#   thetaf      thetaf(y, h = HORIZON)$mean
#   auto.arima  fit <- auto.arima(y); forecast(fit, h = HORIZON)$mean
#   naive       naive(y, h = HORIZON)$mean   (fast stand-in to test the plumbing)
# with y <- ts(series, frequency = PERIOD) and the package defaults, for the
# series listed in IDS_FILE (one id a line), one after the other in this one R
# process.  Each series is timed by proc.time() around exactly the lines above
# (elapsed, and CPU = user + sys of this process); reading and writing files
# is not timed.
#
# CACHE_DIR holds the results, appended one series at a time so that an
# interrupted run (hourly auto.arima takes ~1 min CPU per series) keeps what it
# finished and a later call only computes the missing series:
#   forecasts.csv         series_id,step,yhat
#   forecasts_models.tsv  series_id, form, aicc (tab-separated; R's chosen model,
#                         untimed bookkeeping; for thetaf: seasonal/nonseasonal by
#                         thetaf's own 90 % test, recomputed outside the timing)
#   per_series.tsv        series_id, elapsed_s, cpu_s, run_started (UTC), finished
# A series counts as done only once its per_series.tsv row is written;
# partial rows of an interrupted series are dropped on the next call.  With
# --redo the listed series are computed again and replace their cached rows.
# The script is one { } block: R parses it whole before running it, so an edit
# of this file during a long run cannot change that run.
{
suppressPackageStartupMessages(library(forecast))

args <- commandArgs(trailingOnly = TRUE)
redo <- "--redo" %in% args
args <- args[args != "--redo"]
if (length(args) != 6)
	stop("usage: m4_r_methods.R TRAIN_CSV PERIOD HORIZON METHOD CACHE_DIR IDS_FILE [--redo]")
train_csv <- args[1]
m <- as.integer(args[2])
h <- as.integer(args[3])
method <- args[4]
dir <- args[5]
want <- readLines(args[6])
want <- want[nzchar(want)]
if (!method %in% c("ets", "thetaf", "auto.arima", "naive")) stop("unknown method ", method)
dir.create(dir, showWarnings = FALSE, recursive = TRUE)
f_fc <- file.path(dir, "forecasts.csv")
f_mod <- file.path(dir, "forecasts_models.tsv")
f_ser <- file.path(dir, "per_series.tsv")

# ---- existing cache: keep complete series only (minus --redo ones)
keep_lines <- function(path, header, ids, sep) {
	if (!file.exists(path)) return(header)
	l <- readLines(path, warn = FALSE)
	if (length(l) == 0) return(header)
	body <- l[-1]
	body <- body[sub(paste0(sep, ".*$"), "", body) %in% ids]
	c(header, body)
}
done <- character()
if (file.exists(f_ser)) {
	l <- readLines(f_ser, warn = FALSE)[-1]
	l <- l[lengths(strsplit(l, "\t", fixed = TRUE)) >= 4]
	done <- sub("\t.*$", "", l)
}
if (redo) done <- setdiff(done, want)
todo <- setdiff(want, done)
cat(sprintf("R %s: %d series wanted, %d cached, %d to compute\n", method, length(want),
            length(intersect(want, done)), length(todo)))
if (length(todo) == 0) quit(status = 0)
# rewrite the files with the complete, kept series only (drops a partial
# series of an interrupted run and the series to redo)
wr <- function(lines, path) { tmp <- paste0(path, ".tmp"); writeLines(lines, tmp); invisible(file.rename(tmp, path)) }
wr(keep_lines(f_fc, "series_id,step,yhat", done, ","), f_fc)
wr(keep_lines(f_mod, "series_id\tform\taicc", done, "\t"), f_mod)
wr(keep_lines(f_ser, "series_id\telapsed_s\tcpu_s\trun_started\tfinished", done, "\t"), f_ser)

train <- read.csv(train_csv, colClasses = c("character", "integer", "numeric"))
miss <- setdiff(todo, train$series_id)
if (length(miss)) stop("series not in ", train_csv, ": ", paste(head(miss), collapse = " "))
train <- train[train$series_id %in% todo, ]
train <- train[order(match(train$series_id, todo), train$t), ]
ys <- split(train$y, factor(train$series_id, levels = todo))

utc <- function() format(Sys.time(), "%Y-%m-%dT%H:%M:%SZ", tz = "UTC")
started <- utc()
tot_el <- 0
tot_cpu <- 0
for (k in seq_along(todo)) {
	id <- todo[k]
	y <- ts(ys[[id]], frequency = m)
	form <- NA_character_
	aicc <- NA_real_
	fit <- NULL
	err <- NULL
	t0 <- proc.time()
	f <- tryCatch(if (method == "ets") {
		fit <- ets(y)
		as.numeric(forecast(fit, h = h)$mean)
	} else if (method == "thetaf") {
		as.numeric(thetaf(y, h = h)$mean)
	} else if (method == "auto.arima") {
		fit <- auto.arima(y)
		as.numeric(forecast(fit, h = h)$mean)
	} else {
		as.numeric(naive(y, h = h)$mean)
	}, error = function(e) { err <<- conditionMessage(e); rep(NA_real_, h) })
	t1 <- proc.time()
	el <- unname(t1["elapsed"] - t0["elapsed"])
	cpu <- unname((t1["user.self"] - t0["user.self"]) + (t1["sys.self"] - t0["sys.self"]))
	tot_el <- tot_el + el
	tot_cpu <- tot_cpu + cpu
	# untimed bookkeeping
	if (!is.null(err)) {
		form <- paste("ERROR:", gsub("[\t\n]", " ", err))
		cat(sprintf("  %s: R %s failed: %s\n", id, method, err))
	} else if (method == "ets") {
		form <- fit$method
		aicc <- fit$aicc
	} else if (method == "auto.arima") {
		form <- forecast:::arima.string(fit, padding = FALSE)
		aicc <- fit$aicc
	} else if (method == "thetaf") {
		n <- length(y)
		seas <- FALSE
		if (m > 1 && !is.constant(y) && n > 2 * m) {
			r <- as.numeric(acf(y, lag.max = m, plot = FALSE)$acf)[-1]
			seas <- abs(r[m]) / sqrt((1 + 2 * sum(r[-m]^2)) / n) > qnorm(0.95)
		}
		form <- if (seas) "Theta seasonal" else "Theta nonseasonal"
	} else form <- "naive"
	if (length(f) != h) f <- rep(NA_real_, h)
	cat(sprintf("%s,%d,%.10g\n", id, seq_len(h), f), sep = "", file = f_fc, append = TRUE)
	cat(sprintf("%s\t%s\t%.8g\n", id, form, aicc), file = f_mod, append = TRUE)
	cat(sprintf("%s\t%.4f\t%.4f\t%s\t%s\n", id, el, cpu, started, utc()), file = f_ser, append = TRUE)
	if (method == "auto.arima" && m > 1)
		cat(sprintf("  [%d/%d] %s %s: %.1f s CPU, %.1f s wall\n", k, length(todo), id, form, cpu, el))
}
cat(sprintf("R %s: computed %d series in %.2f s wall (%.2f s CPU), %.2f series/CPU-s\n",
            method, length(todo), tot_el, tot_cpu, length(todo) / tot_cpu))
}
