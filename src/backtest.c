/*
 * backtest.c
 *	  forecastin.backtest(t, y, method, options): rolling-origin evaluation
 *	  of one method on one series, as an aggregate; and
 *	  forecastin.backtest_errors(bt): its forecasts and actuals as rows.
 *
 * Windows.  The series (made regular exactly as forecastin.fit does it) has
 * N points.  With horizon h, W windows and step s, window w = 1..W has its
 * forecast origin after the first o_w = N - h - (W - w) * s points: the
 * model is fitted to y[0..o_w) and forecasts y[o_w .. o_w + h).  The last
 * window ends at the last observation; consecutive origins are s apart.
 * A window with o_w < 1 does not exist for a short series: it is skipped
 * (counted in "windows_skipped"), or an error with {"short": "error"}.
 * The seasonal period of each window is chosen from its own training data
 * (no look-ahead), as fit would choose it.
 *
 * Why not the fit aggregate's state type: the backtest needs horizon,
 * windows and step next to the observations, and forecastin.fit_state has
 * no room for them (its layout belongs to fit.c and its stored form).  The
 * state here is `internal` with serialise/deserialise functions, which is
 * what parallel aggregation needs; the series building itself is fit.c's
 * (fit.h), so both aggregates accept and reject the same input.
 *
 * Result.  jsonb: self-describing, storable, readable with the jsonb
 * operators (per-window model, fallback, scale), and expanded into rows by
 * backtest_errors().  Times are stored as JSON numbers (bigint) or ISO 8601
 * strings (date, timestamptz).
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "common/shortest_dec.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"

#include "backtest.h"
#include "fit.h"
#include "forecastin.h"
#include "methods.h"
#include "model.h"
#include "options.h"
#include "sqltime.h"

PG_FUNCTION_INFO_V1(fc_backtest_sfunc_int8);
PG_FUNCTION_INFO_V1(fc_backtest_sfunc_date);
PG_FUNCTION_INFO_V1(fc_backtest_sfunc_tstz);
PG_FUNCTION_INFO_V1(fc_backtest_combine);
PG_FUNCTION_INFO_V1(fc_backtest_serialize);
PG_FUNCTION_INFO_V1(fc_backtest_deserialize);
PG_FUNCTION_INFO_V1(fc_backtest_final);
PG_FUNCTION_INFO_V1(fc_backtest_errors);

#define BT_STATE_VERSION 1
#define BT_MAX_WINDOWS 10000
#define BT_MAX_STEP 10000000
#define BT_MAX_POINTS ((int32) (MaxAllocSize / sizeof(FcPoint)))
#define BT_KEYS "horizon, windows, step, level"

typedef struct BtState
{
	uint8		time_kind;		/* FcTimeKind */
	uint8		method;			/* FcMethod requested */
	int32		horizon;
	int32		windows;
	int32		step;
	double		level;
	FcOptions	opts;			/* the fit options */
	int32		count;
	int32		capacity;
	FcPoint    *points;			/* in the aggregate context */
} BtState;

/* ---------- options ---------- */

static int32
bt_int_option(const char *key, JsonbValue *v, int32 lo, int32 hi, const char *what)
{
	double		d;

	if (v->type != jbvNumeric)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("backtest option \"%s\" must be a number", key),
				 errhint("%s", what)));
	d = DatumGetFloat8(DirectFunctionCall1(numeric_float8, NumericGetDatum(v->val.numeric)));
	if (!isfinite(d) || d != floor(d) || d < lo || d > hi)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("backtest option \"%s\" is out of range: %g", key, d),
				 errdetail("\"%s\" must be a whole number between %d and %d.", key, lo, hi),
				 errhint("%s", what)));
	return (int32) d;
}

static void
bt_fit_options_context(void *arg)
{
	errcontext("fit options of forecastin.backtest (which also accepts " BT_KEYS ")");
}

/*
 * Take horizon, windows, step and level out of the options; the rest are
 * fit options, parsed by fit's own parser (so the two never drift apart).
 */
