#!/usr/bin/env Rscript
# Generates reference data for test/unit/mstl_test.c with R's stats::stl and
# forecast::mstl.
#   Rscript make_mstl_reference.R [datadir]
# Writes (into the current directory), values rounded to 1e-10:
#   mstl_stl_cases.csv       case,series,period,n,s_window,s_degree,t_window,t_degree,
#                            l_window,l_degree,s_jump,t_jump,l_jump,robust,inner,outer
#                            arguments given to stl() (NA = not given, R's default)
#   mstl_stl_components.csv  case,t,y,seasonal,trend,remainder,weights
#   mstl_cases.csv           case,series,n,periods,used,iterate,robust,s_window,h
#                            periods given to msts() and kept by mstl() (space
#                            separated), s_window given to mstl() (NA = default)
#   mstl_components.csv      case,t,y,trend,remainder,seasonal_1,seasonal_2
#                            (seasonal_i for the i-th kept period, NA if none)
#   mstl_seasonal_forecast.csv  case,step,seasonal   seasonal part of
#                            forecast(mstl fit, method = "naive", h): the mean
#                            minus the naive forecast of the adjusted series
suppressMessages(library(forecast))
args <- commandArgs(trailingOnly = TRUE)
datadir <- if (length(args) >= 1) args[1] else "/work/shared/data"

r10 <- function(x) round(as.numeric(x), 10)

# ---- stats::stl -------------------------------------------------------
stl_series <- list(nottem = nottem, UKgas = UKgas, USAccDeaths = USAccDeaths)
stl_settings <- list(
  s7 = list(s.window = 7),
  periodic = list(s.window = "periodic"),
  s13_robust = list(s.window = 13, robust = TRUE),
  s11_deg1_t0 = list(s.window = 11, s.degree = 1, t.degree = 0),
  nojump = list(s.window = 9, t.window = 21, l.window = 15, s.jump = 1, t.jump = 1, l.jump = 1),
  periodic_robust = list(s.window = "periodic", robust = TRUE),
  even = list(s.window = 10, t.window = 20, l.window = 14, inner = 3, outer = 2))
stl_plan <- list(nottem = names(stl_settings), UKgas = names(stl_settings),
                 USAccDeaths = c("s7", "periodic_robust"))

arg <- function(a, nm) if (is.null(a[[nm]])) NA else a[[nm]]
case_rows <- list(); comp_rows <- list()
for (sn in names(stl_plan)) {
  for (st in stl_plan[[sn]]) {
    y <- stl_series[[sn]]
    a <- stl_settings[[st]]
    # Robustness passes on a series of odd length only: for even n, R's stl
    # takes as "median" |remainder| the mean of the (n/2)-th smallest and a
    # value from a partial sort that is not always the (n/2+1)-th (see
    # mstl_test.c); for odd n both indices coincide and R's scale is exact.
    if ((isTRUE(a$robust) || !is.null(a$outer)) && length(y) %% 2 == 0)
      y <- ts(as.numeric(y)[-length(y)], start = start(y), frequency = frequency(y))
    fit <- do.call(stl, c(list(x = y), a))
    key <- paste(sn, st, sep = "_")
    case_rows[[key]] <- data.frame(
      case = key, series = sn, period = frequency(y), n = length(y),
      s_window = arg(a, "s.window"), s_degree = arg(a, "s.degree"),
      t_window = arg(a, "t.window"), t_degree = arg(a, "t.degree"),
      l_window = arg(a, "l.window"), l_degree = arg(a, "l.degree"),
      s_jump = arg(a, "s.jump"), t_jump = arg(a, "t.jump"), l_jump = arg(a, "l.jump"),
      robust = as.integer(isTRUE(a$robust)), inner = arg(a, "inner"), outer = arg(a, "outer"))
    ts3 <- fit$time.series
    comp_rows[[key]] <- data.frame(
      case = key, t = seq_along(y), y = r10(y), seasonal = r10(ts3[, "seasonal"]),
      trend = r10(ts3[, "trend"]), remainder = r10(ts3[, "remainder"]),
      weights = r10(fit$weights))
  }
}

