/*
 * forecast.c
 *	  forecastin.forecast() and forecastin.model_info().
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/tuplestore.h"

#include "arima.h"
#include "composite.h"
#include "forecastin.h"
#include "intermittent.h"
#include "knn.h"
#include "methods.h"
#include "model.h"
#include "router.h"
#include "sqltime.h"

PG_FUNCTION_INFO_V1(fc_forecast);
PG_FUNCTION_INFO_V1(fc_model_info);
PG_FUNCTION_INFO_V1(fc_residuals);

/*
 * The type of the t column: timestamptz, or that of the typed NULL passed
 * as argument `argno` (which must suit the model's time axis).
 */
static Oid
time_column_type(FunctionCallInfo fcinfo, int argno, const FcModel *model)
{
	Oid			target;

	if (PG_NARGS() <= argno)
		return TIMESTAMPTZOID;
	target = get_fn_expr_argtype(fcinfo->flinfo, argno);
	if (!(target == fc_time_kind_type(model->time_kind) ||
		  (target == TIMESTAMPTZOID && model->time_kind == FC_TIME_DATE)))
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("cannot return time values of type %s for a model fitted on %s time",
						format_type_be(target),
						format_type_be(fc_time_kind_type(model->time_kind))),
				 errhint("Pass NULL::%s as the time type argument.",
						 format_type_be(fc_time_kind_type(model->time_kind)))));
	return target;
}

/* t of grid position k as a Datum of type target; false = NULL. */
static bool
time_column_value(const FcModel *model, const FcTimeAxis *axis, int64 k,
				  Oid target, Datum *value, const char *what, int64 shown)
{
	int64		tv;

	if (model->time_kind == FC_TIME_INT8 && target != INT8OID)
		return false;			/* no calendar: NULL in the timestamptz form */
	if (fc_time_at(axis, k, &tv) != FC_OK ||
		!fc_time_to_datum(model->time_kind, axis, tv, target, value))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("%s " INT64_FORMAT " is beyond the range of the time type", what, shown),
				 errhint("Use a shorter horizon.")));
	return true;
}

static void
check_forecast_args(int horizon, double level)
{
	if (horizon < 1 || horizon > fc_max_horizon)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("horizon %d is out of range", horizon),
				 errdetail("The horizon must be between 1 and forecastin.max_horizon (%d).", fc_max_horizon),
				 errhint("Raise forecastin.max_horizon to forecast further ahead.")));
	if (!(level > 0.0 && level < 1.0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("prediction interval level %g is out of range", level),
				 errdetail("The level is a probability strictly between 0 and 1."),
				 errhint("Use 0.95 for a 95%% interval.")));
}

/*
 * forecast(m, horizon, level [, t_type anyelement])
 *
 * Without t_type the t column is timestamptz (NULL for a bigint time
 * axis, which has no calendar); with NULL::bigint / NULL::date /
 * NULL::timestamptz it has that type.
 */
