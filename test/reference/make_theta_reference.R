#!/usr/bin/env Rscript
# Generates reference data for test/unit/theta_test.c and
# test/unit/intermittent_test.c with R's forecast package (thetaf, croston).
#   Rscript make_theta_reference.R [datadir]
# Writes (into the current directory):
#   theta_series.csv      series,m,t,y        input series (theta and intermittent)
#   theta_fit.csv         series,m,n,seasonal,alpha,drift,sigma2
#                         thetaf's alpha, drift (half the slope), SES sigma2, and
#                         whether thetaf's 90% test said seasonal
#   theta_forecasts.csv   series,step,mean,lo80,hi80,lo95,hi95   thetaf(y, h)
#   croston_forecasts.csv series,alpha,step,mean                 croston(y, h, alpha)
#   croston_fitted.csv    series,alpha,t,fitted                  croston(...)$fitted (NA = NaN)
suppressMessages(library(forecast))
args <- commandArgs(trailingOnly = TRUE)
datadir <- if (length(args) >= 1) args[1] else "/work/shared/data"

theta_series <- list(
  AirPassengers = AirPassengers, USAccDeaths = USAccDeaths, nottem = nottem,
  UKgas = UKgas, ldeaths = ldeaths, co2 = co2,
  Nile = ts(as.numeric(Nile), frequency = 1), lynx = ts(as.numeric(lynx), frequency = 1),
  WWWusage = WWWusage, BJsales = ts(as.numeric(BJsales), frequency = 1),
  # short and seasonal-length-edge cases
  short5 = ts(c(3, 5, 4, 6, 7), frequency = 1),
  wineind40 = ts(as.numeric(wineind)[1:40], frequency = 12))

read_m4 <- function(file, ids, freq) {
  d <- read.csv(file.path(datadir, file), colClasses = c("character", "integer", "numeric"))
  out <- list()
  for (id in ids) out[[id]] <- ts(d$y[d$series_id == id], frequency = freq)
  out
}
if (file.exists(file.path(datadir, "m4_weekly_train.csv"))) {
  theta_series <- c(theta_series,
                    read_m4("m4_weekly_train.csv", c("W1", "W20", "W150", "W300"), 1),
                    read_m4("m4_hourly_train.csv", c("H1", "H150", "H300"), 24))
}

# intermittent series: counts shipped with R, simulated SKU-like demand
# (fixed seed; the CSV is what the tests read), and the edge cases
set.seed(20240611)
sim_int <- function(n, p, mu) rbinom(n, 1, p) * (1 + rpois(n, mu))
int_series <- list(
  discoveries = ts(as.numeric(discoveries)),
  int_a = ts(sim_int(60, 0.3, 2)),
  int_b = ts(sim_int(104, 0.15, 5)),
  lumpy_c = ts(sim_int(80, 0.25, 1) * sample(c(1, 1, 1, 10), 80, replace = TRUE)),
  smooth_d = ts(sim_int(50, 0.9, 8)),
  allzero = ts(rep(0, 12)),
  single = ts(c(0, 0, 0, 5, 0, 0, 0, 0)),
  single_last = ts(c(0, 0, 0, 0, 0, 0, 0, 3)),
  allpos = ts(c(4, 6, 5, 3, 7, 5, 6, 4, 5, 8)),
  two = ts(c(0, 2, 0, 0, 4, 0)))

ser_rows <- list(); fit_rows <- list(); fc_rows <- list()
for (nm in names(theta_series)) {
  y <- theta_series[[nm]]; m <- frequency(y); n <- length(y)
  h <- if (m == 24) 48 else if (m > 1) 2 * m else 13
  ser_rows[[nm]] <- data.frame(series = nm, m = m, t = seq_len(n), y = as.numeric(y))
  seasonal <- FALSE
  if (m > 1 && n > 2 * m) {
    r <- as.numeric(acf(y, lag.max = m, plot = FALSE)$acf)[-1]
    seasonal <- abs(r[m]) / sqrt((1 + 2 * sum(r[-m]^2)) / n) > qnorm(0.95)
  }
  fc <- thetaf(y, h = h, level = c(80, 95))
  fit_rows[[nm]] <- data.frame(series = nm, m = m, n = n, seasonal = as.integer(seasonal),
                               alpha = unname(fc$model$alpha), drift = unname(fc$model$drift),
                               sigma2 = unname(fc$model$sigma))
  fc_rows[[nm]] <- data.frame(series = nm, step = seq_len(h), mean = as.numeric(fc$mean),
                              lo80 = as.numeric(fc$lower[, 1]), hi80 = as.numeric(fc$upper[, 1]),
                              lo95 = as.numeric(fc$lower[, 2]), hi95 = as.numeric(fc$upper[, 2]))
}

cr_rows <- list(); cf_rows <- list()
for (nm in names(int_series)) {
  y <- int_series[[nm]]; n <- length(y)
  ser_rows[[nm]] <- data.frame(series = nm, m = 1, t = seq_len(n), y = as.numeric(y))
  for (a in c(0.1, 0.3)) {
    fc <- croston(y, h = 5, alpha = a)
    key <- paste(nm, a)
    cr_rows[[key]] <- data.frame(series = nm, alpha = a, step = 1:5, mean = as.numeric(fc$mean))
    cf_rows[[key]] <- data.frame(series = nm, alpha = a, t = seq_len(n), fitted = as.numeric(fc$fitted))
  }
}

wr <- function(rows, file) {
  d <- do.call(rbind, rows); rownames(d) <- NULL
  write.csv(d, file, row.names = FALSE, quote = FALSE, na = "NA")
}
options(digits = 15)
wr(ser_rows, "theta_series.csv")
wr(fit_rows, "theta_fit.csv")
wr(fc_rows, "theta_forecasts.csv")
wr(cr_rows, "croston_forecasts.csv")
wr(cf_rows, "croston_fitted.csv")