static void
bt_parse_options(Jsonb *jb, BtState *s)
{
	static const char *const keys[] = {"horizon", "windows", "step", "level"};
	ErrorContextCallback cb;
	bool		have_step = false;
	int			i;

	if (!JB_ROOT_IS_OBJECT(jb) || JB_ROOT_IS_SCALAR(jb))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("backtest options must be a JSON object"),
				 errhint("For example '{\"horizon\": 28, \"windows\": 4, \"step\": 7}'.")));

	s->horizon = 0;
	s->windows = 1;
	s->level = 0.95;
	for (i = 0; i < lengthof(keys); i++)
	{
		JsonbValue	tmp;
		JsonbValue *v = getKeyJsonValueFromContainer(&jb->root, keys[i], strlen(keys[i]), &tmp);

		if (v == NULL)
			continue;
		switch (i)
		{
			case 0:
				s->horizon = bt_int_option("horizon", v, 1, fc_max_horizon,
										   "The horizon is how many steps ahead each window forecasts (at most forecastin.max_horizon).");
				break;
			case 1:
				s->windows = bt_int_option("windows", v, 1, BT_MAX_WINDOWS,
										   "\"windows\" is how many forecast origins to evaluate.");
				break;
			case 2:
				s->step = bt_int_option("step", v, 1, BT_MAX_STEP,
										"\"step\" is how many time steps apart consecutive origins are.");
				have_step = true;
				break;
			case 3:
				{
					double		d;

					if (v->type != jbvNumeric)
						ereport(ERROR,
								(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
								 errmsg("backtest option \"level\" must be a number"),
								 errhint("Use 0.95 for a 95%% interval.")));
					d = DatumGetFloat8(DirectFunctionCall1(numeric_float8,
														   NumericGetDatum(v->val.numeric)));
					if (!(d > 0.0 && d < 1.0))
						ereport(ERROR,
								(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
								 errmsg("prediction interval level %g is out of range", d),
								 errdetail("The level is a probability strictly between 0 and 1."),
								 errhint("Use 0.95 for a 95%% interval.")));
					s->level = d;
				}
				break;
		}
		jb = DatumGetJsonbP(DirectFunctionCall2(jsonb_delete, JsonbPGetDatum(jb),
												CStringGetTextDatum(keys[i])));
	}
	if (s->horizon == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("backtest option \"horizon\" is required"),
				 errhint("For example '{\"horizon\": 28, \"windows\": 4, \"step\": 7}'.")));
	if (!have_step)
		s->step = s->horizon;	/* default: test sets side by side */
	if ((int64) s->windows * s->horizon > FC_BACKTEST_MAX_FORECASTS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("backtest of %d windows of horizon %d is too large", s->windows, s->horizon),
				 errdetail("A backtest makes at most %d forecasts per series (windows x horizon).",
						   FC_BACKTEST_MAX_FORECASTS),
				 errhint("Use fewer windows or a shorter horizon.")));

	cb.callback = bt_fit_options_context;
	cb.arg = NULL;
	cb.previous = error_context_stack;
	error_context_stack = &cb;
	fc_options_from_jsonb(jb, &s->opts);
	error_context_stack = cb.previous;
}

/* ---------- transition ---------- */

static BtState *
bt_first(FunctionCallInfo fcinfo, MemoryContext aggctx, FcTimeKind kind)
{
	BtState    *s;

	if (PG_ARGISNULL(3))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("forecasting method must not be NULL"),
				 errhint("Use 'auto' to let forecastin choose.")));
	if (PG_ARGISNULL(4))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("backtest options must not be NULL"),
				 errhint("Give at least the horizon, for example '{\"horizon\": 28}'.")));
	s = MemoryContextAllocZero(aggctx, sizeof(BtState));
	s->time_kind = kind;
	s->method = fc_method_from_text(text_to_cstring(PG_GETARG_TEXT_PP(3)));
	bt_parse_options(PG_GETARG_JSONB_P(4), s);
	fc_options_check_method((FcMethod) s->method, &s->opts);
	s->capacity = 64;
	s->points = MemoryContextAlloc(aggctx, sizeof(FcPoint) * s->capacity);
	return s;
}

static void
bt_reserve(BtState *s, int64 need)
{
	int64		cap = s->capacity;

	if (need <= cap)
		return;
	if (need > BT_MAX_POINTS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("series has too many observations"),
				 errdetail("A series can hold at most %d observations.", BT_MAX_POINTS)));
	while (cap < need)
		cap *= 2;
	if (cap > BT_MAX_POINTS)
		cap = BT_MAX_POINTS;
	s->points = repalloc(s->points, sizeof(FcPoint) * cap);	/* stays in its context */
	s->capacity = (int32) cap;
}

