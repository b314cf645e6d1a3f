/*
 * methods.c
 *	  From a requested method to a fitted model, and back to forecasts.
 *
 * The fallback rules live here, in one place: a series too short for the
 * requested method gets the closest simpler one (seasonal -> non-seasonal
 * -> naive), and the model records what happened and why.
 */
#include "postgres.h"

#include <math.h>

#include "arima.h"
#include "composite.h"
#include "errors.h"
#include "ets.h"
#include "intermittent.h"
#include "knn.h"
#include "methods.h"
#include "router.h"
#include "simple.h"
#include "theta.h"

int			fc_fallback_count = 0;
int			fc_fallback_by_reason[8];

static FcModel *
model_from_simple(const FcSimpleModel *s, FcMethod method)
{
	int			nstates = (s->kind == FC_SIMPLE_MEAN) ? 0 : s->m;
	FcModel    *model = fc_model_alloc(nstates);
	int			i;

	model->method = method;
	model->period = s->m;
	for (i = 0; i < nstates; i++)
		model->states[i] = s->last[i];
	model->params[FC_P_SIGMA2] = s->sigma * s->sigma;
	model->params[FC_P_MEAN] = s->mean;
	model->params[FC_P_SLOPE] = s->slope;
	model->nparam = (s->kind == FC_SIMPLE_MEAN || s->kind == FC_SIMPLE_DRIFT) ? 1 : 0;
	for (i = 0; i < FC_NPARAMS; i++)
		if (isinf(model->params[i]))
			model->params[i] = NAN;
	return model;
}

static FcSimpleKind
simple_kind(FcMethod method)
{
	switch (method)
	{
		case FC_METHOD_SNAIVE:
			return FC_SIMPLE_SNAIVE;
		case FC_METHOD_MEAN:
			return FC_SIMPLE_MEAN;
		case FC_METHOD_DRIFT:
			return FC_SIMPLE_DRIFT;
		default:
			return FC_SIMPLE_NAIVE;
	}
}

static FcModel *
fit_simple(const double *y, int n, int m, FcMethod method)
{
	FcSimpleModel s;
	FcStatus	st;

	memset(&s, 0, sizeof(s));
	st = fc_simple_fit(simple_kind(method), y, n, m, &s);
	if (st != FC_OK)
		fc_report_status(st, fc_method_name(method));
	return model_from_simple(&s, method);
}

static FcModel *
model_from_ets(const FcEtsModel *e, FcMethod method)
{
	int			nseason = (e->form.season != 'N') ? e->m : 0;
	FcModel    *model = fc_model_alloc(2 + nseason);
	int			i;

	model->method = method;
	model->period = nseason > 0 ? e->m : 1;
	model->ets_error = e->form.error;
	model->ets_trend = e->form.trend;
	model->ets_season = e->form.season;
	model->ets_damped = e->form.damped ? 1 : 0;
	model->states[0] = e->level;
	model->states[1] = e->slope;
	for (i = 0; i < nseason; i++)
		model->states[2 + i] = e->season[i];
	model->params[FC_P_ALPHA] = e->alpha;
	model->params[FC_P_BETA] = e->beta;
	model->params[FC_P_GAMMA] = e->gamma;
	model->params[FC_P_PHI] = e->phi;
	model->params[FC_P_SIGMA2] = e->sigma2;
	model->params[FC_P_LOGLIK] = e->loglik;
	model->params[FC_P_AIC] = e->aic;
	model->params[FC_P_AICC] = e->aicc;
	model->params[FC_P_BIC] = e->bic;
	model->params[FC_P_MSE] = e->mse;
	model->params[FC_P_INIT_LEVEL] = e->init_level;
	model->params[FC_P_INIT_SLOPE] = e->init_slope;
	model->nparam = e->nparam;
	for (i = 0; i < FC_NPARAMS; i++)
		if (isinf(model->params[i]))
			model->params[i] = NAN;
	for (i = 0; i < model->nstates; i++)
		if (!isfinite(model->states[i]))
			fc_report_status(FC_ERR_NONFINITE, fc_method_name(method));
	if (e->resid != NULL)
	{
		for (i = 0; i < e->n; i++)
			if (isinf(e->resid[i]))
				e->resid[i] = NAN;
		model = fc_model_add_residuals(model, e->resid, e->n);
	}
	return model;
}

static void
ets_control_from_options(const FcOptions *opts, FcEtsControl *ctl)
{
	fc_ets_control_init(ctl);
	ctl->fixed_alpha = opts->alpha;
	ctl->fixed_beta = opts->beta;
	ctl->fixed_gamma = opts->gamma;
	ctl->fixed_phi = opts->phi;
}

void
fc_fallbacks_save(FcFallbackTally *t)
{
	t->count = fc_fallback_count;
	memcpy(t->by_reason, fc_fallback_by_reason, sizeof(t->by_reason));
}

