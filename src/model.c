/*
 * model.c
 *	  The forecastin.model type: allocation, validation, text I/O as JSON and
 *	  binary send/receive.
 *
 * The text form is a JSON object holding every field, so a model can be
 * dumped, restored, copied between servers and inspected; model_info()
 * is the friendlier view.  Text and binary input both end in
 * fc_model_check(), which rejects anything forecast() could not use
 * safely: a forged or truncated model is an ERROR, never a crash.
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"
#include "utils/timestamp.h"

#include "arima.h"
#include "composite.h"
#include "knn.h"
#include "methods.h"
#include "model.h"
#include "options.h"

PG_FUNCTION_INFO_V1(fc_model_in);
PG_FUNCTION_INFO_V1(fc_model_out);
PG_FUNCTION_INFO_V1(fc_model_recv);
PG_FUNCTION_INFO_V1(fc_model_send);

#define USEC_PER_DAY_I64 INT64CONST(86400000000)

static const char *const time_kind_names[] = {"bigint", "date", "timestamptz"};
static const char *const step_unit_names[] = {"integer", "day", "month", "microsecond"};
static const char *const period_source_names[] = {
	"none", "option", "detected", "rejected", "too_short", "no_candidate"
};
static const char *const fallback_names[] = {
	"none", "short_seasonal", "short", "long_period", "nonpositive", "failed"
};
static const char *const missing_names[] = {"zero", "interpolate", "error"};
static const char *const param_names[FC_NPARAMS] = {
	"alpha", "beta", "gamma", "phi", "sigma2", "loglik", "aic", "aicc", "bic",
	"mse", "init_level", "init_slope", "mean", "slope", "season_test", "demand_class",
	"theta", "adi", "cv2"
};

FcModel *
fc_model_alloc(int nstates)
{
	FcModel    *m = palloc0(FC_MODEL_SIZE(nstates, 0));
	int			i;

	SET_VARSIZE(m, FC_MODEL_SIZE(nstates, 0));
	m->version = FC_MODEL_VERSION;
	m->nstates = nstates;
	m->period = 1;
	for (i = 0; i < FC_NPARAMS; i++)
		m->params[i] = NAN;
	return m;
}

/* A copy of m with n residuals appended (m is freed). */
FcModel *
fc_model_add_residuals(FcModel *m, const double *resid, int n)
{
	FcModel    *r = palloc(FC_MODEL_SIZE(m->nstates, n));

	memcpy(r, m, FC_MODEL_SIZE(m->nstates, 0));
	SET_VARSIZE(r, FC_MODEL_SIZE(m->nstates, n));
	r->nresid = n;
	memcpy(FC_MODEL_RESID(r), resid, sizeof(double) * n);
	pfree(m);
	return r;
}

FcModel *
fc_model_detoast(Datum d)
{
	FcModel    *m = (FcModel *) PG_DETOAST_DATUM(d);

	if (m->version != FC_MODEL_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("forecastin.model version %d is not supported", (int) m->version),
				 errdetail("This forecastin reads model version %d.", FC_MODEL_VERSION),
				 errhint("Refit the model, or update the forecastin extension.")));
	if (VARSIZE(m) < offsetof(FcModel, states) ||
		m->nstates < 0 || m->nresid < 0 ||
		VARSIZE(m) != FC_MODEL_SIZE(m->nstates, m->nresid))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("corrupt forecastin.model value")));
	return m;
}

void
fc_model_axis(const FcModel *m, FcTimeAxis *axis)
{
	memset(axis, 0, sizeof(*axis));
	axis->unit = m->step_unit;
	axis->step = m->step;
	axis->first = m->t_first;
	axis->length = m->n;
	axis->anchor_day = m->anchor_day;
	axis->tod_usec = m->tod_usec;
}

static bool
is_ets_method(int method)
{
	return method == FC_METHOD_SES || method == FC_METHOD_HOLT ||
		method == FC_METHOD_DAMPED || method == FC_METHOD_HW ||
		method == FC_METHOD_ETS || method == FC_METHOD_AUTO;
}

