/*
 * stl.h
 *	  STL, seasonal-trend decomposition based on loess (Cleveland, Cleveland,
 *	  McRae & Terpenning 1990, J. Official Statistics 6(1), 3-73), with the
 *	  parameters and defaults of R's stats::stl:
 *
 *	  y = seasonal + trend + remainder.
 *
 *	  Inner loop (repeated `inner` times): detrend; smooth each cycle-subseries
 *	  by loess (s_window, s_degree), extended one period at each end; low-pass
 *	  filter that (moving averages of lengths np, np, 3, then loess with
 *	  l_window, l_degree); seasonal = smoothed subseries - low-pass;
 *	  deseasonalise; trend = loess (t_window, t_degree) of the deseasonalised
 *	  series.  Outer loop (`outer` times after the first pass): robustness
 *	  weights from the bisquare of |remainder| / (6 median |remainder|) enter
 *	  the subseries and trend smoothers.  A loess with jump j is evaluated at
 *	  every j-th point (and the last) and interpolated linearly in between.
 *
 *	  Where the paper leaves a detail open we do what R's stl does, so that
 *	  results agree with R to rounding (test/unit/mstl_test.c):
 *	  - a loess window q larger than the series length n uses the largest
 *		distance plus floor((q - n) / 2) as its bandwidth;
 *	  - a local line falls back to a local constant when the weighted spread
 *		of the abscissae is below 1e-3 of the series' extent;
 *	  - tricube and bisquare weights are exactly 1 for distances up to 1e-3
 *		of the scale and exactly 0 beyond 0.999 of it;
 *	  - "periodic" is a window of 10n + 1 with degree 0, and the seasonal
 *		returned is then made exactly periodic (per-position means), the
 *		remainder being y - seasonal - trend.
 *
 *	  One deliberate difference: the robustness scale is 6 times the true
 *	  median of |remainder|.  For even n, R's stl averages the (n/2)-th
 *	  smallest value with the value its partial sort leaves at position
 *	  n/2 + 1, which is not always the (n/2+1)-th smallest (UKgas, n = 108:
 *	  the 59th after five passes).  Robust fits of even-length series can
 *	  therefore differ from R's; for odd n they agree to rounding.
 *
 * Plain-array kernel: no fmgr; O(n + period) scratch from fc_alloc.
 */
#ifndef FC_STL_H
#define FC_STL_H

#include "fc_port.h"

/* s_window value asking for a periodic (constant per position) seasonal */
#define FC_STL_PERIODIC (-1)

/*
 * Settings.  fc_stl_control_init sets R's defaults; fields documented as
 * "0 = default" (or -1) are resolved at fit time from the others, so that
 * changing s_window or robust after init changes them as it would in R.
 * Windows must be >= 3; an even window is raised to the next odd number
 * (as R does).  Degrees are 0 or 1.  Jumps >= 1.
 */
typedef struct FcStlControl
{
	int			period;			/* np >= 2 */
	int			s_window;		/* >= 3, or FC_STL_PERIODIC */
	int			s_degree;		/* 0 (default); forced 0 when periodic */
	int			t_window;		/* 0 = nextodd(ceil(1.5 np / (1 - 1.5 /
								 * s_window))) */
	int			t_degree;		/* 1 */
	int			l_window;		/* 0 = nextodd(np) */
	int			l_degree;		/* -1 = t_degree */
	int			s_jump;			/* 0 = ceil(s_window / 10) */
	int			t_jump;			/* 0 = ceil(t_window / 10) */
	int			l_jump;			/* 0 = ceil(l_window / 10) */
	bool		robust;			/* only sets the defaults of inner, outer */
	int			inner;			/* 0 = robust ? 1 : 2 */
	int			outer;			/* -1 = robust ? 15 : 0 */
} FcStlControl;

extern void fc_stl_control_init(FcStlControl *c, int period, int s_window);

/*
 * Decompose y[0..n-1].  Needs period >= 2 and sensible settings
 * (FC_ERR_BAD_ARGUMENT), n > 2 * period (FC_ERR_TOO_SHORT), finite y
 * (FC_ERR_NONFINITE).  seasonal and trend receive n values each; remainder
 * (n values) may be NULL.  weights, when not NULL, receives the final
 * robustness weights (all 1 when outer = 0).
 */
extern FcStatus fc_stl(const double *y, int n, const FcStlControl *c,
					   double *seasonal, double *trend, double *remainder,
					   double *weights);

#endif							/* FC_STL_H */