void
fc_fallbacks_restore(const FcFallbackTally *t)
{
	fc_fallback_count = t->count;
	memcpy(fc_fallback_by_reason, t->by_reason, sizeof(t->by_reason));
}

bool
fc_all_positive(const double *y, int n)
{
	int			i;

	for (i = 0; i < n; i++)
		if (!(y[i] > 0.0))
			return false;
	return true;
}

bool
fc_all_nonnegative(const double *y, int n)
{
	int			i;

	for (i = 0; i < n; i++)
		if (!(y[i] >= 0.0))
			return false;
	return true;
}

/* Record a fallback, or raise the error the "short": "error" option asks for. */
static void
note_fallback(FcModel *model, FcFallback reason, const FcOptions *opts,
			  FcMethod requested, int n, int m)
{
	model->fallback = reason;
	if ((reason == FC_FALLBACK_SHORT || reason == FC_FALLBACK_SHORT_SEASONAL) &&
		opts->short_policy == FC_SHORT_ERROR)
	{
		if (reason == FC_FALLBACK_SHORT_SEASONAL && m <= 1)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("method \"%s\" needs a seasonal period", fc_method_name(requested)),
					 errdetail("No period was given and none was detected for this series."),
					 errhint("Pass {\"period\": m}, or remove \"short\": \"error\" to fall back to a non-seasonal method.")));
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg_plural("series of %d observation is too short for method \"%s\"%s",
							   "series of %d observations is too short for method \"%s\"%s",
							   n, n, fc_method_name(requested),
							   m > 1 ? " with its seasonal period" : ""),
				 m > 1 ? errdetail("The seasonal period is %d.", m) : 0,
				 errhint("Remove \"short\": \"error\" from the options to fall back to a simpler method.")));
	}
	fc_fallback_count++;
	if ((int) reason < (int) lengthof(fc_fallback_by_reason))
		fc_fallback_by_reason[reason]++;
}

/* ETS of one fixed form, or NULL when the series is too short for it. */
static FcModel *
fit_ets_form(const double *y, int n, int m, FcEtsForm form, const FcOptions *opts,
			 FcMethod method)
{
	FcEtsControl ctl;
	FcEtsModel	e;
	FcStatus	st;

	if (form.season == 'N')
		m = 1;
	if (n < fc_ets_min_length(form, m))
		return NULL;
	ets_control_from_options(opts, &ctl);
	memset(&e, 0, sizeof(e));
	st = fc_ets_fit_form(y, n, m, form, &ctl, &e);
	if (st == FC_ERR_TOO_SHORT)
		return NULL;
	if (st == FC_ERR_BAD_ARGUMENT &&
		!(isnan(opts->alpha) && isnan(opts->beta) && isnan(opts->gamma) && isnan(opts->phi)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("fixed smoothing parameters are outside the admissible region of %s",
						fc_method_name(method)),
				 errdetail("ETS needs 0 < beta < alpha, 0 < gamma < 1 - alpha and 0.8 <= phi <= 0.98, and a forecastable model."),
				 errhint("Fix fewer parameters, or choose values inside these bounds.")));
	if (st != FC_OK)
		fc_report_status(st, fc_method_name(method));
	return model_from_ets(&e, method);
}

/*
 * Every candidate form, combined by Akaike weights (ets with {"combine":
 * "aicc"}, see composite.c).  The candidates are exactly those automatic
 * ETS compares, so the heaviest member, which comes first, is the form it
 * would select.
 */
static FcModel *
ets_aicc_weighted(FcEtsModel *fits, int nfits, int n, int m)
{
	FcModel    *subs[FC_MAX_SUBMODELS];
	double		w[FC_MAX_SUBMODELS];
	double		best = HUGE_VAL,
				sum = 0.0;
	int			k = 0,
				i;

	for (i = 0; i < nfits; i++)
		best = Min(best, fits[i].aicc);
	for (i = 0; i < nfits; i++)
	{
		w[i] = isfinite(fits[i].aicc) ? exp(-0.5 * (fits[i].aicc - best)) : 0.0;
		sum += w[i];
	}
	for (i = 0; i < nfits; i++)
	{
		if (w[i] / sum >= FC_AICC_MIN_WEIGHT)
		{
			FcModel    *sub = model_from_ets(&fits[i], FC_METHOD_ETS);

			sub->n = n;
			sub->requested = FC_METHOD_ETS;
			w[k] = w[i];
			subs[k++] = sub;
		}
		fc_ets_model_free(&fits[i]);
	}
	/* heaviest first (model_info reads best that way); ties keep their order */
	for (i = 1; i < k; i++)
	{
		double		wi = w[i];
		FcModel    *si = subs[i];
		int			j;

		for (j = i; j > 0 && w[j - 1] < wi; j--)
		{
			w[j] = w[j - 1];
			subs[j] = subs[j - 1];
		}
		w[j] = wi;
		subs[j] = si;
	}
	sum = 0.0;
	for (i = 0; i < k; i++)
		sum += w[i];
	for (i = 0; i < k; i++)
		w[i] /= sum;
	return fc_weighted_ensemble_of(subs, w, k, n, m);
}