int
fc_model_expected_states(const FcModel *m)
{
	switch (m->method)
	{
		case FC_METHOD_NAIVE:
		case FC_METHOD_DRIFT:
			return 1;
		case FC_METHOD_SNAIVE:
			return m->period;
		case FC_METHOD_MEAN:
			return 0;
		case FC_METHOD_THETA:
		case FC_METHOD_CROSTON:
		case FC_METHOD_SBA:
		case FC_METHOD_TSB:
		case FC_METHOD_ADIDA:
		case FC_METHOD_ARIMA:
		case FC_METHOD_MSTL:
		case FC_METHOD_ENSEMBLE:
		case FC_METHOD_KNN:
			return m->nstates;	/* a kernel's packed model, see fc_packed_states_valid */
		default:
			return 2 + (m->ets_season != 'N' ? m->period : 0);
	}
}

static void
forged(int code, const char *what)
{
	ereport(ERROR,
			(errcode(code),
			 errmsg("invalid forecastin.model value: %s", what),
			 code == ERRCODE_INVALID_BINARY_REPRESENTATION ?
			 errhint("Models come from forecastin.fit(); their binary form is written by forecastin.model_send().") :
			 errhint("Models come from forecastin.fit(); their text form is not meant to be edited.")));
}

/* Reject anything forecast() could not use safely. */
static void
model_check_code(const FcModel *m, int code)
{
	FcTimeAxis	axis;
	int64		t_last;
	int			i;

	if (m->version != FC_MODEL_VERSION)
		forged(code, "unsupported version");
	if (m->method >= FC_METHOD_COUNT || m->method == FC_METHOD_AUTO ||
		m->requested >= FC_METHOD_COUNT)
		forged(code, "unknown method");
	if (m->time_kind > FC_TIME_TIMESTAMPTZ || m->step_unit > FC_STEP_USEC)
		forged(code, "unknown time axis");
	if ((m->time_kind == FC_TIME_INT8) != (m->step_unit == FC_STEP_INT) ||
		(m->step_unit == FC_STEP_USEC && m->time_kind != FC_TIME_TIMESTAMPTZ))
		forged(code, "time axis does not match the time type");
	if (m->period_source > FC_PERIOD_NO_CANDIDATE || m->fallback > FC_FALLBACK_FAILED ||
		m->missing_policy > FC_MISSING_ERROR)
		forged(code, "unknown code");
	if (m->n < 1 || m->n_missing < 0 || m->n_missing >= m->n || m->step < 1 ||
		m->period < 1 || m->period > 100000 || m->detected_period < 0 ||
		m->nparam < 0 || m->nstates < 0 || m->nstates > 100002 ||
		m->anchor_day < 0 || m->anchor_day > 31 ||
		m->tod_usec < 0 || m->tod_usec >= USEC_PER_DAY_I64)
		forged(code, "field out of range");
	if (is_ets_method(m->method))
	{
		if ((m->ets_error != 'A' && m->ets_error != 'M') ||
			(m->ets_trend != 'N' && m->ets_trend != 'A') ||
			(m->ets_season != 'N' && m->ets_season != 'A' && m->ets_season != 'M') ||
			m->ets_damped > 1 || (m->ets_damped && m->ets_trend != 'A') ||
			(m->ets_season != 'N' && m->period < 2))
			forged(code, "invalid ETS form");
		for (i = FC_P_ALPHA; i <= FC_P_GAMMA; i++)
			if (!(m->params[i] >= 0.0 && m->params[i] <= 1.0))
				forged(code, "smoothing parameter outside [0, 1]");
		if (!(m->params[FC_P_PHI] > 0.0 && m->params[FC_P_PHI] <= 1.0))
			forged(code, "damping parameter outside (0, 1]");
	}
	else if (m->ets_error != 0 || m->ets_trend != 0 || m->ets_season != 0 || m->ets_damped != 0)
		forged(code, "ETS form on a non-ETS method");
	if (m->nstates != fc_model_expected_states(m))
		forged(code, "wrong number of states for the method");
	if (!fc_packed_states_valid(m))
		forged(code, "invalid method state");
	for (i = 0; i < m->nstates; i++)
		if (!isfinite(m->states[i]))
			forged(code, "non-finite state");
	if (m->nresid != 0 && m->nresid != m->n)
		forged(code, "wrong number of residuals");
	for (i = 0; i < m->nresid; i++)
		if (isinf(FC_MODEL_RESID(m)[i]))
			forged(code, "infinite residual");
	for (i = 0; i < FC_NPARAMS; i++)
		if (isinf(m->params[i]))
			forged(code, "infinite parameter");
	if (m->params[FC_P_SIGMA2] < 0.0)
		forged(code, "negative variance");
	if (m->method == FC_METHOD_MEAN && !isfinite(m->params[FC_P_MEAN]))
		forged(code, "missing mean");
	if (m->method == FC_METHOD_DRIFT && !isfinite(m->params[FC_P_SLOPE]))
		forged(code, "missing slope");

	fc_model_axis(m, &axis);
	if (fc_time_at(&axis, m->n - 1, &t_last) != FC_OK)
		forged(code, "time axis overflows");
}