static Datum
bt_transition(FunctionCallInfo fcinfo, FcTimeKind kind, int64 t)
{
	MemoryContext aggctx;
	BtState    *s;
	double		y;

	if (!AggCheckCallContext(fcinfo, &aggctx))
		elog(ERROR, "forecastin.backtest transition function called in non-aggregate context");
	if (PG_ARGISNULL(0))
		s = bt_first(fcinfo, aggctx, kind);
	else
		s = (BtState *) PG_GETARG_POINTER(0);

	if (PG_ARGISNULL(2))
		y = NAN;
	else
	{
		y = PG_GETARG_FLOAT8(2);
		if (!isfinite(y))
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("value at %s is %s", fc_raw_time_to_text(kind, t),
							isnan(y) ? "NaN" : "infinite"),
					 errdetail("Series values must be finite numbers."),
					 errhint("Use NULL for a missing value; the \"missing\" option says how it is filled.")));
	}
	bt_reserve(s, (int64) s->count + 1);
	s->points[s->count].t = t;
	s->points[s->count].y = y;
	s->count++;
	PG_RETURN_POINTER(s);
}

Datum
fc_backtest_sfunc_int8(PG_FUNCTION_ARGS)
{
	return bt_transition(fcinfo, FC_TIME_INT8, fc_time_arg(fcinfo, 1, FC_TIME_INT8));
}

Datum
fc_backtest_sfunc_date(PG_FUNCTION_ARGS)
{
	return bt_transition(fcinfo, FC_TIME_DATE, fc_time_arg(fcinfo, 1, FC_TIME_DATE));
}

Datum
fc_backtest_sfunc_tstz(PG_FUNCTION_ARGS)
{
	return bt_transition(fcinfo, FC_TIME_TIMESTAMPTZ,
						 fc_time_arg(fcinfo, 1, FC_TIME_TIMESTAMPTZ));
}

/* ---------- combine and (de)serialisation, for parallel aggregation ---------- */

static BtState *
bt_copy(const BtState *src, MemoryContext ctx)
{
	BtState    *s = MemoryContextAlloc(ctx, sizeof(BtState));

	*s = *src;
	s->capacity = Max(src->count, 1);
	s->points = MemoryContextAlloc(ctx, sizeof(FcPoint) * s->capacity);
	memcpy(s->points, src->points, sizeof(FcPoint) * src->count);
	return s;
}

Datum
fc_backtest_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggctx;
	BtState    *a;
	BtState    *b;

	if (!AggCheckCallContext(fcinfo, &aggctx))
		elog(ERROR, "forecastin.backtest combine function called in non-aggregate context");
	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_POINTER(PG_GETARG_POINTER(0));
	}
	b = (BtState *) PG_GETARG_POINTER(1);
	if (PG_ARGISNULL(0))
		PG_RETURN_POINTER(bt_copy(b, aggctx));
	a = (BtState *) PG_GETARG_POINTER(0);
	if (a->time_kind != b->time_kind)
		elog(ERROR, "cannot combine forecastin.backtest states of different time types");
	bt_reserve(a, (int64) a->count + b->count);
	memcpy(&a->points[a->count], b->points, sizeof(FcPoint) * b->count);
	a->count += b->count;
	PG_RETURN_POINTER(a);
}

/*
 * Between processes of one server only (parallel workers), so the parsed
 * options travel as their in-memory bytes; the header is still checked.
 */