FcModel *
fc_fit_ets_auto(const double *y, int n, int m, const FcOptions *opts, FcMethod requested)
{
	FcEtsControl ctl;
	FcEtsModel	e;
	FcStatus	st;
	FcEtsForm	ann = {'A', 'N', false, 'N'};
	FcEtsForm	ana = {'A', 'N', false, 'A'};
	FcFallback	reason = FC_FALLBACK_NONE;
	FcModel    *model;

	if (m > FC_ETS_MAX_PERIOD)
	{
		m = 1;
		reason = FC_FALLBACK_LONG_PERIOD;
	}
	else if (m > 1 && n < fc_ets_min_length(ana, m))
	{
		m = 1;
		reason = FC_FALLBACK_SHORT_SEASONAL;
	}
	if (n < fc_ets_min_length(ann, 1))
	{
		model = fit_simple(y, n, 1, FC_METHOD_NAIVE);
		note_fallback(model, FC_FALLBACK_SHORT, opts, requested, n, m);
		return model;
	}

	ets_control_from_options(opts, &ctl);
	ctl.allow_season = (m > 1);
	if (opts->combine == FC_COMBINE_AICC)
	{
		FcEtsModel	fits[FC_ETS_MAX_FORMS];
		int			nfits;

		st = fc_ets_fit_candidates(y, n, m, &ctl, fits, &nfits);
		model = st == FC_OK ? ets_aicc_weighted(fits, nfits, n, m) : NULL;
	}
	else
	{
		memset(&e, 0, sizeof(e));
		st = fc_ets_auto(y, n, m, &ctl, &e);
		model = st == FC_OK ? model_from_ets(&e, FC_METHOD_ETS) : NULL;
		fc_ets_model_free(&e);
	}
	if (model == NULL)
	{
		model = fit_simple(y, n, 1, FC_METHOD_NAIVE);
		note_fallback(model, FC_FALLBACK_FAILED, opts, requested, n, m);
		return model;
	}
	if (reason != FC_FALLBACK_NONE)
		note_fallback(model, reason, opts, requested, n, m);
	return model;
}

/* ses, holt, damped, hw: one form, simplified step by step when too short. */
static FcModel *
fit_ets_family(const double *y, int n, int m, FcMethod requested, const FcOptions *opts)
{
	FcEtsForm	form = {'A', 'N', false, 'N'};
	FcFallback	reason = FC_FALLBACK_NONE;
	FcModel    *model;

	switch (requested)
	{
		case FC_METHOD_HOLT:
			form.trend = 'A';
			break;
		case FC_METHOD_DAMPED:
			form.trend = 'A';
			form.damped = true;
			break;
		case FC_METHOD_HW:
			form.trend = 'A';
			form.damped = (opts->damped == 1);
			form.season = 'A';
			if (opts->seasonal == FC_SEASONAL_MULTIPLICATIVE)
			{
				if (fc_all_positive(y, n))
					form.error = form.season = 'M';
				else
					reason = FC_FALLBACK_NONPOSITIVE;
			}
			if (m <= 1 || m > FC_ETS_MAX_PERIOD)
			{
				form.season = 'N';
				form.error = 'A';
				reason = (m <= 1) ? FC_FALLBACK_SHORT_SEASONAL : FC_FALLBACK_LONG_PERIOD;
			}
			break;
		default:
			break;
	}

	model = fit_ets_form(y, n, m, form, opts, requested);
	if (model == NULL && form.season != 'N')
	{
		form.season = 'N';
		form.error = 'A';
		reason = FC_FALLBACK_SHORT_SEASONAL;
		model = fit_ets_form(y, n, 1, form, opts, requested);
	}
	while (model == NULL && (form.trend != 'N'))
	{
		/* damped -> holt -> ses */
		if (form.damped)
			form.damped = false;
		else
			form.trend = 'N';
		reason = FC_FALLBACK_SHORT;
		model = fit_ets_form(y, n, 1, form, opts, requested);
	}
	if (model == NULL)
	{
		model = fit_simple(y, n, 1, FC_METHOD_NAIVE);
		reason = FC_FALLBACK_SHORT;
	}
	else if (reason != FC_FALLBACK_NONE)
	{
		/* name the method that was actually fitted */
		model->method = form.season != 'N' ? FC_METHOD_HW :
			form.damped ? FC_METHOD_DAMPED :
			form.trend == 'A' ? FC_METHOD_HOLT : FC_METHOD_SES;
	}
	if (reason != FC_FALLBACK_NONE)
		note_fallback(model, reason, opts, requested, n, m);
	return model;
}

