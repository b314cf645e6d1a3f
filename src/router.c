/*
 * router.c
 *	  auto: the best forecaster forecastin has for each series.
 *
 * The choice uses the training series only, and estimates each candidate
 * once, so auto costs about the sum of its candidates (on M4 hourly 0.89 of
 * it, median of 5 rounds: test/bench/README.md, auto_cost.sh):
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
 *		(hourly data: day and week): per series, the candidate that best
 *		forecasts the series' last two cycles of the shortest period when
 *		fitted without them (rolling-origin evidence with one origin).  The
 *		candidates: MSTL with ARIMA, ETS or Theta on the adjusted series
 *		of sqrt(y) (of y when y has negatives), the same on log(y) when
 *		y > 0, seasonal ARIMA, seasonal naive with each period, knn (the
 *		nearest earlier days), and the median of MSTL+ARIMA and MSTL+ETS
 *		on sqrt(y), seasonal naive with each period, and knn combining its
 *		neighbours by median and by mean.  MSTL removes every seasonal
 *		pattern, the adjusted series is forecast by a non-seasonal model,
 *		the seasons are added back; the log versions suit seasons whose
 *		amplitude grows with the level.  The winner is applied to the whole
 *		series with the coefficients estimated without the last two cycles
 *		(fc_reapply_model), so each candidate is still estimated only once.
 *		Option holdout sets how many points are held out (0: none, the
 *		median without a choice).
 *	 3. Otherwise the median of ETS, ARIMA and Theta, as combinations of
 *		these three did well in the M3 and M4 competitions.  With a season
 *		longer than ETS estimates (and two cycles of history), MSTL+ETS
 *		stands in for ETS.
 *
 * The compositions in 2 and 3 were chosen on a validation split of the M4
 * training data (the last 13 weekly / 48 hourly points of each training
 * series held out; for 2, the selection itself held out the 48 before
 * those), never on the M4 test data: see test/bench/README.md.
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
 * Rule 2: several seasonal periods.  The candidates are fitted to the series
 * without its last h = FC_AUTO_HOLDOUT_CYCLES cycles of the shortest period
 * and forecast those h points; the candidate whose forecasts were best is
 * then applied to the whole series with the coefficients estimated on the
 * shorter one (fc_reapply_model), so every candidate is estimated once.
 *
 * Candidates: MSTL with ARIMA, ETS and Theta on the adjusted series of
 * sqrt(y) (of y when y has negatives; validation split 0.424 against 0.429
 * on y), the same three on log(y) when y > 0, seasonal ARIMA with the
 * shortest period, seasonal naive with each period, knn with the shortest
 * period, and the median (candidate [0], so it wins ties) of six: MSTL+ARIMA
 * and MSTL+ETS on the first scale, seasonal naive with each period, knn,
 * and knn with {"variant": "mean"} (a member of the median only).
 *
 * The median leans on the models that copy earlier cycles (four of six):
 * on the M4 hourly validation split this median alone scores 6-11 % better
 * (sMAPE and MASE) than the previous one of MSTL+ARIMA and MSTL+ETS on two
 * scales, seasonal ARIMA, seasonal naive and knn, on each of three
 * held-out windows, and auto 0.414 against 0.424
 * (test/bench/auto_select_trials.sh).  Seasonal ARIMA, 80 % of auto's
 * time, stays a single candidate: without it auto scored 0.435.  Regular
 * series (traffic, electricity) are often best served by a seasonal naive,
 * knn or an MSTL model alone, noisier ones by the median.
 *
 * The score of a candidate is the mean of its sMAPE and its MAE over the
 * held-out points, each divided by the median of that measure over the
 * candidates (so neither measure's scale dominates); a single model must
 * beat the median's score by FC_AUTO_SINGLE_MARGIN to be chosen.
 */
#define FC_AUTO_HOLDOUT_CYCLES 2
/*
 * A single candidate replaces the median only when its score is at least
 * this much lower (one held-out stretch is noisy evidence; the median is
 * the safer bet).  Validation split: OWA 0.447 with 0.2, 0.454 with 0.
 */
#define FC_AUTO_SINGLE_MARGIN 0.2
#define FC_AUTO_MULTI_SEASONAL_TEXT "the candidate that best forecast the held-out end of the series (option holdout, default two cycles of the shortest period; the median when nothing can be held out)"
#define FC_AUTO_MAX_CANDIDATES (10 + FC_MAX_PERIODS)
StaticAssertDecl(FC_MAX_SUBMODELS >= 4 + FC_MAX_PERIODS,
				 "auto's median has up to 4 + FC_MAX_PERIODS members");

