/*
 * dmtest.h
 *	  Diebold-Mariano test of equal predictive accuracy, with the
 *	  Harvey-Leybourne-Newbold (1997) small-sample correction: the kernel
 *	  behind forecastin.dm_test.  Plain arrays, no fmgr.
 */
#ifndef FC_DMTEST_H
#define FC_DMTEST_H

#include "fc_port.h"

typedef struct FcDmResult
{
	bool		defined;		/* false: statistic undefined (see below) */
	double		statistic;		/* HLN-corrected DM statistic */
	double		p_value;		/* two-sided, Student t with n - 1 df */
	double		mean_diff;		/* mean loss differential d = L(e1) - L(e2) */
	int64_t		n;				/* number of pairs */
	int			horizon_used;	/* h, or 1 when the h-1 lag variance was not positive */
} FcDmResult;

/*
 * d[0..n): loss differentials in time order, split into nseg sequences
 * (seg_start[0] = 0 < seg_start[1] < ... < n; one series each).  The mean
 * is pooled over all n values; autocovariances at lags 1..h-1 are summed
 * within each sequence only and divided by n (R's acf(type="covariance")
 * when nseg = 1).  Like R's forecast::dm.test (varestimator "acf"): when
 * the long-run variance is not positive and h > 1 the test is redone with
 * h = 1.  Undefined (defined = false) when n < 2, when the variance is
 * zero at h = 1 (identical losses), or when the HLN factor is not positive
 * (h too large for n).  FC_ERR_BAD_ARGUMENT for h < 1 or bad segments.
 */
extern FcStatus fc_dm_test(const double *d, int64_t n, const int64_t *seg_start,
						   int64_t nseg, int h, FcDmResult *out);

#endif							/* FC_DMTEST_H */
