# test/bench/m4_r_ets.R: R forecast::ets reference run for the M4 benchmark.
#
#   Rscript m4_r_ets.R TRAIN_CSV PERIOD HORIZON LIMIT OUT_FORECASTS_CSV OUT_TIMING [METHOD]
#
# Reads TRAIN_CSV (series_id,t,y; M4 order), keeps the first LIMIT series
# (0 = all), and for each series runs
#     fit <- ets(ts(y, frequency = PERIOD)); forecast(fit, h = HORIZON)$mean
# one process, one series after the other.  Only the fit+forecast loop is
# timed (CSV reading and writing are not), as the SQL side times only the
# fit+forecast query.  METHOD = "ets" (default) or "naive" (a fast stand-in
# used to test the pipeline).
#
# Writes OUT_FORECASTS_CSV (series_id,step,yhat), <OUT_FORECASTS>_models.tsv
# (series_id, form, aicc tab-separated: R's chosen ETS form, untimed bookkeeping) and OUT_TIMING, a
# key=value file: series, elapsed_s, cpu_s (user+sys of this process),
# started (UTC), r_version, forecast_version, method.
suppressPackageStartupMessages(library(forecast))

args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 6)
	stop("usage: m4_r_ets.R TRAIN_CSV PERIOD HORIZON LIMIT OUT_FORECASTS_CSV OUT_TIMING [METHOD]")
train_csv <- args[1]
m <- as.integer(args[2])
h <- as.integer(args[3])
limit <- as.integer(args[4])
out_fc <- args[5]
out_timing <- args[6]
method <- if (length(args) >= 7) args[7] else "ets"

train <- read.csv(train_csv, colClasses = c("character", "integer", "numeric"))
ids <- unique(train$series_id)                # file order = M4 order
if (limit > 0 && limit < length(ids)) ids <- ids[seq_len(limit)]
train <- train[train$series_id %in% ids, ]
train <- train[order(match(train$series_id, ids), train$t), ]
ys <- split(train$y, factor(train$series_id, levels = ids))

fc <- vector("list", length(ids))
form <- rep(NA_character_, length(ids))
aicc <- rep(NA_real_, length(ids))
started <- format(Sys.time(), "%Y-%m-%dT%H:%M:%SZ", tz = "UTC")
t0 <- proc.time()
for (i in seq_along(ids)) {
	y <- ts(ys[[i]], frequency = m)
	fc[[i]] <- if (method == "ets") {
		fit <- ets(y)
		form[i] <- fit$method
		aicc[i] <- fit$aicc
		as.numeric(forecast(fit, h = h)$mean)
	} else if (method == "naive") {
		as.numeric(naive(y, h = h)$mean)
	} else stop("unknown method ", method)
}
t1 <- proc.time()

out <- data.frame(series_id = rep(ids, each = h),
                  step = rep(seq_len(h), length(ids)),
                  yhat = unlist(fc))
write.csv(out, out_fc, row.names = FALSE, quote = FALSE)
write.table(data.frame(series_id = ids, form = form, aicc = aicc),
            paste0(sub("\\.csv$", "", out_fc), "_models.tsv"), sep = "\t", quote = FALSE, row.names = FALSE)
el <- unname(t1["elapsed"] - t0["elapsed"])
cpu <- unname((t1["user.self"] - t0["user.self"]) + (t1["sys.self"] - t0["sys.self"]))
writeLines(c(sprintf("series=%d", length(ids)),
             sprintf("elapsed_s=%.3f", el),
             sprintf("cpu_s=%.3f", cpu),
             sprintf("started=%s", started),
             sprintf("r_version=%s", paste(R.version$major, R.version$minor, sep = ".")),
             sprintf("forecast_version=%s", as.character(packageVersion("forecast"))),
             sprintf("method=%s", method)),
           out_timing)
cat(sprintf("R %s: %d series in %.2f s wall (%.2f s CPU), %.2f series/s\n",
            method, length(ids), el, cpu, length(ids) / el))