void
fc_model_check(const FcModel *m)
{
	model_check_code(m, ERRCODE_INVALID_PARAMETER_VALUE);
}

/* ---------- sub-models ---------- */

/*
 * A sub-model inside its parent's states[] is a run of finite doubles:
 *	 [method, ets_error, ets_trend, ets_season, ets_damped, period, n,
 *	  nparam, nstates, fallback, requested,
 *	  FC_NPARAMS pairs (is_nan, value), nstates states]
 * Finite doubles print exactly in the text form (%.17g) and travel exactly
 * in the binary one, and the parent's own checks (finite states) still
 * hold.  The time axis is the parent's; residuals live in the parent.
 */
#define FC_SUB_HEADER 11

int
fc_submodel_size(const FcModel *sub)
{
	return FC_SUB_HEADER + 2 * FC_NPARAMS + sub->nstates;
}

void
fc_submodel_pack(const FcModel *sub, double *dst)
{
	int			i;

	dst[0] = sub->method;
	dst[1] = (unsigned char) sub->ets_error;
	dst[2] = (unsigned char) sub->ets_trend;
	dst[3] = (unsigned char) sub->ets_season;
	dst[4] = sub->ets_damped;
	dst[5] = sub->period;
	dst[6] = sub->n;
	dst[7] = sub->nparam;
	dst[8] = sub->nstates;
	dst[9] = sub->fallback;
	dst[10] = sub->requested;
	for (i = 0; i < FC_NPARAMS; i++)
	{
		bool		missing = !isfinite(sub->params[i]);

		dst[FC_SUB_HEADER + 2 * i] = missing ? 1.0 : 0.0;
		dst[FC_SUB_HEADER + 2 * i + 1] = missing ? 0.0 : sub->params[i];
	}
	memcpy(dst + FC_SUB_HEADER + 2 * FC_NPARAMS, sub->states,
		   sizeof(double) * sub->nstates);
}

/* A whole number in [lo, hi] stored as a double? */
static bool
packed_int(double d, double lo, double hi, int *out)
{
	if (!(d >= lo && d <= hi) || d != floor(d))
		return false;
	*out = (int) d;
	return true;
}

/*
 * The sub-model at src (at most `avail` doubles).  Its layout is always
 * checked; with `validate` it is also checked like any model read from
 * outside (an ERROR if it is not usable), which input functions do once:
 * forecasting a stored model need not repeat it.  *used is set to its
 * length.  An ensemble
 * is never a member, an mstl model only when allow_composite (inside an
 * ensemble): a forged model cannot make validation recurse deeper.
 */
