#!/usr/bin/env Rscript
# Generates reference data for test/unit/ets_test.c with R's forecast::ets.
#   Rscript make_ets_reference.R [datadir]
# Writes (into the current directory):
#   ets_series.csv     series,m,t,y             the input series
#   ets_reference.csv  one row per series and form: R's fitted parameters,
#                      fit statistics, and whether R's ets() picked the form
#   ets_forecasts.csv  series,form,step,mean,lo95,hi95
#   m4_weekly_r_ets.csv id,form,loglik,aicc: R's automatic choice per M4 weekly series
# Forms are fitted with ets(y, model=..., damped=...) and R's defaults
# (opt.crit="lik", bounds="both", nmse=3); the automatic choice with ets(y).
suppressMessages(library(forecast))
args <- commandArgs(trailingOnly = TRUE)
datadir <- if (length(args) >= 1) args[1] else "/work/shared/data"

series <- list(
  AirPassengers = AirPassengers, USAccDeaths = USAccDeaths, nottem = nottem,
  UKgas = UKgas, ldeaths = ldeaths,
  lynx = ts(as.numeric(lynx), frequency = 1), Nile = ts(as.numeric(Nile), frequency = 1),
  WWWusage = WWWusage)

read_m4 <- function(file, ids, freq) {
  d <- read.csv(file.path(datadir, file), colClasses = c("character", "integer", "numeric"))
  out <- list()
  for (id in ids) out[[id]] <- ts(d$y[d$series_id == id], frequency = freq)
  out
}
series <- c(series,
            read_m4("m4_weekly_train.csv", c("W1", "W20", "W150", "W300"), 1),
            read_m4("m4_hourly_train.csv", c("H1", "H150", "H300"), 24))

forms <- function(m, pos) {
  f <- c("ANN", "AAN", "AAdN")
  if (pos) f <- c(f, "MNN", "MAN", "MAdN")
  if (m > 1) {
    f <- c(f, "ANA", "AAA", "AAdA")
    if (pos) f <- c(f, "MNA", "MAA", "MAdA", "MNM", "MAM", "MAdM")
  }
  f
}
formname <- function(fit) {
  cmp <- fit$components
  paste0(cmp[1], cmp[2], if (cmp[4] == "TRUE") "d" else "", cmp[3])
}
getp <- function(fit, nm) if (nm %in% names(fit$par)) unname(fit$par[nm]) else NA

ser_rows <- list(); ref_rows <- list(); fc_rows <- list()
for (nm in names(series)) {
  y <- series[[nm]]; m <- frequency(y); n <- length(y)
  h <- if (m > 1) 2 * m else 13
  ser_rows[[nm]] <- data.frame(series = nm, m = m, t = seq_len(n), y = as.numeric(y))
  auto <- formname(ets(y))
  for (f in forms(m, all(y > 0))) {
    damped <- grepl("d", f)
    model <- gsub("d", "", f)
    fit <- tryCatch(ets(y, model = model, damped = damped), error = function(e) NULL)
    if (is.null(fit)) { cat(nm, f, "failed in R\n"); next }
    fc <- forecast(fit, h = h, level = 95)
    ref_rows[[length(ref_rows) + 1]] <- data.frame(
      series = nm, m = m, form = f, auto = as.integer(f == auto),
      alpha = getp(fit, "alpha"), beta = getp(fit, "beta"),
      gamma = getp(fit, "gamma"), phi = getp(fit, "phi"),
      loglik = fit$loglik, aic = fit$aic, aicc = fit$aicc, bic = fit$bic,
      sigma2 = fit$sigma2, mse = fit$mse, npar = length(fit$par))
    fc_rows[[length(fc_rows) + 1]] <- data.frame(
      series = nm, form = f, step = seq_len(h), mean = as.numeric(fc$mean),
      lo95 = as.numeric(fc$lower[, 1]), hi95 = as.numeric(fc$upper[, 1]))
  }
  cat(nm, "auto:", auto, "\n")
}
opt <- options(digits = 15)
write.csv(do.call(rbind, ser_rows), "ets_series.csv", row.names = FALSE, quote = FALSE)
write.csv(do.call(rbind, ref_rows), "ets_reference.csv", row.names = FALSE, quote = FALSE, na = "NA")
write.csv(do.call(rbind, fc_rows), "ets_forecasts.csv", row.names = FALSE, quote = FALSE)

# R's automatic choice on every M4 weekly series (for ets_test --rcompare):
#   m4_weekly_r_ets.csv  id,form,loglik,aicc
wk <- read.csv(file.path(datadir, "m4_weekly_train.csv"),
               colClasses = c("character", "integer", "numeric"))
ids <- unique(wk$series_id)
auto_rows <- data.frame(id = ids, form = NA, loglik = NA, aicc = NA)
for (i in seq_along(ids)) {
  fit <- ets(ts(wk$y[wk$series_id == ids[i]], frequency = 1))
  auto_rows$form[i] <- formname(fit)
  auto_rows$loglik[i] <- fit$loglik
  auto_rows$aicc[i] <- fit$aicc
}
write.csv(auto_rows, "m4_weekly_r_ets.csv", row.names = FALSE, quote = FALSE)