typedef struct Candidates
{
	int			k;				/* models: [0] the median, then the singles */
	int			nsingle;		/* [1..nsingle-1] may win alone; the rest
								 * serve the median only */
	FcModel    *model[FC_AUTO_MAX_CANDIDATES];	/* NULL for the median */
	int			median_of[FC_MAX_SUBMODELS];	/* indexes of its members */
	int			nmedian;
} Candidates;

/* Append a fitted model; it joins the median when in_median. */
static void
add_candidate(Candidates *c, FcModel *model, bool in_median)
{
	if (in_median)
		c->median_of[c->nmedian++] = c->k;
	c->model[c->k++] = model;
}

/*
 * Fit the candidates to y[0..n-1] (all of them, or only the median's
 * members with median_only).  [0] is the median (model NULL).  The MSTL
 * models work on each of the nscales scales; those on the first scale with
 * ARIMA and ETS join the median.  knn with the mean of its neighbours is a
 * member of the median only, beside knn's default (the median of them).
 */
static void
fit_candidates(const double *y, int n, const int *periods, int nperiods,
			   const FcTransform *scales, int nscales, bool median_only,
			   const FcOptions *opts, Candidates *c)
{
	static const uint8 adjusted[] = {FC_METHOD_ARIMA, FC_METHOD_ETS, FC_METHOD_THETA};
	FcOptions	knn_opts = *opts;
	int			first,
				i;

	memset(c, 0, sizeof(*c));
	c->k = 1;					/* [0]: the median */
	for (i = 0; i < (median_only ? 1 : nscales); i++)
	{
		first = c->k;
		c->k += fc_fit_mstl_models(y, n, periods, nperiods, scales[i], adjusted,
								   median_only ? 2 : 3, opts, c->model + c->k);
		if (i == 0 && c->k > first) /* MSTL+ARIMA and MSTL+ETS */
		{
			c->median_of[c->nmedian++] = first;
			c->median_of[c->nmedian++] = first + 1;
		}
	}
	if (!median_only)
		add_candidate(c, fc_fit_series(y, n, periods[0], FC_METHOD_ARIMA, opts), false);
	for (i = 0; i < nperiods; i++)
		add_candidate(c, fc_fit_series(y, n, periods[i], FC_METHOD_SNAIVE, opts), true);
	knn_opts.variant = FC_VARIANT_DEFAULT;
	add_candidate(c, fc_fit_series(y, n, periods[0], FC_METHOD_KNN, &knn_opts), true);
	c->nsingle = c->k;
	knn_opts.variant = FC_VARIANT_MEAN;
	add_candidate(c, fc_fit_series(y, n, periods[0], FC_METHOD_KNN, &knn_opts), true);
}

/* The median model of the candidates (which it frees). */
static FcModel *
median_model(Candidates *c, int n, int m)
{
	FcModel    *subs[FC_MAX_SUBMODELS];
	int			i;

	for (i = 0; i < c->nmedian; i++)
	{
		subs[i] = c->model[c->median_of[i]];
		c->model[c->median_of[i]] = NULL;
	}
	for (i = 1; i < c->k; i++)
		if (c->model[i] != NULL)
			pfree(c->model[i]);
	return fc_ensemble_of(subs, c->nmedian, FC_COMBINE_MEDIAN, n, m);
}

/* sMAPE (in %, 0 where actual and forecast are both 0) and MAE of f against a. */
static void
holdout_errors(const double *a, const double *f, int h, double *smape, double *mae)
{
	double		se = 0.0,
				ae = 0.0;
	int			t;

	for (t = 0; t < h; t++)
	{
		double		d = fabs(a[t] - f[t]),
					s = fabs(a[t]) + fabs(f[t]);

		ae += d;
		se += s > 0.0 ? 200.0 * d / s : 0.0;
	}
	*smape = isfinite(se) ? se / h : INFINITY;
	*mae = isfinite(ae) ? ae / h : INFINITY;
}

