/*
 * fit.h
 *	  Pieces of the fit aggregate (fit.c) that other SQL faces reuse: from
 *	  raw (t, y) observations to a regular series, and the seasonal period
 *	  choice.  Both ereport with the same SQLSTATEs and messages as
 *	  forecastin.fit, so every aggregate over series rejects the same input
 *	  in the same words.
 */
#ifndef FC_FIT_H
#define FC_FIT_H

#include "postgres.h"
#include "fmgr.h"

#include "model.h"
#include "options.h"
#include "timeaxis.h"

/*
 * Sort the n observations of pts (modified in place; timestamptz values
 * that share one local time of day are turned into local day numbers),
 * reject duplicates and all-NULL series, infer the grid and fill gaps by the
 * `missing` policy (an FcMissingPolicy).  Returns the palloc'd grid values
 * (axis->length of them) and fills *axis and *n_missing.  When observed is
 * not NULL, *observed receives a palloc'd flag per grid point: true where
 * the input had a non-NULL value, false where the value was filled in.
 */
extern double *fc_fit_regular_series(FcPoint *pts, int n, FcTimeKind kind,
									 int missing, FcTimeAxis *axis,
									 int64 *n_missing, bool **observed);

/*
 * The seasonal period forecastin.fit uses for the regular series y[0..n):
 * options.period, else the step's usual period when the 90% ACF test
 * agrees, else 1.  Fills info->period_source, detected_period and
 * params[FC_P_SEASON_TEST] (info->params must be initialised to NaN).
 */
/* A transition function's time argument as int64; NULL/infinite: ERROR. */
extern int64 fc_time_arg(FunctionCallInfo fcinfo, int argno, FcTimeKind kind);

extern int	fc_fit_choose_period(const FcOptions *opts, const FcTimeAxis *axis,
								 const double *y, int n, FcModel *info);

#endif							/* FC_FIT_H */
