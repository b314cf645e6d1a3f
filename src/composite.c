/*
 * composite.c
 *	  Ensembles and MSTL: models whose states hold other models.
 *
 * An ensemble forecasts with each member and takes, step by step, the
 * median (default) or the mean of the members' point forecasts and of their
 * interval bounds (quantile averaging).  Combinations of ETS, ARIMA and
 * Theta are among the strongest simple forecasters (M3/M4 results); the
 * median keeps one member that goes astray from dragging the rest along.
 *
 * mstl removes every seasonal pattern with MSTL (mstl.h), forecasts the
 * seasonally adjusted series (trend + remainder) with a non-seasonal method
 * (ETS by default), and adds back each seasonal component's last cycle, as
 * R's forecast::stlf/mstl do.  Its intervals are those of the adjusted
 * model: the seasonal components are treated as known.
 *
 * ets with {"combine": "aicc"} is an ensemble too: every admissible ETS
 * form, each weighted by its Akaike weight exp(-AICc/2) (normalised), as
 * Kolassa (IJF 27, 2011, 238-251) proposed in place of picking the form of
 * smallest AICc.  Forms whose weight is below FC_AICC_MIN_WEIGHT are left
 * out (they would move a forecast by less than that fraction of the spread
 * between forms) so the stored model stays small.
 *
 * Members are fitted by fc_fit_series() like any top-level model, so every
 * method's fallbacks and checks apply unchanged.
 */
#include "postgres.h"

#include <math.h>

#include "composite.h"
#include "errors.h"
#include "methods.h"
#include "mstl.h"

/* mstl keeps at most as many periods as the options can give */
StaticAssertDecl(FC_MSTL_MAX_PERIODS == FC_MAX_PERIODS,
				 "mstl and the options must agree on the number of periods");

/* ---------- combining ---------- */

/* The weights of a weighted ensemble, inside its states (NULL otherwise). */
static const double *
ensemble_weights(const FcModel *model)
{
	return model->states[1] == FC_COMBINE_AICC ? model->states + 2 : NULL;
}

/* Where the members of an ensemble start in its states. */
static int
ensemble_members_start(int k, FcCombine combine)
{
	return combine == FC_COMBINE_AICC ? 2 + k : 2;
}

double
fc_combine_values(double *v, int k, FcCombine how)
{
	int			i;
	double		sum = 0.0;

	if (k == 0)
		return NAN;
	if (how == FC_COMBINE_MEAN)
	{
		for (i = 0; i < k; i++)
			sum += v[i];
		return sum / k;
	}
	return fc_median_small(v, k);
}

/*
 * Combine column-wise: out[t] from cols[0..k-1][t], by `how`, or as the
 * mean weighted by w[] when w is given.  With `all`, a step where any member
 * has NaN is NaN (an interval is only combined from members that all have
 * one); otherwise NaN members are left out (and the weights of the others
 * renormalised).
 */
static void
combine_columns(double **cols, int k, int len, FcCombine how, const double *w,
				bool all, double *out)
{
	double		v[FC_MAX_SUBMODELS];
	int			t,
				i;

	for (t = 0; t < len; t++)
	{
		int			got = 0;
		bool		missing = false;
		double		wsum = 0.0,
					acc = 0.0;

		if ((t & 0xFFFF) == 0)
			fc_check_interrupts();
		for (i = 0; i < k; i++)
		{
			double		x = cols[i][t];

			if (isnan(x))
				missing = true;
			else if (w != NULL)
			{
				acc += w[i] * x;
				wsum += w[i];
				got++;
			}
			else
				v[got++] = x;
		}
		if ((all && missing) || got == 0)
			out[t] = NAN;
		else
			out[t] = w != NULL ? acc / wsum : fc_combine_values(v, got, how);
	}
}

/* Mean square of the finite values (NaN when there are none). */
static double
mean_square(const double *r, int n)
{
	double		ss = 0.0;
	int			cnt = 0,
				t;

	for (t = 0; t < n; t++)
		if (isfinite(r[t]))
		{
			ss += r[t] * r[t];
			cnt++;
		}
	return cnt > 0 ? ss / cnt : NAN;
}

