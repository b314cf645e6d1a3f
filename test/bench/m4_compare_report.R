# test/bench/m4_compare_report.R: the per-set table and the target checks of
# m4_compare.sh, from m4_score.R's per-series scores (--detail files).
#
#   Rscript m4_compare_report.R --set weekly|hourly --meta META.tsv --full DETAIL.csv
#       [--subset DETAIL.csv --subset-label TEXT] --limited 0|1 --threshold OWA
#       --candidates arima,ets,theta --need-ours auto,arima,... --need-r ets,thetaf,auto.arima
#
# META.tsv (tab-separated, header): name, side, method, scope (full|subset),
# n_timed, wall_s, cpu_s, timed_on, source, fc_file.  One row per method run.
# DETAIL.csv: series_id, n, naive2_smape, naive2_mase, <name>_smape, <name>_mase
# per series (m4_score.R --detail).  sMAPE and MASE are averaged over the
# series of the table; OWA = (sMAPE/sMAPE_Naive2 + MASE/MASE_Naive2) / 2, the
# same set-level formula as m4_score.R, here at full precision.
#
# Verdicts: PASS / FAIL only when every number the target needs was measured
# on the whole set in this run or comes from a labelled cache; otherwise NOT
# CHECKED (with what the available numbers would give).

args <- commandArgs(trailingOnly = TRUE)
opt <- list(subset = "", `subset-label` = "", limited = "0", candidates = "arima,ets,theta",
            `need-ours` = "auto,arima,theta,croston,ets", `need-r` = "ets,thetaf,auto.arima")
for (i in seq(1, length(args), by = 2)) opt[[sub("^--", "", args[i])]] <- args[i + 1]
set <- opt$set
limited <- opt$limited == "1"
thr <- as.numeric(opt$threshold)
splitc <- function(x) { x <- strsplit(x, ",", fixed = TRUE)[[1]]; x[nzchar(x)] }
cands <- splitc(opt$candidates)
need_ours <- splitc(opt$`need-ours`)
need_r <- splitc(opt$`need-r`)

meta <- read.delim(opt$meta, colClasses = "character", quote = "")
meta$n_timed <- as.numeric(meta$n_timed)
meta$wall_s <- as.numeric(meta$wall_s)
meta$cpu_s <- as.numeric(meta$cpu_s)
meta$rate <- meta$n_timed / meta$wall_s
meta$crate <- ifelse(meta$cpu_s > 0, meta$n_timed / meta$cpu_s, NA)
meta$cpu_per <- meta$cpu_s / meta$n_timed

bad_count <- function(fc_file, ids, h) {
	d <- read.csv(fc_file, colClasses = c("character", "integer", "numeric"))
	d <- d[d$series_id %in% ids, ]
	ok <- tapply(is.finite(d$yhat), factor(d$series_id, levels = ids), function(v) length(v) == h && all(v))
	sum(is.na(ok) | !ok)
}

score_table <- function(detail_file, scope_names) {
	d <- read.csv(detail_file, check.names = FALSE, colClasses = c(series_id = "character"))
	n2s <- mean(d$naive2_smape)
	n2m <- mean(d$naive2_mase)
	rows <- data.frame(name = "Naive2", smape = n2s, mase = n2m, owa = 1, stringsAsFactors = FALSE)
	for (nm in scope_names) {
		cs <- paste0(nm, "_smape")
		cm <- paste0(nm, "_mase")
		if (!cs %in% names(d)) next
		s <- mean(d[[cs]]); m <- mean(d[[cm]])
		rows <- rbind(rows, data.frame(name = nm, smape = s, mase = m, owa = (s / n2s + m / n2m) / 2))
	}
	list(rows = rows, ids = d$series_id)
}

h <- if (set == "weekly") 13L else 48L
fmt <- function(x, d = 3) ifelse(is.na(x), "-", formatC(x, format = "f", digits = d))
frate <- function(x) if (is.na(x)) "-" else if (x < 1) formatC(x, format = "f", digits = 4) else formatC(x, format = "f", digits = 2)
fx <- function(a, b) if (is.na(a) || is.na(b)) "-" else paste0(formatC(a / b, format = "f", digits = 1), "x")
ra_cpu <- meta$crate[meta$side == "R" & meta$method == "auto.arima"][1]
ra_wall <- meta$rate[meta$side == "R" & meta$method == "auto.arima"][1]