# ---- forecast::mstl ---------------------------------------------------
read_m4 <- function(file, id) {
  d <- read.csv(file.path(datadir, file), colClasses = c("character", "integer", "numeric"))
  d$y[d$series_id == id]
}
H1 <- read_m4("m4_hourly_train.csv", "H1")
H2 <- read_m4("m4_hourly_train.csv", "H2")
# synthetic daily demand: trend, weekly and monthly cycles, noise, outliers
set.seed(20240917)
tt <- 1:240
daily <- 100 + 0.05 * tt + 10 * sin(2 * pi * tt / 7) + 4 * cos(4 * pi * tt / 7) +
  15 * sin(2 * pi * tt / 30) + rnorm(240, sd = 3)
daily[c(50, 131, 200)] <- daily[c(50, 131, 200)] + c(60, -45, 35)

mstl_cases <- list(
  H1 = list(series = "H1", y = H1, periods = c(24, 168)),
  H2 = list(series = "H2", y = H2, periods = c(168, 24)),
  daily = list(series = "daily", y = daily, periods = c(7, 30)),
  daily_robust = list(series = "daily", y = daily[1:239], periods = c(7, 30), robust = TRUE,
                      iterate = 3, s.window = c(9, 21)),
  daily_drop365 = list(series = "daily", y = daily, periods = c(7, 30, 365)),
  H1_300_drop168 = list(series = "H1", y = H1[1:300], periods = c(24, 168)))

mcase_rows <- list(); mcomp_rows <- list(); mfc_rows <- list()
for (key in names(mstl_cases)) {
  cs <- mstl_cases[[key]]
  x <- msts(cs$y, seasonal.periods = cs$periods)
  margs <- list(x = x)
  if (!is.null(cs$iterate)) margs$iterate <- cs$iterate
  if (!is.null(cs$s.window)) margs$s.window <- cs$s.window
  if (!is.null(cs$robust)) margs$robust <- cs$robust
  fit <- suppressWarnings(do.call(mstl, margs))
  scols <- grep("Season", colnames(fit))
  used <- as.numeric(sub("Seasonal", "", colnames(fit)[scols]))
  n <- length(cs$y)
  h <- if (max(used) >= 100) 200 else 2 * max(used) + 5
  mcase_rows[[key]] <- data.frame(
    case = key, series = cs$series, n = n, periods = paste(cs$periods, collapse = " "),
    used = paste(used, collapse = " "),
    iterate = if (is.null(cs$iterate)) 2 else cs$iterate,
    robust = as.integer(isTRUE(cs$robust)),
    s_window = if (is.null(cs$s.window)) NA else paste(cs$s.window, collapse = " "), h = h)
  s2 <- if (length(scols) >= 2) r10(fit[, scols[2]]) else NA
  mcomp_rows[[key]] <- data.frame(
    case = key, t = seq_len(n), y = r10(cs$y), trend = r10(fit[, "Trend"]),
    remainder = r10(fit[, "Remainder"]), seasonal_1 = r10(fit[, scols[1]]), seasonal_2 = s2)
  fc <- forecast(fit, method = "naive", h = h)
  sa <- as.numeric(seasadj(fit))
  mfc_rows[[key]] <- data.frame(case = key, step = seq_len(h),
                                seasonal = r10(as.numeric(fc$mean) - sa[n]))
}

wr <- function(rows, file) {
  d <- do.call(rbind, rows); rownames(d) <- NULL
  write.csv(d, file, row.names = FALSE, quote = FALSE, na = "NA")
}
options(digits = 15)
wr(case_rows, "mstl_stl_cases.csv")
wr(comp_rows, "mstl_stl_components.csv")
wr(mcase_rows, "mstl_cases.csv")
wr(mcomp_rows, "mstl_components.csv")
wr(mfc_rows, "mstl_seasonal_forecast.csv")