FcModel *
fc_submodel_unpack(const FcModel *parent, const double *src, int avail,
				   bool allow_composite, bool validate, int *used)
{
	FcModel    *sub;
	int			method,
				err,
				trend,
				season,
				damped,
				period,
				n,
				nparam,
				nstates,
				fallback,
				requested,
				i;

	if (avail < FC_SUB_HEADER + 2 * FC_NPARAMS ||
		!packed_int(src[0], 1, FC_METHOD_COUNT - 1, &method) ||
		!packed_int(src[1], 0, 255, &err) ||
		!packed_int(src[2], 0, 255, &trend) ||
		!packed_int(src[3], 0, 255, &season) ||
		!packed_int(src[4], 0, 1, &damped) ||
		!packed_int(src[5], 1, 100000, &period) ||
		!packed_int(src[6], parent->n, parent->n, &n) ||
		!packed_int(src[7], 0, 1000000, &nparam) ||
		!packed_int(src[8], 0, avail - FC_SUB_HEADER - 2 * FC_NPARAMS, &nstates) ||
		!packed_int(src[9], 0, FC_FALLBACK_FAILED, &fallback) ||
		!packed_int(src[10], 1, FC_METHOD_COUNT - 1, &requested))
		forged(ERRCODE_INVALID_PARAMETER_VALUE, "invalid component model");
	/* only an mstl member of an ensemble nests: two levels at most */
	if (method == FC_METHOD_ENSEMBLE || (method == FC_METHOD_MSTL && !allow_composite))
		forged(ERRCODE_INVALID_PARAMETER_VALUE, "nested component model");

	sub = fc_model_alloc(nstates);
	sub->method = (uint8) method;
	sub->requested = (uint8) requested;
	sub->fallback = (uint8) fallback;
	sub->ets_error = (char) err;
	sub->ets_trend = (char) trend;
	sub->ets_season = (char) season;
	sub->ets_damped = (uint8) damped;
	sub->period = period;
	sub->n = n;
	sub->nparam = nparam;
	for (i = 0; i < FC_NPARAMS; i++)
	{
		double		flag = src[FC_SUB_HEADER + 2 * i];

		if (flag != 0.0 && flag != 1.0)
			forged(ERRCODE_INVALID_PARAMETER_VALUE, "invalid component model");
		sub->params[i] = flag == 1.0 ? NAN : src[FC_SUB_HEADER + 2 * i + 1];
	}
	memcpy(sub->states, src + FC_SUB_HEADER + 2 * FC_NPARAMS, sizeof(double) * nstates);

	/*
	 * A neutral integer time axis: a member's forecasts are steps 1..h of
	 * its parent's, whose axis places them in time (and which may have none
	 * yet, inside a backtest).  The usual checks then apply unchanged.
	 */
	sub->time_kind = FC_TIME_INT8;
	sub->step_unit = FC_STEP_INT;
	sub->step = 1;
	sub->t_first = 0;
	sub->period_source = FC_PERIOD_OPTION;
	sub->detected_period = parent->period;	/* the period the member was given */

	if (validate)
		model_check_code(sub, ERRCODE_INVALID_PARAMETER_VALUE);
	*used = FC_SUB_HEADER + 2 * FC_NPARAMS + nstates;
	return sub;
}

void
fc_model_form_name(const FcModel *m, char *buf, size_t len)
{
	if (m->method == FC_METHOD_ENSEMBLE || m->method == FC_METHOD_MSTL)
	{
		fc_composite_form_name(m, buf, len);
		return;
	}
	if (m->method == FC_METHOD_ARIMA)
	{
		FcArimaModel am;

		memset(&am, 0, sizeof(am));
		if (fc_arima_unpack(m->states, m->nstates, &am) == FC_OK)
		{
			fc_arima_name(&am, buf, len);
			fc_arima_model_free(&am);
			return;
		}
	}
	if (m->method == FC_METHOD_KNN && m->nstates > 4)
	{
		/*
		 * kNN(k=3,m=24,M,median): neighbours, cycle, multiplicative or
		 * additive, how the neighbours are combined
		 */
		snprintf(buf, len, "kNN(k=%d,m=%d,%c,%s)", (int) m->states[3], (int) m->states[2],
				 m->states[4] == 1.0 ? 'M' : 'A',
				 fc_knn_packed_median(m->states, m->nstates) ? "median" : "mean");
		return;
	}
	if (m->ets_error == 0)
		snprintf(buf, len, "%s", fc_method_name(m->method));
	else
		snprintf(buf, len, "ETS(%c,%s,%c)", m->ets_error,
				 m->ets_trend == 'N' ? "N" : (m->ets_damped ? "Ad" : "A"),
				 m->ets_season);
}

const char *
fc_model_fallback_reason(const FcModel *m, char *buf, size_t len)
{
	switch (m->fallback)
	{
		case FC_FALLBACK_SHORT_SEASONAL:
			if (m->detected_period <= 1 && m->requested != FC_METHOD_AUTO &&
				m->requested != FC_METHOD_ETS)
				snprintf(buf, len, "%s needs a seasonal period but the series has none; fitted %s without seasonality",
						 fc_method_name(m->requested), fc_method_name(m->method));
			else
				snprintf(buf, len, "%d observations are too few for seasonal period %d; fitted %s without seasonality",
						 m->n, m->detected_period, fc_method_name(m->method));
			break;
		case FC_FALLBACK_SHORT:
			snprintf(buf, len, "%d observations are too few for %s; fitted %s",
					 m->n, fc_method_name(m->requested), fc_method_name(m->method));
			break;
		case FC_FALLBACK_LONG_PERIOD:
			if (m->requested == FC_METHOD_KNN)
				snprintf(buf, len, "seasonal period %d exceeds %d, the longest cycle knn compares; fitted %s",
						 m->detected_period, FC_KNN_MAX_PERIOD, fc_method_name(m->method));
			else
				snprintf(buf, len, "seasonal period %d exceeds %d, the longest season ETS estimates; fitted without seasonality",
						 m->detected_period, FC_ETS_MAX_PERIOD);
			break;
		case FC_FALLBACK_NONPOSITIVE:
			snprintf(buf, len, "multiplicative seasonality needs positive values; fitted additive seasonality");
			break;
		case FC_FALLBACK_FAILED:
			snprintf(buf, len, "no %s model could be estimated; fitted %s",
					 fc_method_name(m->requested), fc_method_name(m->method));
			break;
		default:
			return NULL;
	}
	return buf;
}