/*
 * One-step in-sample residuals y_t - yhat_t of the fitted model (NaN where
 * the method has no one-step forecast, such as the first observation of
 * naive).
 */
static void
compute_residuals(const FcModel *model, const double *y, int n, double *resid)
{
	int			t;

	for (t = 0; t < n; t++)
		resid[t] = NAN;
	switch (model->method)
	{
		case FC_METHOD_NAIVE:
			for (t = 1; t < n; t++)
				resid[t] = y[t] - y[t - 1];
			break;
		case FC_METHOD_SNAIVE:
			for (t = model->period; t < n; t++)
				resid[t] = y[t] - y[t - model->period];
			break;
		case FC_METHOD_MEAN:
			for (t = 0; t < n; t++)
				resid[t] = y[t] - model->params[FC_P_MEAN];
			break;
		case FC_METHOD_DRIFT:
			for (t = 1; t < n; t++)
				resid[t] = y[t] - y[t - 1] - model->params[FC_P_SLOPE];
			break;
		default:
			/* ETS, theta, intermittent: filled from their kernels */
			break;
	}
}

/* ---------- methods stored as a kernel's packed model ---------- */

static bool
is_intermittent(int method)
{
	return method == FC_METHOD_CROSTON || method == FC_METHOD_SBA ||
		method == FC_METHOD_TSB || method == FC_METHOD_ADIDA;
}

static FcIntermittentMethod
intermittent_kind(int method)
{
	switch (method)
	{
		case FC_METHOD_SBA:
			return FC_ID_SBA;
		case FC_METHOD_TSB:
			return FC_ID_TSB;
		case FC_METHOD_ADIDA:
			return FC_ID_ADIDA;
		default:
			return FC_ID_CROSTON;
	}
}

/* A model whose states are `len` packed doubles, with its residuals. */
static FcModel *
model_from_packed(FcMethod method, int period, int len, double **states)
{
	FcModel    *model = fc_model_alloc(len);

	model->method = method;
	model->period = period;
	*states = model->states;
	return model;
}

static FcModel *
fit_theta(const double *y, int n, int m, const FcOptions *opts)
{
	FcThetaControl ctl;
	FcThetaModel th;
	FcModel    *model;
	double	   *resid = palloc(sizeof(double) * n);
	double	   *states;
	FcStatus	st;

	fc_theta_control_init(&ctl);
	ctl.variant = opts->variant == FC_VARIANT_OPTIMISED ? FC_THETA_OPTIMISED : FC_THETA_STANDARD;
	ctl.fixed_alpha = opts->alpha;
	memset(&th, 0, sizeof(th));
	st = fc_theta_fit(y, n, m, &ctl, &th, resid);
	if (st == FC_ERR_TOO_SHORT)
		return NULL;
	if (st != FC_OK)
		fc_report_status(st, "theta");
	model = model_from_packed(FC_METHOD_THETA, th.seasonal ? m : 1,
							  fc_theta_state_size(&th), &states);
	fc_theta_pack(&th, states);
	model->params[FC_P_ALPHA] = th.alpha;
	model->params[FC_P_THETA] = th.theta;
	model->params[FC_P_SLOPE] = th.slope;
	model->params[FC_P_INIT_LEVEL] = th.init_level;
	model->params[FC_P_SIGMA2] = th.sigma2;
	model->params[FC_P_MSE] = th.mse;
	model->nparam = (isnan(opts->alpha) ? 2 : 1) + (th.variant == FC_THETA_OPTIMISED ? 1 : 0);
	fc_theta_model_free(&th);
	model->n = n;
	return fc_model_add_residuals(model, resid, n);
}

/*
 * knn: the nearest earlier cycles of period m (knn.h).  NULL when the
 * series is too short for it (the caller falls back).
 */
static FcModel *
fit_knn(const double *y, int n, int m, bool median)
{
	FcKnnModel km;
	FcModel    *model;
	double	   *resid = palloc(sizeof(double) * n);
	double	   *states;
	double		s2 = 0.0;
	FcStatus	st;
	int			j;

	st = fc_knn_fit(y, n, m, FC_KNN_CHOOSE_K, median, &km, resid);
	if (st == FC_ERR_TOO_SHORT)
		return NULL;
	if (st != FC_OK)
		fc_report_status(st, "knn");
	model = model_from_packed(FC_METHOD_KNN, m, fc_knn_state_size(&km), &states);
	fc_knn_pack(&km, states);
	for (j = 0; j < m; j++)
		s2 += km.sigma[j] * km.sigma[j];
	model->params[FC_P_SIGMA2] = s2 / m;
	model->nparam = 0;
	fc_knn_model_free(&km);
	model->n = n;
	return fc_model_add_residuals(model, resid, n);
}