/* ---------- ensemble ---------- */

/* The ensemble of subs[0..k-1] (which it frees), weighted when w is given. */
static FcModel *
build_ensemble(FcModel **subs, int k, FcCombine combine, const double *w, int n, int m)
{
	double	   *resid_cols[FC_MAX_SUBMODELS];
	double	   *resid = palloc(sizeof(double) * n);
	FcModel    *model;
	int			pos = ensemble_members_start(k, combine),
				len = pos,
				nparam = 0,
				i;

	Assert(k >= 1 && k <= FC_MAX_SUBMODELS);
	Assert((combine == FC_COMBINE_AICC) == (w != NULL));
	for (i = 0; i < k; i++)
	{
		resid_cols[i] = FC_MODEL_RESID(subs[i]);
		len += fc_submodel_size(subs[i]);
		nparam += subs[i]->nparam;
	}
	model = fc_model_alloc(len);
	model->method = model->requested = FC_METHOD_ENSEMBLE;
	model->period = m;
	model->n = n;
	model->nparam = nparam;
	model->states[0] = k;
	model->states[1] = combine;
	for (i = 0; w != NULL && i < k; i++)
		model->states[2 + i] = w[i];
	for (i = 0; i < k; i++)
	{
		fc_submodel_pack(subs[i], &model->states[pos]);
		pos += fc_submodel_size(subs[i]);
	}

	/* fitted = combine(y - r_i), so the residual is combine(r_i) */
	combine_columns(resid_cols, k, n, combine, w, false, resid);
	model->params[FC_P_MSE] = mean_square(resid, n);
	model->params[FC_P_SIGMA2] = model->params[FC_P_MSE];
	for (i = 0; i < k; i++)
		pfree(subs[i]);
	model = fc_model_add_residuals(model, resid, n);
	pfree(resid);
	return model;
}

FcModel *
fc_ensemble_of(FcModel **subs, int k, FcCombine combine, int n, int m)
{
	Assert(combine == FC_COMBINE_MEDIAN || combine == FC_COMBINE_MEAN);
	return build_ensemble(subs, k, combine, NULL, n, m);
}

FcModel *
fc_weighted_ensemble_of(FcModel **subs, const double *w, int k, int n, int m)
{
	return build_ensemble(subs, k, FC_COMBINE_AICC, w, n, m);
}

FcModel *
fc_fit_ensemble(const double *y, int n, int m, const uint8 *members, int nmembers,
				FcCombine combine, const FcOptions *opts)
{
	FcModel    *subs[FC_MAX_MEMBERS];
	FcFallbackTally tally;
	int			i;

	Assert(nmembers >= 1 && nmembers <= FC_MAX_MEMBERS);
	fc_fallbacks_save(&tally);
	for (i = 0; i < nmembers; i++)
		subs[i] = fc_fit_series(y, n, m, (FcMethod) members[i], opts);
	fc_fallbacks_restore(&tally);
	return fc_ensemble_of(subs, nmembers, combine, n, m);
}

/* ---------- mstl ---------- */

int
fc_mstl_usable_periods(const int *periods, int nperiods, int n, int *out)
{
	int			k = 0,
				i,
				j;

	for (i = 0; i < nperiods; i++)
	{
		int			p = periods[i];
		bool		dup = false;

		for (j = 0; j < k; j++)
			dup |= (out[j] == p);
		if (p < 2 || 2 * p >= n || dup)
			continue;
		for (j = k; j > 0 && out[j - 1] > p; j--)
			out[j] = out[j - 1];
		out[j] = p;
		k++;
	}
	return k;
}

/* An MSTL decomposition, shared by the models fitted on its adjusted series. */
typedef struct MstlParts
{
	int			n;
	int			nused;
	int			used[FC_MSTL_MAX_PERIODS];	/* periods kept, ascending */
	FcTransform transform;
	double	   *z;				/* the series decomposed: y, log(y) or sqrt(y) */
	double	   *seasonal;		/* nused rows of n */
	double	   *adj;			/* z minus every seasonal component */
} MstlParts;

