d <- read.csv("/work/shared/data/tourism_quarterly.csv", stringsAsFactors = FALSE)
names(d) <- c("path", "quarter", "trips")
d$quarter <- as.Date(d$quarter)
parts <- strsplit(d$path, ".", fixed = TRUE)
rows <- list()
for (k in 1:4) {
  p <- sapply(parts, function(x) paste(x[1:k], collapse = "."))
  a <- aggregate(d$trips, list(path = p, quarter = d$quarter), sum)
  rows[[k]] <- a
}
all <- do.call(rbind, rows); names(all)[3] <- "y"
all <- all[order(all$path, all$quarter), ]
write.csv(all[all$quarter < as.Date("2016-01-01"), ], "/tmp/recB/train.csv", row.names = FALSE)
cat(length(unique(all$path)), "nodes\n")
