suppressPackageStartupMessages(library(forecast))
d <- read.csv("/tmp/recB/train.csv", stringsAsFactors = FALSE)
forms <- c("ANN","AAN","AAdN","ANA","AAA","AAdA","MNN","MAN","MAdN","MNA","MAA","MAdA","MNM","MAM","MAdM")
out <- list()
for (p in unique(d$path)) {
  y <- ts(d$y[d$path == p], frequency = 4)
  a <- ets(y)
  out[[length(out)+1]] <- data.frame(path=p, kind="auto", form=a$method, aicc=a$aicc)
  for (f in forms) {
    damped <- grepl("d", f); mod <- gsub("d", "", f)
    r <- tryCatch(ets(y, model = mod, damped = damped, restrict = FALSE), error = function(e) NULL)
    if (!is.null(r)) out[[length(out)+1]] <- data.frame(path=p, kind="form", form=r$method, aicc=r$aicc)
  }
}
write.table(do.call(rbind, out), "/tmp/recB/r.txt", row.names = FALSE, col.names = FALSE, quote = FALSE, sep = "|")