/* y on the scale of a transform (defined where mstl_decompose allows it) */
static double
to_scale(FcTransform transform, double y)
{
	switch (transform)
	{
		case FC_TRANSFORM_LOG:
			return log(y);
		case FC_TRANSFORM_SQRT:
			return sqrt(y);
		default:
			return y;
	}
}

/*
 * Back from the transform's scale: exact for quantiles (the transforms are
 * monotone), so a point forecast becomes the median of the forecast
 * distribution and bounds stay bounds.  sqrt(y) >= 0, so values below 0 on
 * that scale mean 0.
 */
static double
from_scale(FcTransform transform, double z)
{
	switch (transform)
	{
		case FC_TRANSFORM_LOG:
			return exp(z);
		case FC_TRANSFORM_SQRT:
			return z > 0.0 ? z * z : 0.0;
		default:
			return z;
	}
}

const char *
fc_transform_name(FcTransform transform)
{
	return transform == FC_TRANSFORM_LOG ? "log" :
		transform == FC_TRANSFORM_SQRT ? "sqrt" : "none";
}

static void
mstl_parts_free(MstlParts *parts)
{
	if (parts->transform != FC_TRANSFORM_NONE)
		pfree(parts->z);
	pfree(parts->seasonal);
	pfree(parts->adj);
}

/* Decompose y (log y, sqrt y); false when no period fits twice in the series. */
static bool
mstl_decompose(const double *y, int n, const int *periods, int nperiods,
			   FcTransform transform, MstlParts *parts)
{
	int			usable[FC_MAX_PERIODS];
	int			nusable = fc_mstl_usable_periods(periods, Min(nperiods, FC_MAX_PERIODS),
												 n, usable);
	double	   *trend;
	FcMstlControl ctl;
	FcStatus	st;
	int			i,
				t;

	if (nusable == 0)
		return false;
	memset(parts, 0, sizeof(*parts));
	parts->n = n;
	parts->transform = transform;
	parts->z = (double *) y;
	if (transform != FC_TRANSFORM_NONE)
	{
		bool		log_scale = transform == FC_TRANSFORM_LOG;

		parts->z = palloc(sizeof(double) * n);
		for (t = 0; t < n; t++)
		{
			if (log_scale ? !(y[t] > 0.0) : !(y[t] >= 0.0))
				ereport(ERROR,
						(errcode(ERRCODE_DATA_EXCEPTION),
						 errmsg("option \"transform\": \"%s\" needs %s values",
								fc_transform_name(transform), log_scale ? "positive" : "non-negative"),
						 errdetail("Observation %d is %g.", t + 1, y[t]),
						 errhint("Remove the option, or transform y + c yourself.")));
			parts->z[t] = to_scale(transform, y[t]);
		}
	}
	trend = palloc(sizeof(double) * n);
	parts->seasonal = palloc(sizeof(double) * n * nusable);
	parts->adj = palloc(sizeof(double) * n);
	fc_mstl_control_init(&ctl);
	st = fc_mstl(parts->z, n, usable, nusable, &ctl, parts->used, &parts->nused,
				 trend, parts->seasonal, NULL);
	pfree(trend);
	if (st != FC_OK && st != FC_ERR_TOO_SHORT)
		fc_report_status(st, "mstl");
	if (st == FC_ERR_TOO_SHORT || parts->nused == 0)
	{
		mstl_parts_free(parts);
		return false;
	}
	for (t = 0; t < n; t++)
	{
		parts->adj[t] = parts->z[t];
		for (i = 0; i < parts->nused; i++)
			parts->adj[t] -= parts->seasonal[(size_t) i * n + t];
	}
	return true;
}

/* Options for the model of an adjusted series: it has no season left. */
static void
adjusted_options(const FcOptions *opts, FcOptions *sub_opts)
{
	*sub_opts = *opts;
	sub_opts->nperiods = 1;
	sub_opts->periods[0] = 1;
}

