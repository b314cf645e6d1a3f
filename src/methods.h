/*
 * methods.h
 *	  Method dispatch: fit the requested method to a regular series (with
 *	  fallbacks for series too short for it), and forecast from a model.
 */
#ifndef FC_METHODS_H
#define FC_METHODS_H

#include "model.h"
#include "options.h"

/* Longest season ETS estimates state by state (R's ets has the same limit). */
#define FC_ETS_MAX_PERIOD 24

/*
 * Fit `requested` with seasonal period m (1 = none).  Returns a new model
 * whose method, parameters, states and fallback fields are filled; the
 * caller fills the time-axis fields.  ERRORs only when the options say
 * "short": "error" and the series is too short, or on invalid input.
 */
extern FcModel *fc_fit_series(const double *y, int n, int m,
							  FcMethod requested, const FcOptions *opts);

/* Automatic ETS with its fallbacks; `requested` names the method in errors. */
extern FcModel *fc_fit_ets_auto(const double *y, int n, int m, const FcOptions *opts,
								FcMethod requested);

/*
 * The model's method, form and estimated coefficients applied to y, in
 * practice the series it was fitted to with more observations at the end
 * (as R's Arima(y, model = fit)): states and residuals are recomputed, the
 * coefficients are not re-estimated.  ARIMA keeps every coefficient; ETS
 * keeps its form and smoothing parameters (the initial states, which y's
 * new end does not inform, are re-estimated); mstl decomposes y again and
 * applies its adjusted-series model to the new adjusted series; ensembles
 * apply each member.  Methods without costly estimation (naive, snaive,
 * theta, ...) are simply fitted to y, as is a model the above cannot
 * apply (an ETS form y is too short for).
 */
extern FcModel *fc_reapply_model(const FcModel *model, const double *y, int n,
								 const FcOptions *opts);

/*
 * For methods whose states are a kernel's packed model (theta, croston,
 * ...): does the kernel accept them?  True for every other method.
 */
extern bool fc_packed_states_valid(const FcModel *model);

/* Point forecasts and intervals (NaN where undefined) for steps 1..h. */
extern void fc_forecast_model(const FcModel *model, int h, double level,
							  double *mean, double *lo, double *hi);

/* Fallbacks in the current statement (reported by one NOTICE at its end). */
extern int	fc_fallback_count;
extern int	fc_fallback_by_reason[8];

/*
 * The members of a composite model fall back on their own (model_info shows
 * it); the series is counted once, by the composite.  Save the tally before
 * fitting members and restore it after.
 */
typedef struct FcFallbackTally
{
	int			count;
	int			by_reason[8];
} FcFallbackTally;

extern void fc_fallbacks_save(FcFallbackTally *t);
extern void fc_fallbacks_restore(const FcFallbackTally *t);

/* Is every value > 0 (multiplicative forms, log transforms)? */
extern bool fc_all_positive(const double *y, int n);
/* Is every value >= 0 (square-root transform)? */
extern bool fc_all_nonnegative(const double *y, int n);

#endif							/* FC_METHODS_H */