const char *
fc_period_source_text(const FcModel *m, char *buf, size_t len)
{
	switch (m->period_source)
	{
		case FC_PERIOD_OPTION:
			snprintf(buf, len, "given in options");
			break;
		case FC_PERIOD_DETECTED:
			snprintf(buf, len, "usual period %d of the time step, confirmed by the autocorrelation test",
					 m->detected_period);
			break;
		case FC_PERIOD_REJECTED:
			snprintf(buf, len, "usual period %d of the time step rejected by the autocorrelation test",
					 m->detected_period);
			break;
		case FC_PERIOD_TOO_SHORT:
			snprintf(buf, len, "usual period %d of the time step not used: fewer than 3 full cycles of history",
					 m->detected_period);
			break;
		case FC_PERIOD_NO_CANDIDATE:
			snprintf(buf, len, "the time step has no usual seasonal period");
			break;
		default:
			snprintf(buf, len, "integer time has no calendar; pass {\"period\": m} to use one");
			break;
	}
	return buf;
}

/* ---------- text output ---------- */

static void
append_double(StringInfo buf, double v)
{
	if (isnan(v) || isinf(v))
		appendStringInfoString(buf, "null");
	else
	{
		char		tmp[64];

		/*
		 * JSON numbers have no negative zero (jsonb reads "-0" as 0), so
		 * write 0: the text form then reads back to the same text.
		 */
		snprintf(tmp, sizeof(tmp), "%.17g", v == 0.0 ? 0.0 : v);
		appendStringInfoString(buf, tmp);
	}
}

Datum
fc_model_out(PG_FUNCTION_ARGS)
{
	FcModel    *m = PG_GETARG_FCMODEL_P(0);
	StringInfoData buf;
	int			i;

	initStringInfo(&buf);
	appendStringInfo(&buf,
					 "{\"version\": %d, \"method\": \"%s\", \"requested\": \"%s\", "
					 "\"time\": \"%s\", \"step_unit\": \"%s\", \"step\": " INT64_FORMAT ", "
					 "\"t_first\": " INT64_FORMAT ", \"anchor_day\": %d, \"tod_usec\": " INT64_FORMAT ", "
					 "\"n\": %d, \"n_missing\": %d, \"missing\": \"%s\", "
					 "\"period\": %d, \"detected_period\": %d, \"period_source\": \"%s\", "
					 "\"fallback\": \"%s\", \"nparam\": %d",
					 (int) m->version, fc_method_name(m->method), fc_method_name(m->requested),
					 time_kind_names[m->time_kind], step_unit_names[m->step_unit], m->step,
					 m->t_first, m->anchor_day, m->tod_usec,
					 m->n, m->n_missing, missing_names[m->missing_policy],
					 m->period, m->detected_period, period_source_names[m->period_source],
					 fallback_names[m->fallback], m->nparam);
	if (m->ets_error != 0)
		appendStringInfo(&buf, ", \"ets\": \"%c%c%s%c\"", m->ets_error, m->ets_trend,
						 m->ets_damped ? "d" : "", m->ets_season);
	appendStringInfoString(&buf, ", \"params\": {");
	for (i = 0; i < FC_NPARAMS; i++)
	{
		appendStringInfo(&buf, "%s\"%s\": ", i ? ", " : "", param_names[i]);
		append_double(&buf, m->params[i]);
	}
	appendStringInfoString(&buf, "}, \"states\": [");
	for (i = 0; i < m->nstates; i++)
	{
		if (i)
			appendStringInfoString(&buf, ", ");
		append_double(&buf, m->states[i]);
	}
	appendStringInfoString(&buf, "], \"residuals\": [");
	for (i = 0; i < m->nresid; i++)
	{
		if (i)
			appendStringInfoString(&buf, ", ");
		append_double(&buf, FC_MODEL_RESID(m)[i]);
	}
	appendStringInfoString(&buf, "]}");
	PG_RETURN_CSTRING(buf.data);
}