static FcModel *
fit_intermittent(const double *y, int n, const FcOptions *opts, FcMethod method)
{
	FcIntermittentControl ctl;
	FcIntermittentModel im;
	FcModel    *model;
	double	   *resid = palloc(sizeof(double) * n);
	double	   *states;
	FcStatus	st;

	fc_intermittent_control_init(&ctl);
	ctl.alpha = opts->alpha;
	ctl.beta = opts->beta;
	ctl.optimise = opts->optimise == 1;
	ctl.aggregation = opts->aggregation;
	memset(&im, 0, sizeof(im));
	st = fc_intermittent_fit(intermittent_kind(method), y, n, &ctl, &im, resid);
	if (st == FC_ERR_BAD_ARGUMENT)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("%s needs non-negative demand values", fc_method_name(method)),
				 errhint("Intermittent-demand methods model sales counts; net out returns first.")));
	if (st != FC_OK)
		fc_report_status(st, fc_method_name(method));
	model = model_from_packed(method, 1, fc_intermittent_state_size(&im), &states);
	fc_intermittent_pack(&im, states);
	model->params[FC_P_ALPHA] = im.alpha;
	model->params[FC_P_BETA] = im.beta;
	model->params[FC_P_MSE] = im.loss;
	model->nparam = ctl.optimise ? 2 : 0;
	model->n = n;
	return fc_model_add_residuals(model, resid, n);
}

/* A model of the ARIMA kernel's fit to n points. */
static FcModel *
model_from_arima(const FcArimaModel *am, int n)
{
	FcModel    *model;
	double	   *states;

	model = model_from_packed(FC_METHOD_ARIMA, am->spec.m > 1 ? am->spec.m : 1,
							  fc_arima_state_size(am), &states);
	fc_arima_pack(am, states);
	model->params[FC_P_SIGMA2] = am->sigma2;
	model->params[FC_P_LOGLIK] = am->loglik;
	model->params[FC_P_AIC] = am->aic;
	model->params[FC_P_AICC] = am->aicc;
	model->params[FC_P_BIC] = am->bic;
	model->nparam = am->nparam;
	model->n = n;
	if (am->resid != NULL)
		model = fc_model_add_residuals(model, am->resid, n);
	return model;
}

/*
 * arima: automatic order selection, or the orders given in options (any
 * order not given is chosen automatically only when none is given).
 */
static FcModel *
fit_arima(const double *y, int n, int m, const FcOptions *opts)
{
	FcArimaControl ctl;
	FcArimaModel am;
	FcModel    *model;
	FcStatus	st;
	bool		fixed = opts->order[0] >= 0 || opts->seasonal_order[0] >= 0;

	fc_arima_control_init(&ctl);
	memset(&am, 0, sizeof(am));
	if (fixed)
	{
		FcArimaSpec spec;

		memset(&spec, 0, sizeof(spec));
		if (opts->order[0] >= 0)
		{
			spec.p = opts->order[0];
			spec.d = opts->order[1];
			spec.q = opts->order[2];
		}
		spec.m = 1;
		if (opts->seasonal_order[0] >= 0 &&
			(opts->seasonal_order[0] + opts->seasonal_order[1] + opts->seasonal_order[2]) > 0)
		{
			if (m <= 1)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("option \"seasonal_order\" needs a seasonal period"),
						 errhint("Pass {\"period\": m} as well.")));
			spec.P = opts->seasonal_order[0];
			spec.D = opts->seasonal_order[1];
			spec.Q = opts->seasonal_order[2];
			spec.m = m;
		}
		spec.constant = opts->constant >= 0 ? opts->constant == 1 : (spec.d + spec.D == 0);
		if (spec.constant && spec.d + spec.D > 1)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("a constant needs at most one difference in total"),
					 errdetail("With d + D = %d the constant would be a polynomial trend.", spec.d + spec.D)));
		st = fc_arima_fit(y, n, &spec, &ctl, &am);
	}
	else
	{
		if (opts->constant == 0)
			ctl.allow_constant = false;
		st = fc_arima_auto(y, n, m, &ctl, &am);
	}
	if (st == FC_ERR_TOO_SHORT)
		return NULL;
	if (st == FC_ERR_BAD_ARGUMENT && fixed)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("ARIMA orders cannot be estimated on this series"),
				 errdetail("The series has %d observations; the orders need more, or are not identifiable.", n),
				 errhint("Choose smaller orders, or omit \"order\" to select them automatically.")));
	if (st != FC_OK)
		fc_report_status(st, "arima");

	model = model_from_arima(&am, n);
	fc_arima_model_free(&am);
	return model;
}