Datum
fc_forecast(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	FcModel    *model;
	int32		horizon;
	float8		level;
	Oid			target = TIMESTAMPTZOID;
	FcTimeAxis	axis;
	double	   *mean,
			   *lo,
			   *hi;
	int			k;

	/* the four-argument form is not STRICT (t_type is a typed NULL) */
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2))
	{
		InitMaterializedSRF(fcinfo, 0);
		return (Datum) 0;
	}
	model = PG_GETARG_FCMODEL_P(0);
	horizon = PG_GETARG_INT32(1);
	level = PG_GETARG_FLOAT8(2);
	check_forecast_args(horizon, level);
	target = time_column_type(fcinfo, 3, model);

	mean = palloc(sizeof(double) * horizon);
	lo = palloc(sizeof(double) * horizon);
	hi = palloc(sizeof(double) * horizon);
	fc_forecast_model(model, horizon, level, mean, lo, hi);
	fc_model_axis(model, &axis);

	InitMaterializedSRF(fcinfo, 0);
	for (k = 0; k < horizon; k++)
	{
		Datum		values[5];
		bool		nulls[5] = {false, false, false, false, false};

		CHECK_FOR_INTERRUPTS();	/* up to forecastin.max_horizon rows */
		values[0] = Int32GetDatum(k + 1);
		nulls[1] = !time_column_value(model, &axis, (int64) model->n + k, target, &values[1],
									  "forecast step", k + 1);
		values[2] = Float8GetDatum(mean[k]);
		values[3] = Float8GetDatum(lo[k]);
		values[4] = Float8GetDatum(hi[k]);
		nulls[2] = !isfinite(mean[k]);
		nulls[3] = !isfinite(lo[k]);
		nulls[4] = !isfinite(hi[k]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/*
 * residuals(m [, t_type anyelement]): one-step in-sample residuals, one row
 * per grid point (resid NULL where the method has none).
 */
Datum
fc_residuals(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	FcModel    *model;
	FcTimeAxis	axis;
	Oid			target;
	int			k;

	InitMaterializedSRF(fcinfo, 0);
	if (PG_ARGISNULL(0))
		return (Datum) 0;		/* the typed form is not STRICT */
	model = PG_GETARG_FCMODEL_P(0);
	target = time_column_type(fcinfo, 1, model);
	fc_model_axis(model, &axis);
	for (k = 0; k < model->nresid; k++)
	{
		Datum		values[2];
		bool		nulls[2] = {false, false};
		double		r = FC_MODEL_RESID(model)[k];

		CHECK_FOR_INTERRUPTS();
		nulls[0] = !time_column_value(model, &axis, k, target, &values[0],
									  "observation", k + 1);
		values[1] = Float8GetDatum(r);
		nulls[1] = isnan(r);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/* ---------- model_info ---------- */

static void
json_key(StringInfo buf, const char *key, bool *first)
{
	if (!*first)
		appendStringInfoString(buf, ", ");
	*first = false;
	escape_json(buf, key);
	appendStringInfoString(buf, ": ");
}

static void
json_num(StringInfo buf, const char *key, double v, bool *first)
{
	json_key(buf, key, first);
	if (isfinite(v))
		appendStringInfo(buf, "%.15g", v);
	else
		appendStringInfoString(buf, "null");
}

static void
json_str(StringInfo buf, const char *key, const char *v, bool *first)
{
	json_key(buf, key, first);
	if (v)
		escape_json(buf, v);
	else
		appendStringInfoString(buf, "null");
}

/* ARIMA coefficients named as R's coef(): ar1.., ma1.., sar1.., sma1.., intercept/drift. */
static void
append_arima_coefficients(StringInfo buf, const FcModel *m, bool *pfirst)
{
	FcArimaModel am;
	char		name[32];
	int			i;

	memset(&am, 0, sizeof(am));
	if (fc_arima_unpack(m->states, m->nstates, &am) != FC_OK)
		return;
	for (i = 0; i < am.spec.p; i++)
	{
		snprintf(name, sizeof(name), "ar%d", i + 1);
		json_num(buf, name, am.phi[i], pfirst);
	}
	for (i = 0; i < am.spec.q; i++)
	{
		snprintf(name, sizeof(name), "ma%d", i + 1);
		json_num(buf, name, am.theta[i], pfirst);
	}
	for (i = 0; i < am.spec.P; i++)
	{
		snprintf(name, sizeof(name), "sar%d", i + 1);
		json_num(buf, name, am.Phi[i], pfirst);
	}
	for (i = 0; i < am.spec.Q; i++)
	{
		snprintf(name, sizeof(name), "sma%d", i + 1);
		json_num(buf, name, am.Theta[i], pfirst);
	}
	if (am.spec.constant)
		json_num(buf, am.spec.d + am.spec.D == 0 ? "intercept" : "drift", am.mu, pfirst);
	fc_arima_model_free(&am);
}

/*
 * Syntetos-Boylan-Croston classes from the stored ADI and CV^2; NULL for
 * series with negative values (not demand), "none" without any demand.
 */
static const char *
demand_class(const FcModel *m)
{
	double		code = m->params[FC_P_DEMAND_CLASS];

	if (!(code >= FC_DEMAND_NONE && code <= FC_DEMAND_LUMPY) || code != floor(code))
		return NULL;
	return fc_demand_class_name((FcDemandClass) (int) code);
}

/*
 * Composite models: "members" (method, form and fallback of each, and the
 * weight and AICc of each form of ets with Akaike weights; for mstl
 * the model of the adjusted series), "combine" of an ensemble, "periods"
 * and "transform" of mstl.
 */
static void
append_members(StringInfo buf, const FcModel *m, bool *first)
{
	FcModel    *subs[FC_MAX_SUBMODELS];
	double		w[FC_MAX_SUBMODELS];
	int			k = fc_composite_members(m, subs, FC_MAX_SUBMODELS);
	int			nw = fc_ensemble_weights(m, w, FC_MAX_SUBMODELS);
	char		tmp[1024];
	int			i;

	if (m->method == FC_METHOD_ENSEMBLE)
		json_str(buf, "combine", fc_combine_name((FcCombine) m->states[1]), first);
	else
	{
		int			per[FC_MAX_PERIODS];
		FcTransform transform = FC_TRANSFORM_NONE;
		int			np = fc_mstl_periods(m, per, &transform);

		json_key(buf, "periods", first);
		appendStringInfoChar(buf, '[');
		for (i = 0; i < np; i++)
			appendStringInfo(buf, "%s%d", i > 0 ? ", " : "", per[i]);
		appendStringInfoChar(buf, ']');
		json_str(buf, "transform", fc_transform_name(transform), first);
	}
	json_key(buf, "members", first);
	appendStringInfoChar(buf, '[');
	for (i = 0; i < k; i++)
	{
		bool		mfirst = true;

		appendStringInfoString(buf, i > 0 ? ", {" : "{");
		json_str(buf, "method", fc_method_name(subs[i]->method), &mfirst);
		fc_model_form_name(subs[i], tmp, sizeof(tmp));
		json_str(buf, "form", tmp, &mfirst);
		json_str(buf, "fallback", fc_model_fallback_reason(subs[i], tmp, sizeof(tmp)), &mfirst);
		if (i < nw)
		{
			json_num(buf, "weight", w[i], &mfirst);
			json_num(buf, "aicc", subs[i]->params[FC_P_AICC], &mfirst);
		}
		appendStringInfoChar(buf, '}');
		pfree(subs[i]);
	}
	appendStringInfoChar(buf, ']');
}

Datum
fc_model_info(PG_FUNCTION_ARGS)
{
	FcModel    *m = PG_GETARG_FCMODEL_P(0);
	StringInfoData buf;
	FcTimeAxis	axis;
	char		tmp[1024];		/* an ensemble's form names its members */
	bool		first = true;
	bool		pfirst = true;
	int64		t_last;
	bool		ets = m->ets_error != 0;

	fc_model_axis(m, &axis);
	initStringInfo(&buf);
	appendStringInfoChar(&buf, '{');
	json_str(&buf, "method", fc_method_name(m->method), &first);
	json_str(&buf, "requested_method", fc_method_name(m->requested), &first);
	fc_model_form_name(m, tmp, sizeof(tmp));
	json_str(&buf, "form", tmp, &first);
	json_str(&buf, "fallback", fc_model_fallback_reason(m, tmp, sizeof(tmp)), &first);
	if (m->requested == FC_METHOD_AUTO)
		json_str(&buf, "auto_choice", fc_auto_reason(m, tmp, sizeof(tmp)), &first);
	if (m->method == FC_METHOD_ENSEMBLE || m->method == FC_METHOD_MSTL)
		append_members(&buf, m, &first);
	json_num(&buf, "n", m->n, &first);
	json_num(&buf, "n_missing", m->n_missing, &first);
	json_str(&buf, "missing_policy",
			 m->missing_policy == 0 ? "zero" : m->missing_policy == 1 ? "interpolate" : "error",
			 &first);
	json_num(&buf, "period", m->period, &first);
	json_str(&buf, "period_source", fc_period_source_text(m, tmp, sizeof(tmp)), &first);
	if (isfinite(m->params[FC_P_SEASON_TEST]))
		json_num(&buf, "seasonality_test_ratio", m->params[FC_P_SEASON_TEST], &first);
	fc_time_step_name(&axis, tmp, sizeof(tmp));
	json_str(&buf, "step", tmp, &first);
	json_str(&buf, "time_type", format_type_be(fc_time_kind_type(m->time_kind)), &first);
	json_str(&buf, "first", fc_time_to_text(m->time_kind, &axis, m->t_first), &first);
	if (fc_time_at(&axis, m->n - 1, &t_last) == FC_OK)
		json_str(&buf, "last", fc_time_to_text(m->time_kind, &axis, t_last), &first);

	json_key(&buf, "parameters", &first);
	appendStringInfoChar(&buf, '{');
	if (ets)
	{
		json_num(&buf, "alpha", m->params[FC_P_ALPHA], &pfirst);
		if (m->ets_trend != 'N')
			json_num(&buf, "beta", m->params[FC_P_BETA], &pfirst);
		if (m->ets_season != 'N')
			json_num(&buf, "gamma", m->params[FC_P_GAMMA], &pfirst);
		if (m->ets_damped)
			json_num(&buf, "phi", m->params[FC_P_PHI], &pfirst);
		json_num(&buf, "initial_level", m->params[FC_P_INIT_LEVEL], &pfirst);
		if (m->ets_trend != 'N')
			json_num(&buf, "initial_slope", m->params[FC_P_INIT_SLOPE], &pfirst);
	}
	else if (m->method == FC_METHOD_ARIMA)
		append_arima_coefficients(&buf, m, &pfirst);
	else if (m->method == FC_METHOD_THETA)
	{
		json_num(&buf, "alpha", m->params[FC_P_ALPHA], &pfirst);
		json_num(&buf, "theta", m->params[FC_P_THETA], &pfirst);
		json_num(&buf, "trend_slope", m->params[FC_P_SLOPE], &pfirst);
		json_num(&buf, "initial_level", m->params[FC_P_INIT_LEVEL], &pfirst);
	}
	else if (m->method >= FC_METHOD_CROSTON && m->method <= FC_METHOD_ADIDA)
	{
		json_num(&buf, "alpha", m->params[FC_P_ALPHA], &pfirst);
		if (m->method != FC_METHOD_ADIDA)
			json_num(&buf, "beta", m->params[FC_P_BETA], &pfirst);
	}
	else if (m->method == FC_METHOD_KNN && m->nstates > 7)
	{
		json_num(&buf, "neighbours", m->states[3], &pfirst);
		json_str(&buf, "combine", fc_knn_packed_median(m->states, m->nstates) ? "median" : "mean", &pfirst);
		json_str(&buf, "normalisation", m->states[4] == 1.0 ? "divide by the cycle mean" : "subtract the cycle mean", &pfirst);
		json_num(&buf, "history", m->states[6], &pfirst);
		json_num(&buf, "in_sample_origins", m->states[7], &pfirst);
	}
	else if (m->method == FC_METHOD_MEAN)
		json_num(&buf, "mean", m->params[FC_P_MEAN], &pfirst);
	else if (m->method == FC_METHOD_DRIFT)
		json_num(&buf, "slope", m->params[FC_P_SLOPE], &pfirst);
	appendStringInfoChar(&buf, '}');

	json_num(&buf, "sigma2", m->params[FC_P_SIGMA2], &first);
	if (m->method == FC_METHOD_ARIMA)
	{
		json_num(&buf, "loglik", m->params[FC_P_LOGLIK], &first);
		json_num(&buf, "aic", m->params[FC_P_AIC], &first);
		json_num(&buf, "aicc", m->params[FC_P_AICC], &first);
		json_num(&buf, "bic", m->params[FC_P_BIC], &first);
		json_num(&buf, "nparam", m->nparam, &first);
	}
	json_str(&buf, "demand_class", demand_class(m), &first);
	json_num(&buf, "adi", m->params[FC_P_ADI], &first);
	json_num(&buf, "cv2", m->params[FC_P_CV2], &first);
	if (ets)
	{
		json_num(&buf, "loglik", m->params[FC_P_LOGLIK], &first);
		json_num(&buf, "aic", m->params[FC_P_AIC], &first);
		json_num(&buf, "aicc", m->params[FC_P_AICC], &first);
		json_num(&buf, "bic", m->params[FC_P_BIC], &first);
		json_num(&buf, "mse", m->params[FC_P_MSE], &first);
		json_num(&buf, "nparam", m->nparam, &first);
	}
	appendStringInfoChar(&buf, '}');

	PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data)));
}