Datum
fc_backtest_serialize(PG_FUNCTION_ARGS)
{
	BtState    *s = (BtState *) PG_GETARG_POINTER(0);
	StringInfoData buf;
	int			i;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, BT_STATE_VERSION);
	pq_sendbyte(&buf, s->time_kind);
	pq_sendbyte(&buf, s->method);
	pq_sendint32(&buf, s->horizon);
	pq_sendint32(&buf, s->windows);
	pq_sendint32(&buf, s->step);
	pq_sendfloat8(&buf, s->level);
	pq_sendbytes(&buf, (const char *) &s->opts, sizeof(FcOptions));
	pq_sendint32(&buf, s->count);
	for (i = 0; i < s->count; i++)
	{
		pq_sendint64(&buf, s->points[i].t);
		pq_sendfloat8(&buf, s->points[i].y);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

Datum
fc_backtest_deserialize(PG_FUNCTION_ARGS)
{
	bytea	   *b = PG_GETARG_BYTEA_PP(0);
	StringInfoData buf;
	BtState		hdr;
	BtState    *s;
	int			i;

	if (!AggCheckCallContext(fcinfo, NULL))
		elog(ERROR, "forecastin.backtest deserialize function called in non-aggregate context");
	initStringInfo(&buf);
	appendBinaryStringInfo(&buf, VARDATA_ANY(b), VARSIZE_ANY_EXHDR(b));
	memset(&hdr, 0, sizeof(hdr));
	if (pq_getmsgbyte(&buf) != BT_STATE_VERSION)
		elog(ERROR, "invalid forecastin.backtest partial state");
	hdr.time_kind = pq_getmsgbyte(&buf);
	hdr.method = pq_getmsgbyte(&buf);
	hdr.horizon = pq_getmsgint(&buf, 4);
	hdr.windows = pq_getmsgint(&buf, 4);
	hdr.step = pq_getmsgint(&buf, 4);
	hdr.level = pq_getmsgfloat8(&buf);
	pq_copymsgbytes(&buf, (char *) &hdr.opts, sizeof(FcOptions));
	hdr.count = pq_getmsgint(&buf, 4);
	if (hdr.time_kind > FC_TIME_TIMESTAMPTZ || hdr.method >= FC_METHOD_COUNT ||
		hdr.horizon < 1 || hdr.windows < 1 || hdr.step < 1 || hdr.count < 0 ||
		hdr.count > BT_MAX_POINTS || buf.len - buf.cursor != (int64) hdr.count * 16)
		elog(ERROR, "invalid forecastin.backtest partial state");
	hdr.points = NULL;
	hdr.capacity = 0;
	s = palloc(sizeof(BtState));
	*s = hdr;
	s->capacity = Max(hdr.count, 1);
	s->points = palloc(sizeof(FcPoint) * s->capacity);
	for (i = 0; i < hdr.count; i++)
	{
		s->points[i].t = pq_getmsgint64(&buf);
		s->points[i].y = pq_getmsgfloat8(&buf);
	}
	PG_RETURN_POINTER(s);
}

/* ---------- final: the backtest itself ---------- */

static void
json_double(StringInfo buf, double v)
{
	char		tmp[DOUBLE_SHORTEST_DECIMAL_LEN];

	if (isfinite(v))
	{
		double_to_shortest_decimal_buf(v, tmp);	/* shortest exact form */
		appendStringInfoString(buf, tmp);
	}
	else
		appendStringInfoString(buf, "null");
}

static void
json_time(StringInfo buf, FcTimeKind kind, const FcTimeAxis *axis, int64 k)
{
	int64		tv;
	Datum		d;
	char		tmp[MAXDATELEN + 1];

	if (fc_time_at(axis, k, &tv) != FC_OK ||
		!fc_time_to_datum(kind, axis, tv, fc_time_kind_type(kind), &d))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("backtest time " INT64_FORMAT " is beyond the range of the time type", k)));
	if (kind == FC_TIME_INT8)
		appendStringInfo(buf, INT64_FORMAT, DatumGetInt64(d));
	else
	{
		appendStringInfoChar(buf, '"');
		appendStringInfoString(buf, JsonEncodeDateTime(tmp, d, fc_time_kind_type(kind), NULL));
		appendStringInfoChar(buf, '"');
	}
}

/* In-sample MAE of the seasonal naive forecast (lag m; naive when m = 1). */
static double
mase_scale(const double *y, int n, int m)
{
	double		sum = 0.0;
	int			t;

	if (m < 1 || n <= m)
		return NAN;
	for (t = m; t < n; t++)
		sum += fabs(y[t] - y[t - m]);
	return sum / (double) (n - m);
}