bool
fc_packed_states_valid(const FcModel *model)
{
	if (model->method == FC_METHOD_ENSEMBLE || model->method == FC_METHOD_MSTL)
		return fc_composite_valid(model);
	if (model->method == FC_METHOD_ARIMA)
	{
		FcArimaModel am;

		memset(&am, 0, sizeof(am));
		if (fc_arima_unpack(model->states, model->nstates, &am) != FC_OK)
			return false;
		fc_arima_model_free(&am);
		return true;
	}
	if (model->method == FC_METHOD_THETA)
	{
		FcThetaModel th;

		memset(&th, 0, sizeof(th));
		if (fc_theta_unpack(model->states, model->nstates, &th) != FC_OK)
			return false;
		fc_theta_model_free(&th);
		return true;
	}
	if (model->method == FC_METHOD_KNN)
	{
		FcKnnModel	km;

		if (fc_knn_unpack(model->states, model->nstates, &km) != FC_OK ||
			km.m != model->period || km.n != model->n)
			return false;
		fc_knn_model_free(&km);
		return true;
	}
	if (is_intermittent(model->method))
	{
		FcIntermittentModel im;

		memset(&im, 0, sizeof(im));
		return fc_intermittent_unpack(model->states, model->nstates, &im) == FC_OK &&
			im.method == intermittent_kind(model->method);
	}
	return true;
}

/* The default members of an ensemble: the M4 "ETS, ARIMA, Theta" trio. */
static const uint8 default_members[] = {FC_METHOD_ETS, FC_METHOD_ARIMA, FC_METHOD_THETA};

static FcModel *
fit_ensemble(const double *y, int n, int m, const FcOptions *opts)
{
	if (opts->nmembers > 0)
		return fc_fit_ensemble(y, n, m, opts->members, opts->nmembers,
							   (FcCombine) opts->combine, opts);
	return fc_fit_ensemble(y, n, m, default_members, lengthof(default_members),
						   (FcCombine) opts->combine, opts);
}

/*
 * mstl: the periods of the options (all of them), else the one period m.
 * When none fits twice in the series, the adjusted-series method is fitted
 * to the series itself, with period m, and the fallback is recorded.
 */
static FcModel *
fit_mstl(const double *y, int n, int m, const FcOptions *opts)
{
	FcMethod	adjusted = opts->adjusted ? (FcMethod) opts->adjusted : FC_METHOD_ETS;
	int			one = m;
	const int  *periods = opts->nperiods > 0 ? opts->periods : &one;
	int			nperiods = opts->nperiods > 0 ? opts->nperiods : 1;
	FcModel    *model = fc_fit_mstl(y, n, periods, nperiods, adjusted,
									 (FcTransform) opts->transform, opts);

	if (model == NULL)
	{
		FcFallbackTally tally;

		fc_fallbacks_save(&tally);
		model = fc_fit_series(y, n, 1, adjusted, opts);
		fc_fallbacks_restore(&tally);	/* counted once, as mstl's fallback */
		note_fallback(model, FC_FALLBACK_SHORT_SEASONAL, opts, FC_METHOD_MSTL, n,
					  periods[0]);
	}
	return model;
}

/* Demand classification (ADI, CV^2) reported for every model. */
static void
classify_demand(FcModel *model, const double *y, int n)
{
	double		adi = NAN,
				cv2 = NAN;
	int			i;
	bool		nonnegative = true;

	for (i = 0; i < n && nonnegative; i++)
		nonnegative = y[i] >= 0.0;
	model->params[FC_P_DEMAND_CLASS] = NAN;
	if (nonnegative)
		model->params[FC_P_DEMAND_CLASS] = (double) fc_intermittent_classify(y, n, &adi, &cv2);
	model->params[FC_P_ADI] = adi;
	model->params[FC_P_CV2] = cv2;
}

/* What every fitted model gets: demand class, requested method, residuals. */
static FcModel *
finish_model(FcModel *model, const double *y, int n, FcMethod requested)
{
	double	   *resid;

	classify_demand(model, y, n);
	model->requested = requested;
	model->n = n;
	if (model->nresid == 0)
	{
		resid = palloc(sizeof(double) * n);
		compute_residuals(model, y, n, resid);
		model = fc_model_add_residuals(model, resid, n);
		pfree(resid);
	}
	return model;
}

