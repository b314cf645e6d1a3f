#!/usr/bin/env Rscript
# make_accuracy_reference.R: reference values for sql/backtest.sql from R's
# forecast package (forecast::naive/snaive/meanf, accuracy, dm.test).
#
#   cd test/reference && Rscript make_accuracy_reference.R
#
# Writes (CI needs no R; the CSVs are committed):
#   accuracy_series.csv    series, m, t, y              the input series
#   accuracy_backtest.csv  series, method, window, origin, step, y, yhat, lo, hi, scale
#                          rolling-origin forecasts: horizon 6, 3 windows, step 4,
#                          origin o_w = n - 6 - (3 - w) * 4 (as forecastin.backtest)
#   accuracy_windows.csv   series, method, window, me, rmse, mae, mpe, mape, mase, smape, coverage
#                          forecast::accuracy(f, test) per window (test-set row);
#                          smape (M4) and coverage by their formulas (accuracy() has neither)
#   accuracy_dm.csv        case, h, power, statistic, p_value   forecast::dm.test
#   accuracy_dm_errors.csv case, seq, i, e1, e2                 the error pairs of each case
suppressMessages(library(forecast))
options(digits = 17)

series <- list(
  AirPassengers = AirPassengers,          # monthly, seasonal
  USAccDeaths = USAccDeaths,              # monthly, seasonal
  Nile = Nile,                            # yearly, m = 1
  WWWusage = WWWusage                     # per minute, m = 1
)

H <- 6; W <- 3; S <- 4; LEVEL <- 95
ser_rows <- list(); bt_rows <- list(); win_rows <- list()
for (name in names(series)) {
  x <- series[[name]]
  m <- frequency(x)
  y <- as.numeric(x)
  n <- length(y)
  ser_rows[[name]] <- data.frame(series = name, m = m, t = seq_len(n), y = y)
  methods <- if (m > 1) c("naive", "snaive", "mean") else c("naive", "mean")
  for (meth in methods) {
    for (w in seq_len(W)) {
      o <- n - H - (W - w) * S
      train <- window(x, end = time(x)[o])
      test <- window(x, start = time(x)[o + 1], end = time(x)[o + H])
      f <- switch(meth,
                  naive = naive(train, h = H, level = LEVEL),
                  snaive = snaive(train, h = H, level = LEVEL),
                  mean = meanf(train, h = H, level = LEVEL))
      yt <- as.numeric(test)
      fc <- as.numeric(f$mean)
      lo <- as.numeric(f$lower[, 1]); hi <- as.numeric(f$upper[, 1])
      scale <- mean(abs(diff(as.numeric(train), lag = m)))
      bt_rows[[length(bt_rows) + 1]] <- data.frame(
        series = name, method = meth, window = w, origin = o, step = seq_len(H),
        y = yt, yhat = fc, lo = lo, hi = hi, scale = scale)
      a <- accuracy(f, test)["Test set", ]
      win_rows[[length(win_rows) + 1]] <- data.frame(
        series = name, method = meth, window = w,
        me = a[["ME"]], rmse = a[["RMSE"]], mae = a[["MAE"]], mpe = a[["MPE"]],
        mape = a[["MAPE"]], mase = a[["MASE"]],
        smape = mean(200 * abs(yt - fc) / (abs(yt) + abs(fc))),
        coverage = mean(lo <= yt & yt <= hi))
    }
  }
}
write.csv(do.call(rbind, ser_rows), "accuracy_series.csv", row.names = FALSE)
write.csv(do.call(rbind, bt_rows), "accuracy_backtest.csv", row.names = FALSE)
write.csv(do.call(rbind, win_rows), "accuracy_windows.csv", row.names = FALSE)

# Diebold-Mariano: error pairs with serial correlation, several h and powers.
set.seed(20240611)
cases <- list()
n1 <- 60
u <- rnorm(n1 + 2)
cases$ma2 <- list(e1 = u[3:(n1 + 2)] + 0.6 * u[2:(n1 + 1)] + 0.3 * u[1:n1],
                  e2 = 1.2 * rnorm(n1))
cases$close <- list(e1 = rnorm(40), e2 = rnorm(40))
z <- rnorm(30)
cases$better <- list(e1 = 2 * z + rnorm(30, sd = 0.5), e2 = z)
# strongly alternating loss differential: the h = 2 variance is negative and
# dm.test falls back to h = 1 (with a warning)
alt <- rep(c(2.5, 0.2), 15) + rnorm(30, sd = 0.05)
cases$alternating <- list(e1 = alt, e2 = rep(1, 30))

dm_rows <- list(); err_rows <- list()
for (cn in names(cases)) {
  e1 <- cases[[cn]]$e1; e2 <- cases[[cn]]$e2
  err_rows[[cn]] <- data.frame(case = cn, seq = 1, i = seq_along(e1), e1 = e1, e2 = e2)
  for (h in c(1, 2, 3, 5)) for (p in c(1, 2)) {
    r <- suppressWarnings(dm.test(e1, e2, h = h, power = p))
    dm_rows[[length(dm_rows) + 1]] <- data.frame(case = cn, h = h, power = p,
      statistic = unname(r$statistic), p_value = r$p.value)
  }
}

# Pooled over sequences (forecastin's five-argument dm_test has no R
# counterpart): mean over all pairs, autocovariances within each sequence,
# divided by the total n, HLN factor and t(n - 1) as in dm.test.
pooled_dm <- function(d, seqid, h) {
  n <- length(d); dbar <- mean(d)
  g <- sapply(0:(h - 1), function(k) {
    s <- 0
    for (q in unique(seqid)) {
      x <- d[seqid == q] - dbar; L <- length(x)
      if (L > k) s <- s + sum(x[(k + 1):L] * x[1:(L - k)])
    }
    s / n
  })
  v <- (g[1] + 2 * sum(g[-1])) / n
  if (v <= 0) { h <- 1; v <- g[1] / n }
  k <- sqrt((n + 1 - 2 * h + (h / n) * (h - 1)) / n)
  st <- dbar / sqrt(v) * k
  c(st, 2 * pt(-abs(st), df = n - 1))
}
pe1 <- c(cases$ma2$e1, cases$close$e1, cases$better$e1)
pe2 <- c(cases$ma2$e2, cases$close$e2, cases$better$e2)
pseq <- c(rep(1, n1), rep(2, 40), rep(3, 30))
err_rows$pooled <- data.frame(case = "pooled", seq = pseq,
                              i = ave(pseq, pseq, FUN = seq_along), e1 = pe1, e2 = pe2)
for (h in c(1, 2, 3, 5)) for (p in c(1, 2)) {
  r <- pooled_dm(abs(pe1)^p - abs(pe2)^p, pseq, h)
  dm_rows[[length(dm_rows) + 1]] <- data.frame(case = "pooled", h = h, power = p,
    statistic = r[1], p_value = r[2])
}
write.csv(do.call(rbind, dm_rows), "accuracy_dm.csv", row.names = FALSE)
write.csv(do.call(rbind, err_rows), "accuracy_dm_errors.csv", row.names = FALSE)