/* The mstl model of a decomposition and sub, a model of its adjusted series (freed). */
static FcModel *
mstl_pack(const MstlParts *parts, FcModel *sub)
{
	int			n = parts->n;
	FcModel    *model;
	double	   *r;
	int			len,
				pos,
				i,
				t;

	len = 2 + parts->nused + fc_submodel_size(sub);
	for (i = 0; i < parts->nused; i++)
		len += parts->used[i];
	model = fc_model_alloc(len);
	model->method = model->requested = FC_METHOD_MSTL;
	model->period = parts->used[0];
	model->n = n;
	model->nparam = sub->nparam;
	model->fallback = sub->fallback;
	model->states[0] = parts->nused;
	model->states[1] = parts->transform;
	pos = 2;
	for (i = 0; i < parts->nused; i++)
		model->states[pos++] = parts->used[i];
	for (i = 0; i < parts->nused; i++)
	{
		memcpy(&model->states[pos], &parts->seasonal[(size_t) i * n + n - parts->used[i]],
			   sizeof(double) * parts->used[i]);
		pos += parts->used[i];
	}
	fc_submodel_pack(sub, &model->states[pos]);
	model->params[FC_P_SIGMA2] = sub->params[FC_P_SIGMA2];
	model->params[FC_P_MSE] = sub->params[FC_P_MSE];
	model->params[FC_P_LOGLIK] = sub->params[FC_P_LOGLIK];

	/* y - (adjusted fit + seasonal) = adjusted - adjusted fit, on the model's scale */
	r = FC_MODEL_RESID(sub);
	if (parts->transform != FC_TRANSFORM_NONE)
	{
		/* back on the data's scale: y - back(z - r), with y = back(z) */
		for (t = 0; t < n; t++)
			r[t] = isfinite(r[t]) ?
				from_scale(parts->transform, parts->z[t]) -
				from_scale(parts->transform, parts->z[t] - r[t]) : NAN;
		model->params[FC_P_SIGMA2] = NAN;	/* a variance on another scale: not comparable */
		model->params[FC_P_MSE] = mean_square(r, n);
	}
	model = fc_model_add_residuals(model, r, n);
	pfree(sub);
	return model;
}

/* The mstl model of a decomposition with `adjusted` fitted to its adjusted series. */
static FcModel *
mstl_model(const MstlParts *parts, FcMethod adjusted, const FcOptions *opts)
{
	FcOptions	sub_opts;

	adjusted_options(opts, &sub_opts);
	return mstl_pack(parts, fc_fit_series(parts->adj, parts->n, 1, adjusted, &sub_opts));
}

FcModel *
fc_fit_mstl(const double *y, int n, const int *periods, int nperiods,
			FcMethod adjusted, FcTransform transform, const FcOptions *opts)
{
	MstlParts	parts;
	FcModel    *model;

	if (!mstl_decompose(y, n, periods, nperiods, transform, &parts))
		return NULL;
	model = mstl_model(&parts, adjusted, opts);
	mstl_parts_free(&parts);
	return model;
}

int
fc_fit_mstl_models(const double *y, int n, const int *periods, int nperiods,
				   FcTransform transform, const uint8 *adjusted, int k,
				   const FcOptions *opts, FcModel **out)
{
	MstlParts	parts;
	int			i;

	if (!mstl_decompose(y, n, periods, nperiods, transform, &parts))
		return 0;
	for (i = 0; i < k; i++)
		out[i] = mstl_model(&parts, (FcMethod) adjusted[i], opts);
	mstl_parts_free(&parts);
	return k;
}

/* ---------- reading the states back ---------- */

/* What walk_states() reads of an mstl model besides its member. */
typedef struct MstlLayout
{
	int			nper;
	int			per[FC_MSTL_MAX_PERIODS];
	const double *cycles;		/* last cycle of each seasonal, in turn */
	FcTransform transform;
} MstlLayout;

/*
 * Walk the states of a composite model: for mstl, fill *lay; unpack members
 * into out[] (at most max, the rest are checked and freed).  Returns the
 * number of members, or -1 for a malformed layout (a malformed member is an
 * ERROR of fc_submodel_unpack).  `validate` checks each member like a model
 * read from outside: the input functions ask for it, forecasting does not.
 */