FcModel *
fc_fit_series(const double *y, int n, int m, FcMethod requested, const FcOptions *opts)
{
	FcModel    *model;

	switch (requested)
	{
		case FC_METHOD_NAIVE:
		case FC_METHOD_MEAN:
			model = fit_simple(y, n, 1, requested);
			break;
		case FC_METHOD_DRIFT:
			if (n < 2)
			{
				model = fit_simple(y, n, 1, FC_METHOD_NAIVE);
				note_fallback(model, FC_FALLBACK_SHORT, opts, requested, n, 1);
			}
			else
				model = fit_simple(y, n, 1, requested);
			break;
		case FC_METHOD_SNAIVE:
			if (m <= 1 || n < m)
			{
				model = fit_simple(y, n, 1, FC_METHOD_NAIVE);
				note_fallback(model, FC_FALLBACK_SHORT_SEASONAL, opts, requested, n, m);
			}
			else
				model = fit_simple(y, n, m, requested);
			break;
		case FC_METHOD_SES:
		case FC_METHOD_HOLT:
		case FC_METHOD_DAMPED:
		case FC_METHOD_HW:
			model = fit_ets_family(y, n, m, requested, opts);
			break;
		case FC_METHOD_THETA:
			model = fit_theta(y, n, m, opts);
			if (model == NULL)
			{
				model = fit_simple(y, n, 1, FC_METHOD_NAIVE);
				note_fallback(model, FC_FALLBACK_SHORT, opts, requested, n, 1);
			}
			break;
		case FC_METHOD_CROSTON:
		case FC_METHOD_SBA:
		case FC_METHOD_TSB:
		case FC_METHOD_ADIDA:
			model = fit_intermittent(y, n, opts, requested);
			break;
		case FC_METHOD_KNN:
			model = m > 1 ? fit_knn(y, n, m, opts->variant != FC_VARIANT_MEAN) : NULL;
			if (model == NULL)
			{
				/* as snaive does without a cycle, or with too few of them */
				model = m > 1 && n >= m ? fit_simple(y, n, m, FC_METHOD_SNAIVE) :
					fit_simple(y, n, 1, FC_METHOD_NAIVE);
				note_fallback(model, m > FC_KNN_MAX_PERIOD && n >= m ? FC_FALLBACK_LONG_PERIOD :
							  m > 1 && n >= m ? FC_FALLBACK_SHORT : FC_FALLBACK_SHORT_SEASONAL,
							  opts, requested, n, m);
			}
			break;
		case FC_METHOD_ARIMA:
			model = fit_arima(y, n, m, opts);
			if (model == NULL)
			{
				model = fit_simple(y, n, 1, FC_METHOD_NAIVE);
				note_fallback(model, FC_FALLBACK_SHORT, opts, requested, n, m);
			}
			break;
		case FC_METHOD_MSTL:
			model = fit_mstl(y, n, m, opts);
			break;
		case FC_METHOD_ENSEMBLE:
			model = fit_ensemble(y, n, m, opts);
			break;
		case FC_METHOD_AUTO:
			model = fc_fit_auto(y, n, m, opts);
			break;
		case FC_METHOD_ETS:
		default:
			model = fc_fit_ets_auto(y, n, m, opts, requested);
			break;
	}
	return finish_model(model, y, n, requested);
}

void
fc_forecast_model(const FcModel *model, int h, double level,
				  double *mean, double *lo, double *hi)
{
	FcStatus	st;

	if (model->method == FC_METHOD_ENSEMBLE || model->method == FC_METHOD_MSTL)
	{
		fc_composite_forecast(model, h, level, mean, lo, hi);
		return;
	}
	if (model->method == FC_METHOD_ARIMA)
	{
		FcArimaModel am;

		memset(&am, 0, sizeof(am));
		st = fc_arima_unpack(model->states, model->nstates, &am);
		if (st == FC_OK)
			st = fc_arima_forecast(&am, h, level, mean, lo, hi);
		fc_arima_model_free(&am);
	}
	else if (model->method == FC_METHOD_THETA)
	{
		FcThetaModel th;

		memset(&th, 0, sizeof(th));
		st = fc_theta_unpack(model->states, model->nstates, &th);
		if (st == FC_OK)
			st = fc_theta_forecast(&th, h, level, mean, lo, hi);
		fc_theta_model_free(&th);
	}
	else if (model->method == FC_METHOD_KNN)
	{
		FcKnnModel	km;

		st = fc_knn_unpack(model->states, model->nstates, &km);
		if (st == FC_OK)
			st = fc_knn_forecast(&km, h, level, mean, lo, hi);
		fc_knn_model_free(&km);
	}
	else if (is_intermittent(model->method))
	{
		FcIntermittentModel im;

		memset(&im, 0, sizeof(im));
		st = fc_intermittent_unpack(model->states, model->nstates, &im);
		if (st == FC_OK)
			st = fc_intermittent_forecast(&im, h, level, mean, lo, hi);
	}
	else if (model->ets_error != 0)
	{
		double		no_season[1] = {0.0};
		FcEtsModel	e;
		int			nseason = model->nstates - 2;

		memset(&e, 0, sizeof(e));
		e.form.error = model->ets_error;
		e.form.trend = model->ets_trend;
		e.form.season = model->ets_season;
		e.form.damped = model->ets_damped != 0;
		e.m = nseason > 0 ? nseason : 1;
		e.n = model->n;
		e.alpha = model->params[FC_P_ALPHA];
		e.beta = model->params[FC_P_BETA];
		e.gamma = model->params[FC_P_GAMMA];
		e.phi = model->params[FC_P_PHI];
		e.sigma2 = model->params[FC_P_SIGMA2];
		e.level = model->states[0];
		e.slope = model->states[1];
		/* the kernel reads season[] only for seasonal forms, but wants one */
		e.season = nseason > 0 ? (double *) &model->states[2] : no_season;
		e.nparam = model->nparam;
		st = fc_ets_forecast(&e, h, level, 42, mean, lo, hi);
	}
	else
	{
		FcSimpleModel s;

		memset(&s, 0, sizeof(s));
		s.kind = simple_kind(model->method);
		s.n = model->n;
		s.m = model->nstates > 0 ? model->nstates : 1;
		s.mean = model->params[FC_P_MEAN];
		s.slope = model->params[FC_P_SLOPE];
		s.sigma = sqrt(model->params[FC_P_SIGMA2]);
		s.last = (double *) model->states;
		st = fc_simple_forecast(&s, h, level, mean, lo, hi);
	}
	if (st != FC_OK)
		fc_report_status(st, fc_method_name(model->method));
}

