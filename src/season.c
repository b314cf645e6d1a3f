/*
 * season.c
 *	  Autocorrelation test for seasonality.
 */
#include "fc_port.h"

#include <math.h>

#include "season.h"

bool
fc_season_test(const double *y, int n, int m, double *ratio)
{
	double		mean = 0.0;
	double		denom = 0.0;
	double		sum_r2 = 0.0;
	double		rm = 0.0;
	double		limit;
	int			k,
				t;

	*ratio = 0.0;
	if (m < 2 || n < 3 * m)
		return false;

	for (t = 0; t < n; t++)
		mean += y[t];
	mean /= n;
	for (t = 0; t < n; t++)
		denom += (y[t] - mean) * (y[t] - mean);
	if (!(denom > 0.0) || !isfinite(denom))
		return false;

	for (k = 1; k <= m; k++)
	{
		double		num = 0.0;

		for (t = 0; t + k < n; t++)
			num += (y[t] - mean) * (y[t + k] - mean);
		if (k < m)
			sum_r2 += (num / denom) * (num / denom);
		else
			rm = num / denom;
	}
	limit = 1.645 * sqrt((1.0 + 2.0 * sum_r2) / n);
	*ratio = fabs(rm) / limit;
	return fabs(rm) > limit;
}