/* ---------- text input ---------- */

static void
bad_text(const char *what)
{
	forged(ERRCODE_INVALID_TEXT_REPRESENTATION, what);
}

static JsonbValue *
get_key(Jsonb *jb, const char *key, bool required)
{
	JsonbValue	k;
	JsonbValue *v;

	k.type = jbvString;
	k.val.string.val = (char *) key;
	k.val.string.len = strlen(key);
	v = findJsonbValueFromContainer(&jb->root, JB_FOBJECT, &k);
	if (v == NULL && required)
		bad_text(psprintf("key \"%s\" is missing", key));
	return v;
}

static double
value_double(const JsonbValue *v, const char *key)
{
	if (v->type == jbvNull)
		return NAN;
	if (v->type != jbvNumeric)
		bad_text(psprintf("\"%s\" is not a number", key));
	return DatumGetFloat8(DirectFunctionCall1(numeric_float8, NumericGetDatum(v->val.numeric)));
}

static int64
key_int(Jsonb *jb, const char *key, int64 lo, int64 hi)
{
	JsonbValue *v = get_key(jb, key, true);
	double		d = value_double(v, key);

	if (!(d >= (double) lo && d <= (double) hi) || d != floor(d))
		bad_text(psprintf("\"%s\" is out of range", key));
	if (hi > INT64CONST(4503599627370496) || lo < -INT64CONST(4503599627370496))
		return DatumGetInt64(DirectFunctionCall1(numeric_int8, NumericGetDatum(v->val.numeric)));
	return (int64) d;
}

static int
key_enum(Jsonb *jb, const char *key, const char *const *names, int count)
{
	JsonbValue *v = get_key(jb, key, true);
	int			i;

	if (v->type != jbvString)
		bad_text(psprintf("\"%s\" is not a string", key));
	for (i = 0; i < count; i++)
		if (strlen(names[i]) == (size_t) v->val.string.len &&
			strncmp(names[i], v->val.string.val, v->val.string.len) == 0)
			return i;
	bad_text(psprintf("\"%s\" has an unknown value", key));
	return 0;
}

static int
key_method(Jsonb *jb, const char *key)
{
	JsonbValue *v = get_key(jb, key, true);
	int			i;

	if (v->type != jbvString)
		bad_text(psprintf("\"%s\" is not a string", key));
	for (i = 0; i < FC_METHOD_COUNT; i++)
		if (strlen(fc_method_name(i)) == (size_t) v->val.string.len &&
			strncmp(fc_method_name(i), v->val.string.val, v->val.string.len) == 0)
			return i;
	bad_text(psprintf("\"%s\" names an unknown method", key));
	return 0;
}

static int
count_array(Jsonb *jb, const char *key, JsonbValue **elems, int max, bool required)
{
	JsonbValue *v = get_key(jb, key, required);
	JsonbIterator *it;
	JsonbValue	e;
	JsonbIteratorToken tok;
	int			n = 0;

	if (v == NULL)
		return 0;
	if (v->type != jbvBinary)
		bad_text(psprintf("\"%s\" is not an array", key));
	it = JsonbIteratorInit(v->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &e, true)) != WJB_DONE)
	{
		if (tok == WJB_BEGIN_OBJECT)
			bad_text(psprintf("\"%s\" is not an array", key));
		if (tok != WJB_ELEM)
			continue;
		if (n >= max)
			bad_text(psprintf("\"%s\" has too many elements", key));
		if (elems)
		{
			elems[n] = palloc(sizeof(JsonbValue));
			*elems[n] = e;
		}
		n++;
	}
	return n;
}