/* ---------- a fitted model applied to a longer series ---------- */

/* ARIMA with every coefficient fixed at the model's: one filter pass. */
static FcModel *
reapply_arima(const FcModel *model, const double *y, int n)
{
	FcArimaModel old,
				am;
	FcArimaControl ctl;
	double		fixed[2 * FC_ARIMA_MAX_PQ + 2 * FC_ARIMA_MAX_SPQ + 1];
	int			k = 0,
				i;
	FcStatus	st;
	FcModel    *out = NULL;

	memset(&old, 0, sizeof(old));
	memset(&am, 0, sizeof(am));
	if (fc_arima_unpack(model->states, model->nstates, &old) != FC_OK)
		return NULL;
	for (i = 0; i < old.spec.p; i++)
		fixed[k++] = old.phi[i];
	for (i = 0; i < old.spec.q; i++)
		fixed[k++] = old.theta[i];
	for (i = 0; i < old.spec.P; i++)
		fixed[k++] = old.Phi[i];
	for (i = 0; i < old.spec.Q; i++)
		fixed[k++] = old.Theta[i];
	if (old.spec.constant)
		fixed[k++] = old.mu;
	fc_arima_control_init(&ctl);
	ctl.fixed = fixed;
	ctl.nfixed = k;
	st = fc_arima_fit(y, n, &old.spec, &ctl, &am);
	if (st == FC_OK)
	{
		out = model_from_arima(&am, n);
		/* the coefficients were estimated, on the shorter series */
		out->nparam = old.nparam;
	}
	fc_arima_model_free(&am);
	fc_arima_model_free(&old);
	return out;
}

/* ETS of the model's form with its smoothing parameters; l_0, b_0 re-estimated. */
static FcModel *
reapply_ets(const FcModel *model, const double *y, int n)
{
	FcEtsForm	form;
	FcEtsControl ctl;
	FcEtsModel	e;
	FcModel    *out = NULL;

	form.error = model->ets_error;
	form.trend = model->ets_trend;
	form.damped = model->ets_damped != 0;
	form.season = model->ets_season;
	if (n < fc_ets_min_length(form, model->period))
		return NULL;
	fc_ets_control_init(&ctl);
	ctl.fixed_alpha = model->params[FC_P_ALPHA];
	if (form.trend != 'N')
		ctl.fixed_beta = model->params[FC_P_BETA];
	if (form.season != 'N')
		ctl.fixed_gamma = model->params[FC_P_GAMMA];
	if (form.damped)
		ctl.fixed_phi = model->params[FC_P_PHI];
	memset(&e, 0, sizeof(e));
	if (fc_ets_fit_form(y, n, model->period, form, &ctl, &e) == FC_OK)
		out = model_from_ets(&e, (FcMethod) model->method);
	fc_ets_model_free(&e);
	return out;
}

FcModel *
fc_reapply_model(const FcModel *model, const double *y, int n, const FcOptions *opts)
{
	FcModel    *out = NULL;

	if (model->method == FC_METHOD_ENSEMBLE || model->method == FC_METHOD_MSTL)
		return fc_composite_reapply(model, y, n, opts);
	if (model->method == FC_METHOD_ARIMA)
		out = reapply_arima(model, y, n);
	else if (model->ets_error != 0)
		out = reapply_ets(model, y, n);
	if (out == NULL)			/* closed-form methods, or the above failed */
		return fc_fit_series(y, n, model->period, (FcMethod) model->method, opts);
	out->fallback = model->fallback;
	return finish_model(out, y, n, (FcMethod) model->requested);
}
