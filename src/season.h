/*
 * season.h
 *	  Seasonal period detection: the autocorrelation test the M4 organisers
 *	  use for their Naive2 and Theta benchmarks.
 */
#ifndef FC_SEASON_H
#define FC_SEASON_H

#include "fc_port.h"

/*
 * 90% test for seasonality at lag m (Makridakis et al., M4): seasonal when
 * |r_m| > 1.645 * sqrt((1 + 2 * sum_{k<m} r_k^2) / n).  Needs n >= 3m;
 * returns false otherwise or for a constant series.  *ratio receives
 * |r_m| divided by the critical value (> 1 means seasonal), or 0.
 */
extern bool fc_season_test(const double *y, int n, int m, double *ratio);

#endif							/* FC_SEASON_H */