Datum
fc_model_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	Jsonb	   *jb = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(str)));
	JsonbValue **states;
	JsonbValue **resid;
	int			nresid;
	JsonbValue *params;
	JsonbValue *ets;
	FcModel    *m;
	int			nstates;
	int			i;

	if (!JB_ROOT_IS_OBJECT(jb) || JB_ROOT_IS_SCALAR(jb))
		bad_text("not a JSON object");
	if (key_int(jb, "version", 0, 255) != FC_MODEL_VERSION)
		bad_text("unsupported version");

	nstates = count_array(jb, "states", NULL, 100002, true);
	states = palloc(sizeof(JsonbValue *) * (nstates + 1));
	count_array(jb, "states", states, nstates, true);
	nresid = count_array(jb, "residuals", NULL, 10000000, false);
	resid = palloc(sizeof(JsonbValue *) * (nresid + 1));
	count_array(jb, "residuals", resid, nresid, false);
	m = fc_model_alloc(nstates);
	m->method = key_method(jb, "method");
	m->requested = key_method(jb, "requested");
	m->time_kind = key_enum(jb, "time", time_kind_names, lengthof(time_kind_names));
	m->step_unit = key_enum(jb, "step_unit", step_unit_names, lengthof(step_unit_names));
	m->step = key_int(jb, "step", 1, PG_INT64_MAX);
	m->t_first = key_int(jb, "t_first", PG_INT64_MIN, PG_INT64_MAX);
	m->anchor_day = key_int(jb, "anchor_day", 0, 31);
	m->tod_usec = key_int(jb, "tod_usec", 0, USEC_PER_DAY_I64 - 1);
	m->n = key_int(jb, "n", 1, PG_INT32_MAX);
	m->n_missing = key_int(jb, "n_missing", 0, PG_INT32_MAX);
	m->missing_policy = key_enum(jb, "missing", missing_names, lengthof(missing_names));
	m->period = key_int(jb, "period", 1, 100000);
	m->detected_period = key_int(jb, "detected_period", 0, 100000);
	m->period_source = key_enum(jb, "period_source", period_source_names, lengthof(period_source_names));
	m->fallback = key_enum(jb, "fallback", fallback_names, lengthof(fallback_names));
	m->nparam = key_int(jb, "nparam", 0, 1000000);

	ets = get_key(jb, "ets", false);
	if (ets != NULL)
	{
		const char *s;
		int			len;

		if (ets->type != jbvString || ets->val.string.len < 3 || ets->val.string.len > 4)
			bad_text("\"ets\" is not an ETS form such as \"AAdA\"");
		s = ets->val.string.val;
		len = ets->val.string.len;
		m->ets_error = s[0];
		m->ets_trend = s[1];
		m->ets_damped = (len == 4 && s[2] == 'd');
		if (len == 4 && s[2] != 'd')
			bad_text("\"ets\" is not an ETS form such as \"AAdA\"");
		m->ets_season = s[len - 1];
	}

	params = get_key(jb, "params", true);
	if (params->type != jbvBinary)
		bad_text("\"params\" is not an object");
	{
		Jsonb	   *pj = palloc(VARHDRSZ + params->val.binary.len);

		SET_VARSIZE(pj, VARHDRSZ + params->val.binary.len);
		memcpy(&pj->root, params->val.binary.data, params->val.binary.len);
		if (!JB_ROOT_IS_OBJECT(pj))
			bad_text("\"params\" is not an object");
		for (i = 0; i < FC_NPARAMS; i++)
		{
			JsonbValue *pv = get_key(pj, param_names[i], true);

			m->params[i] = value_double(pv, param_names[i]);
		}
	}
	for (i = 0; i < nstates; i++)
	{
		if (states[i]->type != jbvNumeric)
			bad_text("\"states\" holds a non-number");
		m->states[i] = value_double(states[i], "states");
	}
	if (nresid > 0)
	{
		double	   *r = palloc(sizeof(double) * nresid);

		for (i = 0; i < nresid; i++)
		{
			if (resid[i]->type != jbvNumeric && resid[i]->type != jbvNull)
				bad_text("\"residuals\" holds a non-number");
			r[i] = value_double(resid[i], "residuals");
		}
		m = fc_model_add_residuals(m, r, nresid);
	}
	model_check_code(m, ERRCODE_INVALID_TEXT_REPRESENTATION);
	PG_RETURN_POINTER(m);
}

/* ---------- binary I/O ---------- */