print_table <- function(tab, title) {
	cat(title, "\n", sep = "")
	cat(sprintf("%-22s %-10s %6s %8s %7s %7s %10s %10s %9s %9s %4s  %s\n", "method", "side", "series",
	            "sMAPE", "MASE", "OWA", "series/s", "series/CPUs", "xRaa_wall", "xRaa_CPU", "bad", "timed on / source"))
	for (k in seq_len(nrow(tab$rows))) {
		r <- tab$rows[k, ]
		if (r$name == "Naive2") {
			cat(sprintf("%-22s %-10s %6d %8.3f %7.3f %7.3f\n", "Naive2", "benchmark", length(tab$ids), r$smape, r$mase, r$owa))
			next
		}
		mm <- meta[meta$name == r$name, ][1, ]
		bad <- bad_count(mm$fc_file, tab$ids, h)
		cat(sprintf("%-22s %-10s %6d %8.3f %7.3f %7.3f %10s %10s %9s %9s %4d  %s; %s\n",
		            paste(mm$method), mm$side, length(tab$ids), r$smape, r$mase, r$owa,
		            frate(mm$rate), frate(mm$crate),
		            fx(mm$rate, ra_wall), fx(mm$crate, ra_cpu),
		            bad, mm$timed_on, mm$source))
	}
}

full_names <- meta$name[meta$scope == "full"]
full <- score_table(opt$full, full_names)
nsel <- length(full$ids)
print_table(full, sprintf("### %s: %d series%s", set, nsel, if (limited) " (--limit: NOT the whole set)" else ""))
if (any(meta$scope == "subset"))
	cat(sprintf("(R %s: run on a subset only, see the subset table)\n",
	            paste(meta$method[meta$scope == "subset"], collapse = ", ")))
sub <- NULL
if (nzchar(opt$subset)) {
	sub <- score_table(opt$subset, meta$name)
	cat("\n")
	print_table(sub, sprintf("### %s, %s (%d series): every method scored on the same series", set, opt$`subset-label`, length(sub$ids)))
	cat("(speed columns: each method's own timed run, see 'timed on'; the forecastin and R ets/thetaf runs covered the whole selection)\n")
}
cat("columns: series/s = series per wall-clock second, series/CPUs = per CPU-second of the one process (backend or R);\n",
    "xRaa_* = that rate / R auto.arima's rate (wall, CPU). Machine shared (2 cores): CPU is the figure to trust.\n", sep = "")

# ------------------------------------------------------------------ targets
owa_of <- function(tab, nm) { v <- tab$rows$owa[tab$rows$name == nm]; if (length(v)) v else NA }
name_of <- function(side, method) { v <- meta$name[meta$side == side & meta$method == method]; if (length(v)) v[1] else NA_character_ }
verdict <- function(ok, checkable, why = "") {
	v <- if (is.na(ok)) sprintf("NOT CHECKED (%s)", if (nzchar(why)) why else "nothing to compare") else if (!checkable) sprintf("NOT CHECKED (%s; on these numbers it would %s)", why, if (ok) "PASS" else "FAIL") else if (ok) "PASS" else "FAIL"
	v
}
lim_why <- if (limited) sprintf("--limit: %d series, not the whole set", nsel) else ""
cat("\n### targets (", set, ")\n", sep = "")
auto <- name_of("forecastin", "auto")

# T1: auto below every other row
t1_lines <- character()
if (is.na(auto)) {
	cat("TARGET auto OWA < every other method:", "NOT CHECKED (forecastin auto did not run)\n")
} else {
	a <- owa_of(full, auto)
	cmp <- character(); fails <- character()
	for (nm in setdiff(full_names, auto)) {
		o <- owa_of(full, nm); mm <- meta[meta$name == nm, ][1, ]
		lbl <- sprintf("%s %s %.3f", mm$side, mm$method, o)
		cmp <- c(cmp, lbl); if (!(a < o)) fails <- c(fails, lbl)
	}
	if (!is.null(sub)) for (nm in meta$name[meta$scope == "subset"]) {
		a2 <- owa_of(sub, auto); o <- owa_of(sub, nm); mm <- meta[meta$name == nm, ][1, ]
		lbl <- sprintf("%s %s %.3f vs auto %.3f on the subset", mm$side, mm$method, o, a2)
		cmp <- c(cmp, lbl); if (!(a2 < o)) fails <- c(fails, lbl)
	}
	miss <- c(paste("forecastin", setdiff(need_ours, meta$method[meta$side == "forecastin"])),
	          paste("R", setdiff(need_r, meta$method[meta$side == "R"])))
	miss <- miss[!grepl("^(forecastin|R) $", miss)]
	ok <- if (length(cmp)) length(fails) == 0 else NA
	why <- c(if (limited) lim_why, if (length(miss)) paste("missing:", paste(miss, collapse = ", ")))
	v <- if (isFALSE(ok)) "FAIL" else verdict(ok, length(why) == 0, paste(why, collapse = "; "))
	cat(sprintf("TARGET auto OWA < every other method: %s\n    auto %.3f vs %s%s\n", v, a,
	            if (length(cmp)) paste(cmp, collapse = ", ") else "nothing (no other method ran)",
	            if (length(fails)) paste0("\n    not beaten: ", paste(fails, collapse = ", ")) else ""))
}