Datum
fc_backtest_final(PG_FUNCTION_ARGS)
{
	BtState    *s;
	MemoryContext outer = CurrentMemoryContext;
	MemoryContext winctx;
	FcTimeAxis	axis;
	FcPoint    *pts;
	double	   *y;
	bool	   *observed;
	int64		n_missing;
	int64		N;
	double	   *mean,
			   *lo,
			   *hi;
	StringInfoData buf;
	int			h,
				W,
				w,
				k,
				skipped = 0;
	bool		first = true;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	s = (BtState *) PG_GETARG_POINTER(0);
	h = s->horizon;
	W = s->windows;

	/* a final function must not modify the state: work on a copy */
	pts = palloc(sizeof(FcPoint) * Max(s->count, 1));
	memcpy(pts, s->points, sizeof(FcPoint) * s->count);
	y = fc_fit_regular_series(pts, s->count, (FcTimeKind) s->time_kind, s->opts.missing,
							  &axis, &n_missing, &observed);
	pfree(pts);
	N = axis.length;

	mean = palloc(sizeof(double) * h);
	lo = palloc(sizeof(double) * h);
	hi = palloc(sizeof(double) * h);

	initStringInfo(&buf);
	appendStringInfo(&buf, "{\"version\": %d, \"method\": ", FC_BACKTEST_VERSION);
	escape_json(&buf, fc_method_name((FcMethod) s->method));
	appendStringInfoString(&buf, ", \"time_type\": ");
	escape_json(&buf, format_type_be(fc_time_kind_type((FcTimeKind) s->time_kind)));
	appendStringInfo(&buf, ", \"n\": " INT64_FORMAT ", \"n_missing\": " INT64_FORMAT
					 ", \"horizon\": %d, \"windows\": %d, \"step\": %d, \"level\": ",
					 N, n_missing, h, W, s->step);
	json_double(&buf, s->level);
	appendStringInfoString(&buf, ", \"results\": [");

	winctx = AllocSetContextCreate(CurrentMemoryContext, "forecastin backtest window",
								   ALLOCSET_DEFAULT_SIZES);
	for (w = 1; w <= W; w++)
	{
		int64		o = N - h - (int64) (W - w) * s->step;
		FcModel		info;
		FcModel    *model;
		char		form[256];
		char		fb[256];
		const char *fallback;
		double		scale;
		int			m;
		int			i;

		CHECK_FOR_INTERRUPTS();
		if (o < 1)
		{
			if (s->opts.short_policy == FC_SHORT_ERROR)
				ereport(ERROR,
						(errcode(ERRCODE_DATA_EXCEPTION),
						 errmsg("series of " INT64_FORMAT " points is too short for window %d of the backtest", N, w),
						 errdetail("Horizon %d, %d windows and step %d need at least " INT64_FORMAT " points (one to fit on).",
								   h, W, s->step, (int64) h + (int64) (W - 1) * s->step + 1),
						 errhint("Use fewer windows, a smaller step or a shorter horizon, or remove \"short\": \"error\" to skip windows that do not fit.")));
			skipped++;
			continue;
		}

		MemoryContextSwitchTo(winctx);
		memset(&info, 0, sizeof(info));
		for (i = 0; i < FC_NPARAMS; i++)
			info.params[i] = NAN;
		if (s->opts.nperiods > 0)
			m = s->opts.periods[0];	/* given: the method falls back if o < m */
		else
			m = fc_fit_choose_period(&s->opts, &axis, y, (int) o, &info);
		model = fc_fit_series(y, (int) o, m, (FcMethod) s->method, &s->opts);
		fc_forecast_model(model, h, s->level, mean, lo, hi);
		scale = mase_scale(y, (int) o, m);
		fc_model_form_name(model, form, sizeof(form));
		fallback = fc_model_fallback_reason(model, fb, sizeof(fb));
		MemoryContextSwitchTo(outer);

		appendStringInfoString(&buf, first ? "\n" : ",\n");
		first = false;
		appendStringInfo(&buf, "{\"window\": %d, \"origin\": ", w);
		json_time(&buf, (FcTimeKind) s->time_kind, &axis, o - 1);
		appendStringInfo(&buf, ", \"n_train\": " INT64_FORMAT ", \"period\": %d, \"method\": ", o, m);
		escape_json(&buf, fc_method_name((FcMethod) model->method));
		appendStringInfoString(&buf, ", \"model\": ");
		escape_json(&buf, form);
		appendStringInfoString(&buf, ", \"fallback\": ");
		if (fallback)
			escape_json(&buf, fallback);
		else
			appendStringInfoString(&buf, "null");
		appendStringInfoString(&buf, ", \"scale\": ");
		json_double(&buf, scale);
		MemoryContextReset(winctx);

		appendStringInfoString(&buf, ", \"t\": [");
		for (k = 0; k < h; k++)
		{
			if (k)
				appendStringInfoString(&buf, ", ");
			json_time(&buf, (FcTimeKind) s->time_kind, &axis, o + k);
		}
		appendStringInfoString(&buf, "], \"y\": [");
		for (k = 0; k < h; k++)
		{
			bool		known = observed[o + k] || s->opts.missing == FC_MISSING_ZERO;

			if (k)
				appendStringInfoString(&buf, ", ");
			json_double(&buf, known ? y[o + k] : NAN);
		}
		appendStringInfoString(&buf, "], \"yhat\": [");
		for (k = 0; k < h; k++)
		{
			if (k)
				appendStringInfoString(&buf, ", ");
			json_double(&buf, mean[k]);
		}
		appendStringInfoString(&buf, "], \"lo\": [");
		for (k = 0; k < h; k++)
		{
			if (k)
				appendStringInfoString(&buf, ", ");
			json_double(&buf, lo[k]);
		}
		appendStringInfoString(&buf, "], \"hi\": [");
		for (k = 0; k < h; k++)
		{
			if (k)
				appendStringInfoString(&buf, ", ");
			json_double(&buf, hi[k]);
		}
		appendStringInfoString(&buf, "]}");
	}
	MemoryContextDelete(winctx);
	appendStringInfo(&buf, "], \"windows_skipped\": %d}", skipped);

	pfree(y);
	pfree(observed);
	pfree(mean);
	pfree(lo);
	pfree(hi);
	PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data)));
}