Datum
fc_model_send(PG_FUNCTION_ARGS)
{
	FcModel    *m = PG_GETARG_FCMODEL_P(0);
	StringInfoData buf;
	int			i;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, m->version);
	pq_sendbyte(&buf, m->method);
	pq_sendbyte(&buf, m->requested);
	pq_sendbyte(&buf, m->time_kind);
	pq_sendbyte(&buf, m->step_unit);
	pq_sendbyte(&buf, m->period_source);
	pq_sendbyte(&buf, m->fallback);
	pq_sendbyte(&buf, m->missing_policy);
	pq_sendbyte(&buf, (uint8) m->ets_error);
	pq_sendbyte(&buf, (uint8) m->ets_trend);
	pq_sendbyte(&buf, (uint8) m->ets_season);
	pq_sendbyte(&buf, m->ets_damped);
	pq_sendint32(&buf, m->period);
	pq_sendint32(&buf, m->detected_period);
	pq_sendint32(&buf, m->n);
	pq_sendint32(&buf, m->n_missing);
	pq_sendint32(&buf, m->nparam);
	pq_sendint32(&buf, m->anchor_day);
	pq_sendint32(&buf, m->nstates);
	pq_sendint64(&buf, m->step);
	pq_sendint64(&buf, m->t_first);
	pq_sendint64(&buf, m->tod_usec);
	pq_sendint32(&buf, FC_NPARAMS);
	for (i = 0; i < FC_NPARAMS; i++)
		pq_sendfloat8(&buf, m->params[i]);
	for (i = 0; i < m->nstates; i++)
		pq_sendfloat8(&buf, m->states[i]);
	pq_sendint32(&buf, m->nresid);
	for (i = 0; i < m->nresid; i++)
		pq_sendfloat8(&buf, FC_MODEL_RESID(m)[i]);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

Datum
fc_model_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	FcModel		hdr;
	FcModel    *m;
	int			nparams;
	int			i;

	memset(&hdr, 0, sizeof(hdr));
	hdr.version = pq_getmsgbyte(buf);
	if (hdr.version != FC_MODEL_VERSION)
		forged(ERRCODE_INVALID_BINARY_REPRESENTATION, "unsupported version");
	hdr.method = pq_getmsgbyte(buf);
	hdr.requested = pq_getmsgbyte(buf);
	hdr.time_kind = pq_getmsgbyte(buf);
	hdr.step_unit = pq_getmsgbyte(buf);
	hdr.period_source = pq_getmsgbyte(buf);
	hdr.fallback = pq_getmsgbyte(buf);
	hdr.missing_policy = pq_getmsgbyte(buf);
	hdr.ets_error = (char) pq_getmsgbyte(buf);
	hdr.ets_trend = (char) pq_getmsgbyte(buf);
	hdr.ets_season = (char) pq_getmsgbyte(buf);
	hdr.ets_damped = pq_getmsgbyte(buf);
	hdr.period = pq_getmsgint(buf, 4);
	hdr.detected_period = pq_getmsgint(buf, 4);
	hdr.n = pq_getmsgint(buf, 4);
	hdr.n_missing = pq_getmsgint(buf, 4);
	hdr.nparam = pq_getmsgint(buf, 4);
	hdr.anchor_day = pq_getmsgint(buf, 4);
	hdr.nstates = pq_getmsgint(buf, 4);
	if (hdr.nstates < 0 || hdr.nstates > 100002 || hdr.n < 1 || hdr.n > 10000000)
		forged(ERRCODE_INVALID_BINARY_REPRESENTATION, "field out of range");
	hdr.step = pq_getmsgint64(buf);
	hdr.t_first = pq_getmsgint64(buf);
	hdr.tod_usec = pq_getmsgint64(buf);
	nparams = pq_getmsgint(buf, 4);
	if (nparams != FC_NPARAMS)
		forged(ERRCODE_INVALID_BINARY_REPRESENTATION, "wrong number of parameters");

	m = fc_model_alloc(hdr.nstates);
	memcpy(VARDATA(m), VARDATA(&hdr), offsetof(FcModel, params) - VARHDRSZ);
	for (i = 0; i < FC_NPARAMS; i++)
		m->params[i] = pq_getmsgfloat8(buf);
	for (i = 0; i < m->nstates; i++)
		m->states[i] = pq_getmsgfloat8(buf);
	{
		int32		nresid = pq_getmsgint(buf, 4);

		if ((nresid != 0 && nresid != hdr.n) ||
			buf->len - buf->cursor != (int) (nresid * sizeof(double)))
			forged(ERRCODE_INVALID_BINARY_REPRESENTATION, "wrong number of residuals");
		if (nresid > 0)
		{
			double	   *r = palloc(sizeof(double) * nresid);

			for (i = 0; i < nresid; i++)
				r[i] = pq_getmsgfloat8(buf);
			m = fc_model_add_residuals(m, r, nresid);
		}
	}
	model_check_code(m, ERRCODE_INVALID_BINARY_REPRESENTATION);
	PG_RETURN_POINTER(m);
}