/* Index of the candidate whose forecasts of actual[0..h-1] score best. */
static int
best_on_holdout(const Candidates *c, const double *actual, int h)
{
	double	   *fc = palloc(sizeof(double) * h * (c->k + 2));
	double	   *lo = fc + (size_t) h * c->k,
			   *hi = lo + h;
	double		smape[FC_AUTO_MAX_CANDIDATES],
				mae[FC_AUTO_MAX_CANDIDATES],
				sorted[FC_AUTO_MAX_CANDIDATES],
				msmape,
				mmae,
				best = INFINITY;
	int			i,
				t,
				chosen = 0;

	for (i = 1; i < c->k; i++)
		fc_forecast_model(c->model[i], h, 0.95, fc + (size_t) h * i, lo, hi);
	for (t = 0; t < h; t++)
	{
		double		v[FC_MAX_SUBMODELS];

		for (i = 0; i < c->nmedian; i++)
			v[i] = fc[(size_t) h * c->median_of[i] + t];
		fc[t] = fc_combine_values(v, c->nmedian, FC_COMBINE_MEDIAN);
	}
	/* the median [0] and the singles compete; median-only members do not */
	for (i = 0; i < c->nsingle; i++)
		holdout_errors(actual, fc + (size_t) h * i, h, &smape[i], &mae[i]);
	/* medians of copies: smape[] and mae[] stay in candidate order */
	memcpy(sorted, smape, sizeof(double) * c->nsingle);
	msmape = fc_combine_values(sorted, c->nsingle, FC_COMBINE_MEDIAN);
	memcpy(sorted, mae, sizeof(double) * c->nsingle);
	mmae = fc_combine_values(sorted, c->nsingle, FC_COMBINE_MEDIAN);
	for (i = 0; i < c->nsingle; i++)
	{
		double		score = 0.5 * (smape[i] / (msmape > 0.0 ? msmape : 1.0) +
								   mae[i] / (mmae > 0.0 ? mmae : 1.0));

		/* the median [0] stays unless a single model is clearly better */
		if (i > 0)
			score /= 1.0 - FC_AUTO_SINGLE_MARGIN;
		if (score < best)		/* NaN never wins */
		{
			best = score;
			chosen = i;
		}
	}
	pfree(fc);
	return chosen;
}

static FcModel *
fit_multi_seasonal(const double *y, int n, const int *periods, int nperiods,
				   const FcOptions *opts)
{
	int			h = opts->holdout >= 0 ? opts->holdout : FC_AUTO_HOLDOUT_CYCLES * periods[0];
	int			usable[FC_MAX_PERIODS];
	FcTransform scales[2];
	int			nscales = 0;
	FcFallbackTally tally;
	Candidates	c;
	FcModel    *model;
	int			chosen,
				i;

	/*
	 * MSTL on sqrt(y) when y >= 0 (else on y), and on log(y) too when y > 0:
	 * demand's seasonal swings grow with its level, which the square root
	 * evens out without log's pull on values near zero.
	 */
	scales[nscales++] = fc_all_nonnegative(y, n) ? FC_TRANSFORM_SQRT : FC_TRANSFORM_NONE;
	if (fc_all_positive(y, n))
		scales[nscales++] = FC_TRANSFORM_LOG;
	fc_fallbacks_save(&tally);
	if (h == 0 || h >= n ||
		fc_mstl_usable_periods(periods, nperiods, n - h, usable) < nperiods)
	{
		/* nothing held out, or too short to: the median, fitted to all of y */
		fit_candidates(y, n, periods, nperiods, scales, nscales, true, opts, &c);
		model = median_model(&c, n, periods[0]);
		fc_fallbacks_restore(&tally);
		return model;
	}
	fit_candidates(y, n - h, periods, nperiods, scales, nscales, false, opts, &c);
	chosen = best_on_holdout(&c, y + n - h, h);
	if (chosen == 0)
	{
		FcModel    *med = median_model(&c, n - h, periods[0]);

		model = fc_reapply_model(med, y, n, opts);
		pfree(med);
	}
	else
	{
		model = fc_reapply_model(c.model[chosen], y, n, opts);
		for (i = 1; i < c.k; i++)
			pfree(c.model[i]);
	}
	fc_fallbacks_restore(&tally);
	return model;
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
	subs[0] = fc_fit_mstl(y, n, &m, 1, FC_METHOD_ETS, FC_TRANSFORM_NONE, opts);
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
				snprintf(buf, len, "several seasonal periods: %s; chosen: the median of MSTL models, seasonal naive and knn",
						 FC_AUTO_MULTI_SEASONAL_TEXT);
			else
				snprintf(buf, len, "median of ETS, ARIMA and Theta");
			break;
		case FC_METHOD_MSTL:
		case FC_METHOD_ARIMA:
		case FC_METHOD_SNAIVE:
		case FC_METHOD_KNN:
			snprintf(buf, len, "several seasonal periods: %s; chosen: %s",
					 FC_AUTO_MULTI_SEASONAL_TEXT,
					 model->method == FC_METHOD_MSTL ? "MSTL" :
					 model->method == FC_METHOD_ARIMA ? "seasonal ARIMA" :
					 model->method == FC_METHOD_KNN ? "nearest earlier cycles (knn)" : "seasonal naive");
			break;
		default:
			snprintf(buf, len, "%d observations: too short for the ensemble, %s",
					 model->n, fc_method_name(model->method));
			break;
	}
	return buf;
}