static int
walk_states(const FcModel *model, FcModel **out, int max, MstlLayout *lay,
			bool validate)
{
	const double *s = model->states;
	int			len = model->nstates;
	int			pos,
				k,
				i;

	memset(lay, 0, sizeof(*lay));
	if (len < 1 || !(s[0] >= 1 && s[0] <= (model->method == FC_METHOD_MSTL ?
											FC_MSTL_MAX_PERIODS : FC_MAX_SUBMODELS)) ||
		s[0] != floor(s[0]))
		return -1;
	k = (int) s[0];
	if (model->method == FC_METHOD_ENSEMBLE)
	{
		if (len < 2 || (s[1] != FC_COMBINE_MEDIAN && s[1] != FC_COMBINE_MEAN &&
						 s[1] != FC_COMBINE_AICC))
			return -1;
		pos = ensemble_members_start(k, (FcCombine) s[1]);
		if (pos > len)
			return -1;
		if (s[1] == FC_COMBINE_AICC)
		{
			/* weights in (0, 1] summing to 1 (up to rounding) */
			double		sum = 0.0;

			for (i = 0; i < k; i++)
			{
				if (!(s[2 + i] > 0.0 && s[2 + i] <= 1.0))
					return -1;
				sum += s[2 + i];
			}
			if (!(fabs(sum - 1.0) <= 1e-9))
				return -1;
		}
		for (i = 0; i < k; i++)
		{
			int			used;
			FcModel    *sub = fc_submodel_unpack(model, s + pos, len - pos, true, validate, &used);

			if (i < max)
				out[i] = sub;
			else
				pfree(sub);
			pos += used;
		}
		return pos == len ? k : -1;
	}

	/* mstl */
	pos = 2 + k;
	if (len < pos || (s[1] != FC_TRANSFORM_NONE && s[1] != FC_TRANSFORM_LOG &&
					  s[1] != FC_TRANSFORM_SQRT))
		return -1;
	lay->transform = (FcTransform) s[1];
	for (i = 0; i < k; i++)
	{
		double		p = s[2 + i];

		if (!(p >= 2 && p < model->n && p == floor(p)) || (i > 0 && p <= s[1 + i]))
			return -1;
		lay->per[i] = (int) p;
		pos += lay->per[i];
		if (pos > len)
			return -1;
	}
	lay->nper = k;
	lay->cycles = s + 2 + k;
	{
		int			used;
		FcModel    *sub = fc_submodel_unpack(model, s + pos, len - pos, false, validate, &used);

		if (sub->period != 1 || pos + used != len)
			return -1;
		if (max > 0)
			out[0] = sub;
		else
			pfree(sub);
	}
	return 1;
}

bool
fc_composite_valid(const FcModel *model)
{
	FcModel    *subs[FC_MAX_SUBMODELS];
	MstlLayout	lay;
	int			k = walk_states(model, subs, FC_MAX_SUBMODELS, &lay, true);
	int			i;

	for (i = 0; i < k && i < FC_MAX_SUBMODELS; i++)
		pfree(subs[i]);
	return k > 0;
}

int
fc_composite_members(const FcModel *model, FcModel **out, int max)
{
	MstlLayout	lay;
	int			k = walk_states(model, out, max, &lay, false);

	if (k < 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("corrupt forecastin.model value")));
	return Min(k, max);
}

/* An mstl model of y from its decomposition parts and its adjusted-series model. */
static FcModel *
reapply_mstl_on(const MstlParts *parts, const FcModel *adjusted_model, int n,
				const FcOptions *opts, uint8 requested)
{
	FcOptions	sub_opts;
	FcModel    *out;

	adjusted_options(opts, &sub_opts);
	out = mstl_pack(parts, fc_reapply_model(adjusted_model, parts->adj, n, &sub_opts));
	out->requested = requested;
	return out;
}

static bool
same_decomposition(const MstlLayout *a, const MstlLayout *b)
{
	return a->nper == b->nper && a->transform == b->transform &&
		memcmp(a->per, b->per, sizeof(int) * a->nper) == 0;
}

/*
 * Apply each member of an ensemble to y.  Consecutive mstl members with the
 * same periods and scale (auto's MSTL+ARIMA and MSTL+ETS) share one
 * decomposition of y instead of making it once each: the result is the
 * same, and auto's re-application stays cheaper than refitting.
 */
