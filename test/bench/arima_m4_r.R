# test/bench/arima_m4_r.R: R forecast::auto.arima reference run for arima_m4.sh
#
#   Rscript arima_m4_r.R TRAIN_CSV PERIOD HORIZON OUT_PREFIX [SUBSET_N SEED]
#
# For each series (M4 order; or a random subset of SUBSET_N series drawn with
# set.seed(SEED), kept in M4 order) runs
#     fit <- auto.arima(ts(y, frequency = PERIOD)); forecast(fit, h = HORIZON)
# with the package defaults, one series after the other in this one process,
# timing only the fit+forecast (proc.time per series).  Writes, appending as
# it goes (so a partial run is usable):
#   OUT_PREFIX_fc.csv      series_id,step,yhat
#   OUT_PREFIX_models.csv  series_id,p,d,q,P,D,Q,m,drift,constant,aicc,loglik,elapsed_s,cpu_s
# and OUT_PREFIX_info.txt (start time, versions, series count) at the end.
suppressPackageStartupMessages(library(forecast))
args <- commandArgs(trailingOnly = TRUE)
train_csv <- args[1]; m <- as.integer(args[2]); h <- as.integer(args[3]); pre <- args[4]
train <- read.csv(train_csv, colClasses = c("character", "integer", "numeric"))
ids <- unique(train$series_id)
if (length(args) >= 6) {
	set.seed(as.integer(args[6]))
	k <- as.integer(args[5])
	if (k > 0 && k < length(ids)) ids <- ids[sort(sample(length(ids), k))]
}
ys <- split(train$y, factor(train$series_id, levels = unique(train$series_id)))
started <- format(Sys.time(), "%Y-%m-%dT%H:%M:%SZ", tz = "UTC")
fcf <- paste0(pre, "_fc.csv"); mf <- paste0(pre, "_models.csv")
cat("series_id,step,yhat\n", file = fcf)
cat("series_id,p,d,q,P,D,Q,m,drift,constant,aicc,loglik,elapsed_s,cpu_s\n", file = mf)
tot_el <- 0; tot_cpu <- 0
for (id in ids) {
	y <- ts(ys[[id]], frequency = m)
	t0 <- proc.time()
	fit <- auto.arima(y)
	f <- as.numeric(forecast(fit, h = h)$mean)
	t1 <- proc.time()
	el <- unname(t1["elapsed"] - t0["elapsed"])
	cpu <- unname(t1["user.self"] - t0["user.self"] + t1["sys.self"] - t0["sys.self"])
	tot_el <- tot_el + el; tot_cpu <- tot_cpu + cpu
	a <- fit$arma
	cat(sprintf("%s,%d,%.10g\n", id, seq_len(h), f), sep = "", file = fcf, append = TRUE)
	cat(sprintf("%s,%d,%d,%d,%d,%d,%d,%d,%d,%d,%.8g,%.8g,%.4f,%.4f\n", id, a[1], a[6], a[2], a[3], a[7], a[4], a[5],
	            "drift" %in% names(coef(fit)), "intercept" %in% names(coef(fit)), fit$aicc, fit$loglik, el, cpu),
	    file = mf, append = TRUE)
}
writeLines(c(sprintf("series=%d", length(ids)), sprintf("elapsed_s=%.3f", tot_el), sprintf("cpu_s=%.3f", tot_cpu),
             sprintf("started=%s", started), sprintf("finished=%s", format(Sys.time(), "%Y-%m-%dT%H:%M:%SZ", tz = "UTC")),
             sprintf("r_version=%s.%s", R.version$major, R.version$minor),
             sprintf("forecast_version=%s", as.character(packageVersion("forecast"))),
             sprintf("subset=%s", if (length(args) >= 6) paste("n", args[5], "seed", args[6]) else "all")),
           paste0(pre, "_info.txt"))
