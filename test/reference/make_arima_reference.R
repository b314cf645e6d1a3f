# test/reference/make_arima_reference.R: reference values for the ARIMA kernel
# (src/arima.c) from R's forecast package.  Run from test/reference:
#     Rscript make_arima_reference.R [M4 data dir, default /work/shared/data]
# Writes
#   arima_series.csv     series,m,t,y             (the input data)
#   arima_models.csv     series,kind,p,d,q,P,D,Q,m,constant,coef,loglik,aicc,sigma2,ndiffs,nsdiffs,kpss
#                        kind = auto (auto.arima defaults) or fixed (Arima with the
#                        given orders, method CSS-ML); coef = ";"-separated in R's coef() order
#   arima_forecasts.csv  series,kind,step,mean,lo95,hi95
suppressPackageStartupMessages(library(forecast))
args <- commandArgs(trailingOnly = TRUE)
datadir <- if (length(args) >= 1) args[1] else "/work/shared/data"

S <- list(
	AirPassengers = AirPassengers, logAirPassengers = log(AirPassengers),
	lynx = lynx, WWWusage = WWWusage, USAccDeaths = USAccDeaths, Nile = Nile,
	austres = austres, LakeHuron = LakeHuron, co2 = co2, nottem = nottem,
	sunspot.year = sunspot.year, BJsales = BJsales, uspop = uspop,
	lh = lh, Seatbelts_drivers = Seatbelts[, "drivers"], UKgas = UKgas)
m4 <- function(file, ids, m) {
	d <- read.csv(file.path(datadir, file), colClasses = c("character", "integer", "numeric"))
	r <- list()
	for (id in ids) r[[paste0("M4_", id)]] <- ts(d$y[d$series_id == id], frequency = m)
	r
}
if (file.exists(file.path(datadir, "m4_weekly_train.csv"))) {
	S <- c(S, m4("m4_weekly_train.csv", c("W1", "W7", "W20", "W100", "W250"), 1))
	S <- c(S, m4("m4_hourly_train.csv", c("H150", "H300"), 24))
}
fixed <- list(
	list("logAirPassengers", c(0, 1, 1), c(0, 1, 1), FALSE),
	list("AirPassengers", c(1, 1, 1), c(0, 1, 0), FALSE),
	list("lynx", c(2, 0, 0), c(0, 0, 0), TRUE),
	list("lynx", c(4, 0, 1), c(0, 0, 0), TRUE),
	list("WWWusage", c(1, 1, 1), c(0, 0, 0), FALSE),
	list("WWWusage", c(3, 1, 0), c(0, 0, 0), TRUE),
	list("Nile", c(1, 0, 1), c(0, 0, 0), TRUE),
	list("USAccDeaths", c(0, 1, 1), c(0, 1, 1), FALSE),
	list("USAccDeaths", c(1, 0, 0), c(1, 1, 0), TRUE),
	list("austres", c(1, 1, 0), c(0, 0, 0), TRUE),
	list("LakeHuron", c(2, 0, 0), c(0, 0, 0), TRUE),
	list("co2", c(1, 1, 1), c(0, 1, 1), FALSE),
	list("nottem", c(1, 0, 0), c(2, 1, 0), FALSE),
	list("sunspot.year", c(2, 0, 2), c(0, 0, 0), TRUE),
	list("BJsales", c(0, 2, 2), c(0, 0, 0), FALSE),
	list("UKgas", c(0, 1, 1), c(0, 1, 1), FALSE),
	list("UKgas", c(2, 0, 0), c(1, 1, 1), TRUE))

ser <- do.call(rbind, lapply(names(S), function(nm)
	data.frame(series = nm, m = frequency(S[[nm]]), t = seq_along(S[[nm]]), y = as.numeric(S[[nm]]))))
write.csv(ser, "arima_series.csv", row.names = FALSE, quote = FALSE)

row <- function(nm, kind, fit, x) {
	a <- fit$arma
	cf <- coef(fit)
	data.frame(series = nm, kind = kind, p = a[1], d = a[6], q = a[2], P = a[3], D = a[7], Q = a[4],
	           m = a[5], constant = as.integer(any(names(cf) %in% c("intercept", "drift"))),
	           coef = paste(sprintf("%.10g", cf), collapse = ";"),
	           loglik = fit$loglik, aicc = fit$aicc, sigma2 = fit$sigma2,
	           ndiffs = ndiffs(x), nsdiffs = if (frequency(x) > 1) nsdiffs(x) else 0,
	           kpss = as.numeric(urca::ur.kpss(x, type = "mu", use.lag = trunc(3 * sqrt(length(x)) / 13))@teststat))
}
fcrow <- function(nm, kind, fit, h) {
	f <- forecast(fit, h = h, level = 95)
	data.frame(series = nm, kind = kind, step = seq_len(h), mean = as.numeric(f$mean),
	           lo95 = as.numeric(f$lower), hi95 = as.numeric(f$upper))
}
mods <- list(); fcs <- list()
for (nm in names(S)) {
	x <- S[[nm]]
	fit <- auto.arima(x)
	h <- if (frequency(x) > 1) 2 * frequency(x) else 10
	mods[[length(mods) + 1]] <- row(nm, "auto", fit, x)
	fcs[[length(fcs) + 1]] <- fcrow(nm, "auto", fit, h)
	cat(nm, ":", as.character(fit), "\n")
}
for (k in seq_along(fixed)) {
	fx <- fixed[[k]]
	x <- S[[fx[[1]]]]
	fit <- Arima(x, order = fx[[2]], seasonal = list(order = fx[[3]], period = frequency(x)),
	             include.constant = fx[[4]])
	kind <- sprintf("fixed%d", k)
	h <- if (frequency(x) > 1) 2 * frequency(x) else 10
	mods[[length(mods) + 1]] <- row(fx[[1]], kind, fit, x)
	fcs[[length(fcs) + 1]] <- fcrow(fx[[1]], kind, fit, h)
}
write.csv(do.call(rbind, mods), "arima_models.csv", row.names = FALSE, quote = FALSE)
write.csv(do.call(rbind, fcs), "arima_forecasts.csv", row.names = FALSE, quote = FALSE)