static void
reapply_members(FcModel **subs, int k, const double *y, int n, const FcOptions *opts)
{
	MstlParts	parts;
	MstlLayout	have = {0};
	bool		decomposed = false;
	int			i;

	for (i = 0; i < k; i++)
	{
		FcModel    *sub = NULL;
		FcModel    *adjusted_model = NULL;
		MstlLayout	lay;

		if (subs[i]->method == FC_METHOD_MSTL &&
			walk_states(subs[i], &adjusted_model, 1, &lay, false) == 1)
		{
			if (decomposed && !same_decomposition(&lay, &have))
			{
				mstl_parts_free(&parts);
				decomposed = false;
			}
			if (!decomposed &&
				mstl_decompose(y, n, lay.per, lay.nper, lay.transform, &parts))
			{
				have = lay;
				decomposed = true;
			}
			if (decomposed)
				sub = reapply_mstl_on(&parts, adjusted_model, n, opts, subs[i]->requested);
			pfree(adjusted_model);
		}
		if (sub == NULL)
			sub = fc_reapply_model(subs[i], y, n, opts);
		pfree(subs[i]);
		subs[i] = sub;
	}
	if (decomposed)
		mstl_parts_free(&parts);
}

FcModel *
fc_composite_reapply(const FcModel *model, const double *y, int n, const FcOptions *opts)
{
	FcModel    *subs[FC_MAX_SUBMODELS];
	MstlLayout	lay;
	MstlParts	parts;
	FcModel    *out;
	int			k = walk_states(model, subs, FC_MAX_SUBMODELS, &lay, false);

	if (k <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("corrupt forecastin.model value")));
	if (model->method == FC_METHOD_ENSEMBLE)
	{
		reapply_members(subs, k, y, n, opts);
		/* a weighted ensemble keeps its weights, as each member its parameters */
		out = build_ensemble(subs, k, (FcCombine) model->states[1],
							 ensemble_weights(model), n, model->period);
		out->requested = model->requested;
		return out;
	}

	/* mstl: decompose y with the same periods, apply the same adjusted model */
	if (!mstl_decompose(y, n, lay.per, lay.nper, lay.transform, &parts))
	{
		/* cannot happen for y at least as long as the model's series */
		pfree(subs[0]);
		return fc_fit_series(y, n, model->period, FC_METHOD_NAIVE, opts);
	}
	out = reapply_mstl_on(&parts, subs[0], n, opts, model->requested);
	pfree(subs[0]);
	mstl_parts_free(&parts);
	return out;
}

int
fc_mstl_periods(const FcModel *model, int *periods, FcTransform *transform)
{
	MstlLayout	lay;
	FcModel    *sub = NULL;
	int			i;

	if (model->method != FC_METHOD_MSTL || walk_states(model, &sub, 1, &lay, false) != 1)
		return 0;
	pfree(sub);
	for (i = 0; i < lay.nper; i++)
		periods[i] = lay.per[i];
	*transform = lay.transform;
	return lay.nper;
}

const char *
fc_combine_name(FcCombine how)
{
	return how == FC_COMBINE_MEAN ? "mean" : how == FC_COMBINE_AICC ? "aicc" : "median";
}

int
fc_ensemble_weights(const FcModel *model, double *w, int max)
{
	const double *src;
	int			k,
				i;

	if (model->method != FC_METHOD_ENSEMBLE || (src = ensemble_weights(model)) == NULL)
		return 0;
	k = (int) model->states[0];
	for (i = 0; i < k && i < max; i++)
		w[i] = src[i];
	return Min(k, max);
}

/* ---------- forecasting ---------- */

