/*
 * mstl.h
 *	  MSTL, decomposition with several seasonal periods (Bandara, Hyndman &
 *	  Bergmeir 2021, "MSTL: A Seasonal-Trend Decomposition Algorithm for
 *	  Time Series with Multiple Seasonal Patterns"), as R's forecast::mstl
 *	  (without Box-Cox and missing-value interpolation):
 *
 *	  y = trend + seasonal_1 + ... + seasonal_k + remainder.
 *
 *	  Periods are sorted ascending; those with 2 period >= n are dropped.
 *	  Starting from deseas = y and zero seasonals, `iterate` times, for each
 *	  period in turn: add that period's seasonal back to deseas, decompose
 *	  deseas by STL (stl.h) with that period, take its seasonal as the new
 *	  one and subtract it again.  The trend is that of the last STL fit and
 *	  remainder = deseas - trend.  STL runs with R's defaults except
 *	  s_window (7 + 4 i for the i-th used period, i = 1, 2, ...: 11, 15, ...)
 *	  and robust.
 *
 * Plain-array kernel: no fmgr; O(n) scratch from fc_alloc.
 */
#ifndef FC_MSTL_H
#define FC_MSTL_H

#include "fc_port.h"

#define FC_MSTL_MAX_PERIODS 4

typedef struct FcMstlControl
{
	int			iterate;		/* passes over the periods, >= 1 (default 2) */

	/*
	 * STL seasonal window of the i-th *used* period, in ascending order
	 * after dropping the periods that are too long (as R indexes s.window):
	 * 0 = default 7 + 4 (i + 1), else >= 3 or FC_STL_PERIODIC.
	 */
	int			s_window[FC_MSTL_MAX_PERIODS];
	bool		robust;			/* robust STL fits (default false) */
} FcMstlControl;

extern void fc_mstl_control_init(FcMstlControl *c);

/*
 * Decompose y[0..n-1] with the given seasonal periods (1 to
 * FC_MSTL_MAX_PERIODS of them, each >= 2, no duplicates, in any order;
 * else FC_ERR_BAD_ARGUMENT).  Non-finite y: FC_ERR_NONFINITE.  When no
 * period has n > 2 period, returns FC_ERR_TOO_SHORT (the caller may fall
 * back to a non-seasonal method) and writes nothing but *nused = 0.
 *
 * On success used_periods[0..*nused-1] are the periods kept, ascending;
 * seasonal holds *nused rows of n values (row i for used_periods[i]), so
 * the caller provides room for nperiods * n; trend and remainder n each
 * (remainder may be NULL).
 */
extern FcStatus fc_mstl(const double *y, int n, const int *periods,
						int nperiods, const FcMstlControl *c,
						int *used_periods, int *nused, double *trend,
						double *seasonal, double *remainder);

/*
 * Seasonal part of a forecast, steps 1..h into out[0..h-1]: for each
 * component (rows of seasonal as fc_mstl wrote them, periods[i] <= n) its
 * last full cycle repeated (seasonal naive per component), summed over the
 * components; as forecast::forecast.mstl / stlf add to the forecast of
 * the seasonally adjusted series.
 */
extern void fc_mstl_seasonal_forecast(const double *seasonal, int n,
									  const int *periods, int nperiods,
									  int h, double *out);

#endif							/* FC_MSTL_H */
