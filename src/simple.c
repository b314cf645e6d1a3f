/*
 * simple.c
 *	  Naive, seasonal naive, mean and drift forecasts.
 *
 * Residual standard deviations follow the conventions of R's forecast
 * package (naive/snaive: root mean square of the differences; drift: the
 * sample standard deviation of the differences around their mean; mean:
 * the sample standard deviation with a Student t quantile), so intervals
 * agree with what users of that package know.
 */
#include "fc_port.h"

#include <math.h>

#include <gsl/gsl_cdf.h>

#include "simple.h"

int
fc_simple_min_length(FcSimpleKind kind, int m)
{
	switch (kind)
	{
		case FC_SIMPLE_DRIFT:
			return 2;
		case FC_SIMPLE_SNAIVE:
			return m > 1 ? m : 1;
		default:
			return 1;
	}
}

/* Root mean square of y_t - y_{t-lag}, NaN when there is no difference. */
static double
rms_diff(const double *y, int n, int lag)
{
	double		ss = 0.0;
	int			t;

	if (n <= lag)
		return NAN;
	for (t = lag; t < n; t++)
		ss += (y[t] - y[t - lag]) * (y[t] - y[t - lag]);
	return sqrt(ss / (n - lag));
}

FcStatus
fc_simple_fit(FcSimpleKind kind, const double *y, int n, int m,
			  FcSimpleModel *out)
{
	int			keep;
	int			t;

	if (m < 1)
		m = 1;
	if (n < fc_simple_min_length(kind, m))
		return FC_ERR_TOO_SHORT;

	out->kind = kind;
	out->n = n;
	out->m = (kind == FC_SIMPLE_SNAIVE) ? m : 1;
	out->mean = 0.0;
	out->slope = 0.0;
	out->sigma = NAN;
	keep = out->m;
	if (out->last == NULL)
		out->last = fc_alloc(sizeof(double) * keep);
	for (t = 0; t < keep; t++)
		out->last[t] = y[n - keep + t];

	switch (kind)
	{
		case FC_SIMPLE_NAIVE:
			out->sigma = rms_diff(y, n, 1);
			break;
		case FC_SIMPLE_SNAIVE:
			out->sigma = rms_diff(y, n, m);
			break;
		case FC_SIMPLE_MEAN:
			{
				double		ss = 0.0;

				for (t = 0; t < n; t++)
					out->mean += y[t];
				out->mean /= n;
				for (t = 0; t < n; t++)
					ss += (y[t] - out->mean) * (y[t] - out->mean);
				out->sigma = n > 1 ? sqrt(ss / (n - 1)) : NAN;
				break;
			}
		case FC_SIMPLE_DRIFT:
			{
				double		ss = 0.0;

				out->slope = (y[n - 1] - y[0]) / (n - 1);
				for (t = 1; t < n; t++)
				{
					double		e = (y[t] - y[t - 1]) - out->slope;

					ss += e * e;
				}
				out->sigma = n > 2 ? sqrt(ss / (n - 2)) : NAN;
				break;
			}
	}
	return FC_OK;
}

FcStatus
fc_simple_forecast(const FcSimpleModel *fit, int h, double level,
				   double *mean, double *lo, double *hi)
{
	double		z;
	int			k;

	if (h < 1 || !(level > 0.0 && level < 1.0))
		return FC_ERR_BAD_ARGUMENT;
	if (fit->kind == FC_SIMPLE_MEAN && fit->n > 1)
		z = gsl_cdf_tdist_Pinv(0.5 + level / 2.0, fit->n - 1);
	else
		z = gsl_cdf_ugaussian_Pinv(0.5 + level / 2.0);

	for (k = 0; k < h; k++)
	{
		double		step = k + 1;
		double		se;

		switch (fit->kind)
		{
			case FC_SIMPLE_NAIVE:
				mean[k] = fit->last[0];
				se = fit->sigma * sqrt(step);
				break;
			case FC_SIMPLE_SNAIVE:
				mean[k] = fit->last[k % fit->m];
				se = fit->sigma * sqrt((double) (k / fit->m) + 1.0);
				break;
			case FC_SIMPLE_MEAN:
				mean[k] = fit->mean;
				se = fit->sigma * sqrt(1.0 + 1.0 / fit->n);
				break;
			case FC_SIMPLE_DRIFT:
			default:
				mean[k] = fit->last[0] + step * fit->slope;
				se = fit->sigma * sqrt(step * (1.0 + step / (fit->n - 1)));
				break;
		}
		lo[k] = mean[k] - z * se;
		hi[k] = mean[k] + z * se;
	}
	return FC_OK;
}