static void
ensemble_forecast(const FcModel *model, int h, double level,
				  double *mean, double *lo, double *hi)
{
	FcModel    *subs[FC_MAX_SUBMODELS];
	double	   *cols[3][FC_MAX_SUBMODELS];
	int			k = fc_composite_members(model, subs, FC_MAX_SUBMODELS);
	FcCombine	how = (FcCombine) model->states[1];
	int			i,
				j;

	for (i = 0; i < k; i++)
	{
		for (j = 0; j < 3; j++)
			cols[j][i] = palloc_extended(sizeof(double) * (Size) h, MCXT_ALLOC_HUGE);
		fc_forecast_model(subs[i], h, level, cols[0][i], cols[1][i], cols[2][i]);
	}
	combine_columns(cols[0], k, h, how, ensemble_weights(model), true, mean);
	combine_columns(cols[1], k, h, how, ensemble_weights(model), true, lo);
	combine_columns(cols[2], k, h, how, ensemble_weights(model), true, hi);
	for (i = 0; i < k; i++)
	{
		for (j = 0; j < 3; j++)
			pfree(cols[j][i]);
		pfree(subs[i]);
	}
}

static void
mstl_forecast(const FcModel *model, int h, double level,
			  double *mean, double *lo, double *hi)
{
	FcModel    *sub = NULL;
	MstlLayout	lay;
	const double *cycles;
	int			i,
				t;

	if (walk_states(model, &sub, 1, &lay, false) != 1)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("corrupt forecastin.model value")));
	fc_forecast_model(sub, h, level, mean, lo, hi);
	cycles = lay.cycles;
	for (i = 0; i < lay.nper; i++)
	{
		/* seasonal naive per component: step t+1 repeats cycle slot t mod p */
		for (t = 0; t < h; t++)
		{
			double		s = cycles[t % lay.per[i]];

			mean[t] += s;
			lo[t] += s;
			hi[t] += s;
			if ((t & 0xFFFF) == 0)
				fc_check_interrupts();
		}
		cycles += lay.per[i];
	}
	if (lay.transform != FC_TRANSFORM_NONE)
		for (t = 0; t < h; t++)
		{
			/* the median of the forecast distribution, and exact bounds */
			mean[t] = from_scale(lay.transform, mean[t]);
			lo[t] = from_scale(lay.transform, lo[t]);
			hi[t] = from_scale(lay.transform, hi[t]);
		}
	pfree(sub);
}

void
fc_composite_forecast(const FcModel *model, int h, double level,
					  double *mean, double *lo, double *hi)
{
	if (model->method == FC_METHOD_ENSEMBLE)
		ensemble_forecast(model, h, level, mean, lo, hi);
	else
		mstl_forecast(model, h, level, mean, lo, hi);
}

/*
 * "median(ETS(A,N,N), ARIMA(0,1,1), theta)", "MSTL(24,168)+ETS(A,Ad,N)",
 * "aicc(ETS(M,N,M) 0.61, ETS(M,Ad,M) 0.39)"
 */
void
fc_composite_form_name(const FcModel *model, char *buf, size_t len)
{
	FcModel    *subs[FC_MAX_SUBMODELS];
	MstlLayout	lay;
	int			k = walk_states(model, subs, FC_MAX_SUBMODELS, &lay, false);
	StringInfoData s;
	char		tmp[256];
	int			i;

	initStringInfo(&s);
	if (k <= 0)
		appendStringInfoString(&s, fc_method_name(model->method));
	else if (model->method == FC_METHOD_ENSEMBLE)
	{
		const double *w = ensemble_weights(model);

		appendStringInfo(&s, "%s(", fc_combine_name((FcCombine) model->states[1]));
		for (i = 0; i < k; i++)
		{
			fc_model_form_name(subs[i], tmp, sizeof(tmp));
			appendStringInfo(&s, "%s%s", i > 0 ? ", " : "", tmp);
			if (w != NULL)
				appendStringInfo(&s, " %.2g", w[i]);
			pfree(subs[i]);
		}
		appendStringInfoChar(&s, ')');
	}
	else
	{
		if (lay.transform != FC_TRANSFORM_NONE)
			appendStringInfo(&s, "%s ", fc_transform_name(lay.transform));
		appendStringInfoString(&s, "MSTL(");
		for (i = 0; i < lay.nper; i++)
			appendStringInfo(&s, "%s%d", i > 0 ? "," : "", lay.per[i]);
		fc_model_form_name(subs[0], tmp, sizeof(tmp));
		appendStringInfo(&s, ")+%s", tmp);
		pfree(subs[0]);
	}
	strlcpy(buf, s.data, len);
	pfree(s.data);
}
