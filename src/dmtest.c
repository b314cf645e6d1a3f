/*
 * dmtest.c
 *	  Diebold-Mariano test with the Harvey-Leybourne-Newbold correction
 *	  (see dmtest.h).  Follows R's forecast::dm.test (varestimator "acf")
 *	  step by step, so that the two agree to rounding on one series.
 */
#include <math.h>

#include <gsl/gsl_cdf.h>

#include "dmtest.h"

/* Autocovariance at lag k, pooled within sequences, divided by n. */
static double
pooled_autocov(const double *d, int64_t n, const int64_t *seg_start, int64_t nseg,
			   double mean, int k)
{
	double		sum = 0.0;
	int64_t		s;

	for (s = 0; s < nseg; s++)
	{
		int64_t		lo = seg_start[s];
		int64_t		hi = (s + 1 < nseg) ? seg_start[s + 1] : n;
		int64_t		t;

		for (t = lo + k; t < hi; t++)
			sum += (d[t] - mean) * (d[t - k] - mean);
		if (((s + 1) & 1023) == 0)
			fc_check_interrupts();
	}
	return sum / (double) n;
}

FcStatus
fc_dm_test(const double *d, int64_t n, const int64_t *seg_start, int64_t nseg,
		   int h, FcDmResult *out)
{
	double		mean = 0.0;
	double		var;
	double		factor;
	int64_t		t;
	int			k;

	out->defined = false;
	out->statistic = NAN;
	out->p_value = NAN;
	out->mean_diff = NAN;
	out->n = n;
	out->horizon_used = h;
	if (h < 1 || n < 0 || nseg < 0 || (n > 0 && (nseg < 1 || seg_start[0] != 0)))
		return FC_ERR_BAD_ARGUMENT;
	for (t = 1; t < nseg; t++)
		if (seg_start[t] <= seg_start[t - 1] || seg_start[t] >= n)
			return FC_ERR_BAD_ARGUMENT;
	if (n == 0)
		return FC_OK;

	for (t = 0; t < n; t++)
		mean += d[t];
	mean /= (double) n;
	out->mean_diff = mean;
	if (n < 2)
		return FC_OK;

	for (;;)
	{
		var = pooled_autocov(d, n, seg_start, nseg, mean, 0);
		for (k = 1; k < h && k < n; k++)
		{
			fc_check_interrupts();	/* h lags of O(n) each */
			var += 2.0 * pooled_autocov(d, n, seg_start, nseg, mean, k);
		}
		var /= (double) n;
		if (var > 0.0 || h == 1)
			break;
		h = 1;					/* R: "Variance is negative ... Proceeding with horizon h=1" */
	}
	out->horizon_used = h;
	if (!(var > 0.0))
		return FC_OK;			/* identical losses: no test */

	factor = ((double) n + 1.0 - 2.0 * h + ((double) h / (double) n) * (h - 1)) / (double) n;
	if (!(factor > 0.0))
		return FC_OK;
	out->statistic = mean / sqrt(var) * sqrt(factor);
	out->p_value = 2.0 * gsl_cdf_tdist_P(-fabs(out->statistic), (double) (n - 1));
	out->defined = isfinite(out->statistic) && isfinite(out->p_value);
	return FC_OK;
}