/* ---------- backtest_errors: the document as rows ---------- */

static void
bad_backtest(const char *detail) pg_attribute_noreturn();

static void
bad_backtest(const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid backtest value"),
			 errdetail("%s", detail),
			 errhint("Pass the result of forecastin.backtest() unchanged.")));
}

static JsonbValue *
bt_key(JsonbContainer *c, const char *key, JsonbValue *tmp)
{
	JsonbValue *v = getKeyJsonValueFromContainer(c, key, strlen(key), tmp);

	if (v == NULL)
		bad_backtest(psprintf("Key \"%s\" is missing.", key));
	return v;
}

static int32
bt_key_int(JsonbContainer *c, const char *key)
{
	JsonbValue	tmp;
	JsonbValue *v = bt_key(c, key, &tmp);
	double		d;

	if (v->type != jbvNumeric)
		bad_backtest(psprintf("\"%s\" is not a number.", key));
	d = DatumGetFloat8(DirectFunctionCall1(numeric_float8, NumericGetDatum(v->val.numeric)));
	if (!(d >= PG_INT32_MIN && d <= PG_INT32_MAX) || d != floor(d))
		bad_backtest(psprintf("\"%s\" is not a whole number.", key));
	return (int32) d;
}

/* A container-valued key (object or array) of c. */
static JsonbContainer *
bt_key_container(JsonbContainer *c, const char *key, bool array)
{
	JsonbValue	tmp;
	JsonbValue *v = bt_key(c, key, &tmp);

	if (v->type != jbvBinary ||
		(array ? !JsonContainerIsArray(v->val.binary.data) : !JsonContainerIsObject(v->val.binary.data)))
		bad_backtest(psprintf("\"%s\" is not an %s.", key, array ? "array" : "object"));
	return v->val.binary.data;
}

/* A number or null; false for null. */
static bool
bt_number(JsonbValue *v, double *out, const char *what)
{
	if (v == NULL)
		bad_backtest(psprintf("An element of \"%s\" is missing.", what));
	if (v->type == jbvNull)
		return false;
	if (v->type != jbvNumeric)
		bad_backtest(psprintf("\"%s\" holds something that is not a number.", what));
	*out = DatumGetFloat8(DirectFunctionCall1(numeric_float8, NumericGetDatum(v->val.numeric)));
	return isfinite(*out);
}

/*
 * A time value of the document as a Datum of type target; false = NULL
 * (bigint time asked for as timestamptz has no calendar).
 */
static bool
bt_time(JsonbValue *v, FcTimeKind kind, Oid target, Datum *out)
{
	char	   *str;

	if (v == NULL)
		bad_backtest("A time value is missing.");
	if (kind == FC_TIME_INT8)
	{
		if (v->type != jbvNumeric)
			bad_backtest("A bigint time value is not a number.");
		if (target != INT8OID)
			return false;
		*out = DirectFunctionCall1(numeric_int8, NumericGetDatum(v->val.numeric));
		return true;
	}
	if (v->type != jbvString)
		bad_backtest("A date or timestamp value is not a string.");
	str = pnstrdup(v->val.string.val, v->val.string.len);
	if (kind == FC_TIME_DATE)
	{
		Datum		d = DirectFunctionCall1(date_in, CStringGetDatum(str));

		*out = (target == DATEOID) ? d : DirectFunctionCall1(date_timestamptz, d);
	}
	else
		*out = DirectFunctionCall3(timestamptz_in, CStringGetDatum(str),
								   ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));
	pfree(str);
	return true;
}

