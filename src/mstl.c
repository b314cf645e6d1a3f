/*
 * mstl.c
 *	  Multiple seasonal decomposition by repeated STL (see mstl.h).
 */
#include "fc_port.h"

#include <math.h>

#include "mstl.h"
#include "stl.h"

void
fc_mstl_control_init(FcMstlControl *c)
{
	int			i;

	c->iterate = 2;
	for (i = 0; i < FC_MSTL_MAX_PERIODS; i++)
		c->s_window[i] = 0;
	c->robust = false;
}

/*
 * Sorted copy of the usable periods.  Returns FC_ERR_BAD_ARGUMENT for an
 * impossible list; *nused = 0 when every period is too long for n.
 */
static FcStatus
usable_periods(const int *periods, int nperiods, int n, int *used, int *nused)
{
	int			i,
				j,
				k = 0;

	*nused = 0;
	if (nperiods < 1 || nperiods > FC_MSTL_MAX_PERIODS)
		return FC_ERR_BAD_ARGUMENT;
	for (i = 0; i < nperiods; i++)
	{
		if (periods[i] < 2)
			return FC_ERR_BAD_ARGUMENT;
		for (j = 0; j < i; j++)
			if (periods[j] == periods[i])
				return FC_ERR_BAD_ARGUMENT;
	}
	for (i = 0; i < nperiods; i++)
	{
		int			p = periods[i];

		/* STL needs more than two full cycles (R: drop if p >= n / 2) */
		if (2LL * p >= n)
			continue;
		/* insertion keeps used[] ascending */
		for (j = k; j > 0 && used[j - 1] > p; j--)
			used[j] = used[j - 1];
		used[j] = p;
		k++;
	}
	*nused = k;
	return FC_OK;
}

FcStatus
fc_mstl(const double *y, int n, const int *periods, int nperiods,
		const FcMstlControl *c, int *used_periods, int *nused, double *trend,
		double *seasonal, double *remainder)
{
	int			used[FC_MSTL_MAX_PERIODS];
	int			k,
				iterate,
				it,
				i,
				t;
	double	   *deseas;
	FcStatus	st;

	*nused = 0;
	st = usable_periods(periods, nperiods, n, used, &k);
	if (st != FC_OK)
		return st;
	for (i = 0; i < k; i++)
		if (c->s_window[i] != 0 && c->s_window[i] != FC_STL_PERIODIC &&
			c->s_window[i] < 3)
			return FC_ERR_BAD_ARGUMENT;
	for (t = 0; t < n; t++)
		if (!isfinite(y[t]))
			return FC_ERR_NONFINITE;
	if (k == 0)
		return FC_ERR_TOO_SHORT;
	iterate = c->iterate < 1 ? 1 : c->iterate;	/* as R: pmax(1, iterate) */

	deseas = fc_alloc(sizeof(double) * n);
	for (t = 0; t < n; t++)
		deseas[t] = y[t];
	for (i = 0; i < k; i++)
		for (t = 0; t < n; t++)
			seasonal[(size_t) i * n + t] = 0.0;

	for (it = 0; it < iterate; it++)
	{
		for (i = 0; i < k; i++)
		{
			double	   *s = seasonal + (size_t) i * n;
			FcStlControl sc;

			fc_stl_control_init(&sc, used[i],
								c->s_window[i] ? c->s_window[i] : 7 + 4 * (i + 1));
			sc.robust = c->robust;
			for (t = 0; t < n; t++)
				deseas[t] += s[t];
			st = fc_stl(deseas, n, &sc, s, trend, NULL, NULL);
			if (st != FC_OK)
			{
				/* cannot happen after the checks above (n > 2 period, finite y) */
				fc_free(deseas);
				return st;
			}
			for (t = 0; t < n; t++)
				deseas[t] -= s[t];
		}
	}
	if (remainder)
		for (t = 0; t < n; t++)
			remainder[t] = deseas[t] - trend[t];
	for (i = 0; i < k; i++)
		used_periods[i] = used[i];
	*nused = k;
	fc_free(deseas);
	return FC_OK;
}

void
fc_mstl_seasonal_forecast(const double *seasonal, int n, const int *periods,
						  int nperiods, int h, double *out)
{
	int			i,
				j;

	for (j = 0; j < h; j++)
		out[j] = 0.0;
	for (i = 0; i < nperiods; i++)
	{
		const double *last = seasonal + (size_t) i * n + (n - periods[i]);

		for (j = 0; j < h; j++)
			out[j] += last[j % periods[i]];
	}
}
