/*
 * router.c
 *	  auto: the best forecaster forecastin has for each series.
 *
 * The choice uses the training series only, and fits each candidate once,
 * so auto never costs more than the sum of its candidates:
 *
 *	 0. Too short for anything but ETS's own fallbacks (fewer than
 *		FC_AUTO_MIN_ENSEMBLE points): ETS, falling back as ets does.
 *	 1. Intermittent or lumpy demand (non-negative, an average interval
 *		between sales of at least 1.32 counted from the first sale, the
 *		Syntetos-Boylan cut): SBA, the bias-corrected Croston that the
 *		literature finds most reliable for such series.  Smooth methods
 *		forecast the zeros poorly and ARIMA/ETS likelihoods assume a
 *		continuous distribution.
 *	 2. Several seasonal periods that fit at least twice in the series
 *		(hourly data: day and week): the median of MSTL+ARIMA, MSTL+ETS,
 *		the same two on log(y) when y > 0, seasonal ARIMA and seasonal
 *		naive with the shortest period.  MSTL removes every seasonal
 *		pattern, the adjusted series is forecast by a non-seasonal model,
 *		the seasons are added back; the log versions suit seasons whose
 *		amplitude grows with the level.
 *	 3. Otherwise the median of ETS, ARIMA and Theta, as combinations of
 *		these three did well in the M3 and M4 competitions.  With a season
 *		longer than ETS estimates (and two cycles of history), MSTL+ETS
 *		stands in for ETS.
 *
 * The compositions in 2 and 3 were chosen on a validation split of the M4
 * training data (the last 13 weekly / 48 hourly points of each training
 * series held out), never on the M4 test data: see test/bench/README.md.
 */
#include "postgres.h"

#include <math.h>

#include "composite.h"
#include "intermittent.h"
#include "methods.h"
#include "router.h"

/* Below this many points the members mostly fall back to the same naive/SES. */
#define FC_AUTO_MIN_ENSEMBLE 10

static const uint8 trio[] = {FC_METHOD_ETS, FC_METHOD_ARIMA, FC_METHOD_THETA};

/*
 * Rule 2: the multiple-seasonality ensemble.  Members fall back as usual;
 * their fallbacks are shown in model_info, not counted once more.
 */
static FcModel *
fit_multi_seasonal(const double *y, int n, const int *periods, int nperiods,
				   const FcOptions *opts)
{
	static const uint8 adjusted[] = {FC_METHOD_ARIMA, FC_METHOD_ETS};
	FcModel    *subs[FC_MAX_MEMBERS];
	FcFallbackTally tally;
	int			k = 0;

	fc_fallbacks_save(&tally);
	/* one decomposition per scale, shared by the two adjusted-series models */
	k += fc_fit_mstl_models(y, n, periods, nperiods, false, adjusted,
							lengthof(adjusted), opts, subs + k);
	if (fc_all_positive(y, n))
		k += fc_fit_mstl_models(y, n, periods, nperiods, true, adjusted,
								lengthof(adjusted), opts, subs + k);
	subs[k++] = fc_fit_series(y, n, periods[0], FC_METHOD_ARIMA, opts);
	subs[k++] = fc_fit_series(y, n, periods[0], FC_METHOD_SNAIVE, opts);
	fc_fallbacks_restore(&tally);
	return fc_ensemble_of(subs, k, FC_COMBINE_MEDIAN, n, periods[0]);
}

/*
 * Rule 3 with a season longer than ETS estimates (weekly data with period
 * 52): ETS would drop the season, so its place goes to MSTL+ETS, the usual
 * remedy for long periods (STL decomposition, ETS on the adjusted series).
 */
static FcModel *
fit_long_season_trio(const double *y, int n, int m, const FcOptions *opts)
{
	FcModel    *subs[3];
	FcFallbackTally tally;

	fc_fallbacks_save(&tally);
	subs[0] = fc_fit_mstl(y, n, &m, 1, FC_METHOD_ETS, false, opts);
	if (subs[0] == NULL)		/* cannot happen with 2m < n; be safe */
		subs[0] = fc_fit_series(y, n, m, FC_METHOD_ETS, opts);
	subs[1] = fc_fit_series(y, n, m, FC_METHOD_ARIMA, opts);
	subs[2] = fc_fit_series(y, n, m, FC_METHOD_THETA, opts);
	fc_fallbacks_restore(&tally);
	return fc_ensemble_of(subs, 3, FC_COMBINE_MEDIAN, n, m);
}

/*
 * Intermittent or lumpy demand (ADI >= 1.32, the Syntetos-Boylan cut),
 * judged from the first sale on: the days before it say nothing about
 * demand (the product may not have been on sale yet) and would make every
 * recent launch look intermittent.  ADI here is the span from the first
 * sale to the end over the number of sales, so that a lone early sale
 * followed by silence counts as intermittent.
 */
static bool
is_intermittent_demand(const double *y, int n)
{
	int			i,
				lead = 0,
				sales = 0;

	for (i = 0; i < n; i++)
	{
		if (!(y[i] >= 0.0))
			return false;
		sales += (y[i] > 0.0);
	}
	if (sales == 0)
		return true;			/* no demand at all: SBA forecasts zero */
	while (y[lead] == 0.0)
		lead++;
	return (double) (n - lead) / sales >= FC_ADI_CUTOFF;
}

FcModel *
fc_fit_auto(const double *y, int n, int m, const FcOptions *opts)
{
	int			usable[FC_MAX_PERIODS];
	int			nusable = 0;

	if (n < FC_AUTO_MIN_ENSEMBLE)
		return fc_fit_ets_auto(y, n, m, opts, FC_METHOD_AUTO);
	if (is_intermittent_demand(y, n))
		return fc_fit_series(y, n, 1, FC_METHOD_SBA, opts);

	if (opts->nperiods > 1)
		nusable = fc_mstl_usable_periods(opts->periods, opts->nperiods, n, usable);
	if (nusable > 1)
		return fit_multi_seasonal(y, n, usable, nusable, opts);

	if (m > FC_ETS_MAX_PERIOD && 2 * m < n)
		return fit_long_season_trio(y, n, m, opts);
	return fc_fit_ensemble(y, n, m, trio, lengthof(trio), FC_COMBINE_MEDIAN, opts);
}

const char *
fc_auto_reason(const FcModel *model, char *buf, size_t len)
{
	if (model->requested != FC_METHOD_AUTO)
		return NULL;
	switch (model->method)
	{
		case FC_METHOD_SBA:
			snprintf(buf, len, "intermittent demand: average interval between sales, from the first sale on, at least %.2f: SBA",
					 FC_ADI_CUTOFF);
			break;
		case FC_METHOD_ENSEMBLE:
			/* states[2] is the first member's method (composite.h) */
			if (model->nstates > 2 && model->states[2] == FC_METHOD_MSTL &&
				model->states[0] == 3)
				snprintf(buf, len, "season longer than ETS estimates: median of MSTL+ETS, ARIMA and Theta");
			else if (model->nstates > 2 && model->states[2] == FC_METHOD_MSTL)
				snprintf(buf, len, "several seasonal periods: median of MSTL models, seasonal ARIMA and seasonal naive");
			else
				snprintf(buf, len, "median of ETS, ARIMA and Theta");
			break;
		default:
			snprintf(buf, len, "%d observations: too short for the ensemble, %s",
					 model->n, fc_method_name(model->method));
			break;
	}
	return buf;
}