# T2: auto threshold
if (is.na(auto)) {
	cat(sprintf("TARGET auto OWA < %.2f: NOT CHECKED (forecastin auto did not run)\n", thr))
} else {
	a <- owa_of(full, auto)
	cat(sprintf("TARGET auto OWA < %.2f: %s  (auto %.3f)\n", thr, verdict(a < thr, !limited, lim_why), a))
}

# T3: arima speed and accuracy vs R auto.arima
ar <- name_of("forecastin", "arima"); raa <- name_of("R", "auto.arima")
if (is.na(ar) || is.na(raa)) {
	cat("TARGET arima >= 20x R auto.arima series/CPU-s at OWA <= R's: NOT CHECKED (",
	    if (is.na(ar)) "forecastin arima" else "R auto.arima", " did not run)\n", sep = "")
} else {
	ma <- meta[meta$name == ar, ][1, ]; mr <- meta[meta$name == raa, ][1, ]
	tab <- if (mr$scope == "subset") sub else full
	oa <- owa_of(tab, ar); or <- owa_of(tab, raa)
	ratio <- ma$crate / mr$crate
	ok <- if (is.na(ratio)) NA else ratio >= 20 && oa <= or
	cat(sprintf(paste0("TARGET arima >= 20x R auto.arima series/CPU-s at OWA <= R's: %s\n",
	                   "    speed: arima %.2f series/CPU-s (%s) vs R auto.arima %.3f (%s) = %.1fx by CPU (%.1fx by wall)\n",
	                   "    OWA on %s: arima %.3f vs R auto.arima %.3f"),
	            verdict(ok, !limited, if (is.na(ok)) "a CPU time is below the clock tick" else lim_why), ma$crate, ma$timed_on, mr$crate, mr$timed_on, ratio,
	            ma$rate / mr$rate, if (mr$scope == "subset") opt$`subset-label` else sprintf("the %d series", nsel), oa, or))
	if (mr$scope == "subset")
		cat(sprintf("\n    (R auto.arima timed on the subset only; its per-series mean stands for the set. arima on all %d series: OWA %.3f)", nsel, owa_of(full, ar)))
	cat("\n")
}

# T4: auto CPU per series <= sum of its candidates'
if (is.na(auto)) {
	cat("TARGET auto CPU/series <= sum of candidates': NOT CHECKED (forecastin auto did not run)\n")
} else {
	ma <- meta[meta$name == auto, ][1, ]
	cn <- vapply(cands, function(c) name_of("forecastin", c), "")
	if (any(is.na(cn))) {
		cat(sprintf("TARGET auto CPU/series <= sum of candidates' (%s): NOT CHECKED (not run: %s)\n",
		            paste(cands, collapse = " + "), paste(cands[is.na(cn)], collapse = ", ")))
	} else {
		cp <- vapply(cn, function(n) meta$cpu_per[meta$name == n][1], 0)
		s <- sum(cp)
		ok <- !is.na(ma$cpu_per) && ma$cpu_per <= s
		cat(sprintf("TARGET auto CPU/series <= sum of candidates': %s\n    auto %.2f ms CPU/series vs %s = %.2f ms (mean per series over one timed query each; per-series times are not measured)\n",
		            verdict(ok, !limited && all(cp > 0) && ma$cpu_per > 0, if (limited) lim_why else "CPU time below clock resolution"),
		            1000 * ma$cpu_per, paste(sprintf("%s %.2f", cands, 1000 * cp), collapse = " + "), 1000 * s))
	}
}