/*
 * backtest_errors(bt jsonb [, t_type anyelement])
 *	 -> (window, origin, step, t, y, yhat, lo, hi, scale)
 */
Datum
fc_backtest_errors(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Jsonb	   *jb;
	JsonbContainer *root;
	JsonbContainer *results;
	JsonbValue	tmp;
	JsonbValue *v;
	FcTimeKind	kind;
	Oid			target = TIMESTAMPTZOID;
	char	   *tt;
	int			nres;
	int			r;

	InitMaterializedSRF(fcinfo, 0);
	if (PG_ARGISNULL(0))
		return (Datum) 0;		/* the typed form is not STRICT */
	jb = PG_GETARG_JSONB_P(0);
	root = &jb->root;
	if (!JsonContainerIsObject(root))
		bad_backtest("It is not a JSON object.");
	if (bt_key_int(root, "version") != FC_BACKTEST_VERSION)
		bad_backtest(psprintf("Its version is not %d.", FC_BACKTEST_VERSION));
	v = bt_key(root, "time_type", &tmp);
	if (v->type != jbvString)
		bad_backtest("\"time_type\" is not a string.");
	tt = pnstrdup(v->val.string.val, v->val.string.len);
	if (strcmp(tt, "bigint") == 0)
		kind = FC_TIME_INT8;
	else if (strcmp(tt, "date") == 0)
		kind = FC_TIME_DATE;
	else if (strcmp(tt, "timestamp with time zone") == 0)
		kind = FC_TIME_TIMESTAMPTZ;
	else
		bad_backtest("\"time_type\" is not bigint, date or timestamp with time zone.");

	if (PG_NARGS() > 1)
	{
		target = get_fn_expr_argtype(fcinfo->flinfo, 1);
		if (!(target == fc_time_kind_type(kind) ||
			  (target == TIMESTAMPTZOID && kind == FC_TIME_DATE)))
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("cannot return time values of type %s for a backtest on %s time",
							format_type_be(target), tt),
					 errhint("Pass NULL::%s as the time type argument.", tt)));
	}

	results = bt_key_container(root, "results", true);
	nres = JsonContainerSize(results);
	for (r = 0; r < nres; r++)
	{
		JsonbValue *wv = getIthJsonbValueFromContainer(results, r);
		JsonbContainer *wc;
		JsonbContainer *arr[5];
		static const char *const names[5] = {"t", "y", "yhat", "lo", "hi"};
		Datum		origin;
		bool		origin_null;
		double		scale = NAN;
		bool		scale_null;
		int32		window;
		int			len = -1;
		int			i,
					k;

		CHECK_FOR_INTERRUPTS();
		if (wv == NULL || wv->type != jbvBinary || !JsonContainerIsObject(wv->val.binary.data))
			bad_backtest("An element of \"results\" is not an object.");
		wc = wv->val.binary.data;
		window = bt_key_int(wc, "window");
		origin_null = !bt_time(bt_key(wc, "origin", &tmp), kind, target, &origin);
		scale_null = !bt_number(bt_key(wc, "scale", &tmp), &scale, "scale");
		for (i = 0; i < 5; i++)
		{
			arr[i] = bt_key_container(wc, names[i], true);
			if (len >= 0 && (int) JsonContainerSize(arr[i]) != len)
				bad_backtest("The arrays of a window differ in length.");
			len = JsonContainerSize(arr[i]);
		}
		for (k = 0; k < len; k++)
		{
			Datum		values[9];
			bool		nulls[9] = {false, false, false, false, false, false, false, false, false};
			double		x;

			values[0] = Int32GetDatum(window);
			values[1] = origin;
			nulls[1] = origin_null;
			values[2] = Int32GetDatum(k + 1);
			nulls[3] = !bt_time(getIthJsonbValueFromContainer(arr[0], k), kind, target, &values[3]);
			for (i = 1; i < 5; i++)
			{
				nulls[3 + i] = !bt_number(getIthJsonbValueFromContainer(arr[i], k), &x, names[i]);
				values[3 + i] = Float8GetDatum(x);
			}
			values[8] = Float8GetDatum(scale);
			nulls[8] = scale_null;
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
	}
	return (Datum) 0;
}
