/*
 * fit.c
 *	  The forecastin.fit aggregate: transition state, combine, final.
 *
 * The state is a real varlena type, forecastin.fit_state, rather than
 * `internal`: parallel query can pass it between processes as a plain
 * datum, a distributed engine can ship it with its send/receive functions,
 * and the combine function merges two partial states.  It holds the raw
 * (t, y) observations in arrival order plus the parsed options.
 *
 * Appending one row must be O(1): the state keeps spare capacity and the
 * transition function writes into it in place, which PostgreSQL allows for
 * aggregate transition values (the same trick float8_accum uses).  When the
 * capacity is exhausted it returns a copy twice the size, made in the
 * per-row memory context; the executor moves it into the aggregate's
 * context and frees the old one, so memory stays bounded by the largest
 * group's size, whatever the number of groups.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "datatype/timestamp.h"
#include "fmgr.h"
#include "libpq/pqformat.h"
#include "pgtime.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "fit.h"
#include "methods.h"
#include "model.h"
#include "options.h"
#include "season.h"
#include "sqltime.h"
#include "timeaxis.h"

PG_FUNCTION_INFO_V1(fc_fit_sfunc_int8);
PG_FUNCTION_INFO_V1(fc_fit_sfunc_date);
PG_FUNCTION_INFO_V1(fc_fit_sfunc_tstz);
PG_FUNCTION_INFO_V1(fc_fit_combine);
PG_FUNCTION_INFO_V1(fc_fit_final);
PG_FUNCTION_INFO_V1(fc_fit_state_in);
PG_FUNCTION_INFO_V1(fc_fit_state_out);
PG_FUNCTION_INFO_V1(fc_fit_state_recv);
PG_FUNCTION_INFO_V1(fc_fit_state_send);

#define FC_STATE_VERSION 3	/* 2: ensemble and mstl options; 3: holdout */
#define FC_STATE_MIN_CAPACITY 16
/* A series may span at most this many grid points (gaps included). */
#define FC_MAX_GRID_POINTS INT64CONST(10000000)
#define FC_MAX_STATE_POINTS ((int32) ((MaxAllocSize - 256) / sizeof(FcPoint)))

typedef struct FcFitState
{
	int32		vl_len_;
	uint8		version;
	uint8		time_kind;		/* FcTimeKind */
	uint8		method;			/* FcMethod requested */
	uint8		pad;
	int32		count;			/* observations stored */
	int32		capacity;		/* room for this many */
	FcOptions	opts;
	FcPoint		points[FLEXIBLE_ARRAY_MEMBER];
} FcFitState;

#define FC_STATE_SIZE(cap) (offsetof(FcFitState, points) + sizeof(FcPoint) * (cap))

static FcFitState *
state_alloc(int32 capacity)
{
	FcFitState *s = palloc(FC_STATE_SIZE(capacity));

	memset(s, 0, offsetof(FcFitState, points));
	SET_VARSIZE(s, FC_STATE_SIZE(capacity));
	s->version = FC_STATE_VERSION;
	s->capacity = capacity;
	return s;
}

/* A copy with room for at least `need` points (in the current context). */
static FcFitState *
state_grow(const FcFitState *old, int64 need)
{
	int64		cap = Max((int64) old->capacity, FC_STATE_MIN_CAPACITY);
	FcFitState *s;

	if (need > FC_MAX_STATE_POINTS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("series has too many observations"),
				 errdetail("A series can hold at most %d observations.", FC_MAX_STATE_POINTS)));
	while (cap < need)
		cap *= 2;
	if (cap > FC_MAX_STATE_POINTS)
		cap = FC_MAX_STATE_POINTS;
	s = state_alloc((int32) cap);
	memcpy(VARDATA(s), VARDATA(old), offsetof(FcFitState, points) - VARHDRSZ);
	s->capacity = (int32) cap;
	memcpy(s->points, old->points, sizeof(FcPoint) * old->count);
	return s;
}

static FcFitState *
state_detoast(Datum d)
{
	FcFitState *s = (FcFitState *) PG_DETOAST_DATUM(d);

	if (s->version != FC_STATE_VERSION ||
		VARSIZE(s) != FC_STATE_SIZE(s->capacity) || s->count > s->capacity)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("corrupt forecastin.fit_state value")));
	return s;
}

/* The first row of a group: validate method and options once. */
static FcFitState *
state_first(FunctionCallInfo fcinfo, FcTimeKind kind)
{
	FcFitState *s = state_alloc(FC_STATE_MIN_CAPACITY);

	s->time_kind = kind;
	s->method = FC_METHOD_AUTO;
	fc_options_init(&s->opts);
	if (PG_NARGS() > 3)
	{
		if (PG_ARGISNULL(3))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("forecasting method must not be NULL"),
					 errhint("Use 'auto' to let forecastin choose.")));
		s->method = fc_method_from_text(text_to_cstring(PG_GETARG_TEXT_PP(3)));
	}
	if (PG_NARGS() > 4)
	{
		if (PG_ARGISNULL(4))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("fit options must not be NULL"),
					 errhint("Use '{}' for the defaults.")));
		fc_options_from_jsonb(PG_GETARG_JSONB_P(4), &s->opts);
	}
	fc_options_check_method((FcMethod) s->method, &s->opts);
	return s;
}

static Datum
fit_transition(FunctionCallInfo fcinfo, FcTimeKind kind, int64 t)
{
	FcFitState *s;
	double		y;

	if (!AggCheckCallContext(fcinfo, NULL))
		elog(ERROR, "forecastin.fit transition function called in non-aggregate context");

	if (PG_ARGISNULL(0))
		s = state_first(fcinfo, kind);
	else
		s = (FcFitState *) PG_GETARG_POINTER(0);	/* ours: never toasted */

	if (PG_ARGISNULL(2))
		y = NAN;				/* missing value: filled by the missing policy */
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

	if (s->count >= s->capacity)
		s = state_grow(s, (int64) s->count + 1);
	s->points[s->count].t = t;
	s->points[s->count].y = y;
	s->count++;
	PG_RETURN_POINTER(s);
}

/*
 * The time argument `argno` of a transition function as the kernel's int64
 * (see timeaxis.h); NULL and infinite values are errors.
 */
int64
fc_time_arg(FunctionCallInfo fcinfo, int argno, FcTimeKind kind)
{
	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("time value must not be NULL"),
				 errhint("Filter out rows without a time, for example with WHERE t IS NOT NULL.")));
	switch (kind)
	{
		case FC_TIME_INT8:
			return PG_GETARG_INT64(argno);
		case FC_TIME_DATE:
			{
				DateADT		d = PG_GETARG_DATEADT(argno);

				if (DATE_NOT_FINITE(d))
					break;
				return (int64) d;
			}
		default:
			{
				TimestampTz ts = PG_GETARG_TIMESTAMPTZ(argno);

				if (TIMESTAMP_NOT_FINITE(ts))
					break;
				return (int64) ts;
			}
	}
	ereport(ERROR,
			(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
			 errmsg("time value must be finite"),
			 errdetail("infinity and -infinity cannot be placed on a time axis.")));
	return 0;					/* keep compiler quiet */
}

Datum
fc_fit_sfunc_int8(PG_FUNCTION_ARGS)
{
	return fit_transition(fcinfo, FC_TIME_INT8, fc_time_arg(fcinfo, 1, FC_TIME_INT8));
}

Datum
fc_fit_sfunc_date(PG_FUNCTION_ARGS)
{
	return fit_transition(fcinfo, FC_TIME_DATE, fc_time_arg(fcinfo, 1, FC_TIME_DATE));
}

Datum
fc_fit_sfunc_tstz(PG_FUNCTION_ARGS)
{
	return fit_transition(fcinfo, FC_TIME_TIMESTAMPTZ,
						  fc_time_arg(fcinfo, 1, FC_TIME_TIMESTAMPTZ));
}

Datum
fc_fit_combine(PG_FUNCTION_ARGS)
{
	FcFitState *a;
	FcFitState *b;

	if (!AggCheckCallContext(fcinfo, NULL))
		elog(ERROR, "forecastin.fit combine function called in non-aggregate context");
	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	b = state_detoast(PG_GETARG_DATUM(1));
	if (PG_ARGISNULL(0))
		PG_RETURN_POINTER(state_grow(b, b->count));

	a = (FcFitState *) PG_GETARG_POINTER(0);
	if (a->time_kind != b->time_kind)
		elog(ERROR, "cannot combine forecastin.fit states of different time types");
	if ((int64) a->count + b->count > a->capacity)
		a = state_grow(a, (int64) a->count + b->count);
	memcpy(&a->points[a->count], b->points, sizeof(FcPoint) * b->count);
	a->count += b->count;
	PG_RETURN_POINTER(a);
}

/*
 * timestamptz observations that all fall on one local time of day (daily,
 * weekly, monthly data) are placed on a grid of local days, so daylight
 * saving changes do not break the step; others stay in UTC microseconds.
 */
static FcStepUnit
tstz_to_axis_values(FcPoint *pts, int n, int64 *tod_usec)
{
	int64	   *days = palloc(sizeof(int64) * n);
	int64		tod = -1;
	int			i;

	for (i = 0; i < n; i++)
	{
		struct pg_tm tm;
		fsec_t		fsec;
		int			tz;
		Timestamp	local;
		int64		day;

		if ((i & 0xFFFF) == 0xFFFF)
			CHECK_FOR_INTERRUPTS();	/* a time-zone conversion per point */
		if (timestamp2tm(pts[i].t, &tz, &tm, &fsec, NULL, NULL) != 0 ||
			tm2timestamp(&tm, fsec, NULL, &local) != 0)
			ereport(ERROR,
					(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
					 errmsg("timestamp out of range")));
		day = local / USECS_PER_DAY;
		if (local < 0 && local % USECS_PER_DAY != 0)
			day--;
		if (i == 0)
			tod = local - day * USECS_PER_DAY;
		else if (local - day * USECS_PER_DAY != tod)
		{
			pfree(days);
			*tod_usec = 0;
			return FC_STEP_USEC;
		}
		days[i] = day;
	}
	for (i = 0; i < n; i++)
		pts[i].t = days[i];
	pfree(days);
	*tod_usec = tod;
	return FC_STEP_DAY;
}

/* Seasonal period: from options, else the step's usual one if the ACF test agrees. */
static int
choose_period(const FcOptions *opts, const FcTimeAxis *axis, const double *y, int n,
			  FcModel *info)
{
	int			candidate;
	double		ratio = 0.0;

	if (opts->nperiods > 0)
	{
		int			m = opts->periods[0];

		if (m > n)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("seasonal period %d is longer than the series (%d observations)", m, n),
					 errhint("Give a shorter period, or omit \"period\" to detect it.")));
		info->period_source = FC_PERIOD_OPTION;
		info->detected_period = m;
		return m;
	}
	if (axis->unit == FC_STEP_INT)
	{
		info->period_source = FC_PERIOD_NONE;
		return 1;
	}
	candidate = fc_time_natural_period(axis, n);
	if (candidate <= 1)
	{
		info->period_source = FC_PERIOD_NO_CANDIDATE;
		return 1;
	}
	info->detected_period = candidate;
	if (n < 3 * candidate)
	{
		info->period_source = FC_PERIOD_TOO_SHORT;
		return 1;
	}
	if (fc_season_test(y, n, candidate, &ratio))
	{
		info->period_source = FC_PERIOD_DETECTED;
		info->params[FC_P_SEASON_TEST] = ratio;
		return candidate;
	}
	info->period_source = FC_PERIOD_REJECTED;
	info->params[FC_P_SEASON_TEST] = ratio;
	return 1;
}

/*
 * A second, longer cycle for the methods that model several (auto, mstl):
 * the week of sub-daily data, the year of daily data.  0 when none.
 */
static int
second_period(const FcTimeAxis *axis, int first)
{
	if (axis->unit == FC_STEP_USEC && first > 1 && axis->step < USECS_PER_DAY)
		return 7 * first;
	if ((axis->unit == FC_STEP_DAY && axis->step == 1) ||
		(axis->unit == FC_STEP_USEC && axis->step == USECS_PER_DAY))
		return 365;
	return 0;
}

/*
 * auto and mstl without "period" in the options: add the second cycle to
 * the detected one when the autocorrelation test confirms it.  The test
 * runs on the series differenced at the first period: the first cycle (and
 * a trend) would otherwise dominate every lag, while a weekly pattern in
 * hourly data survives the daily difference.  Like the first period's test
 * it needs three cycles.  The options copy then lists both periods.
 */
static void
detect_second_period(FcOptions *opts, int method, const FcTimeAxis *axis,
					 const double *y, int n, int m)
{
	int			p2,
				t;
	double		ratio = 0.0;
	double	   *z;
	bool		seasonal;

	if ((method != FC_METHOD_AUTO && method != FC_METHOD_MSTL) || opts->nperiods > 0 || m <= 1)
		return;
	p2 = second_period(axis, m);
	if (p2 <= m || n - m < 3 * p2)
		return;
	z = palloc(sizeof(double) * (n - m));
	for (t = m; t < n; t++)
		z[t - m] = y[t] - y[t - m];
	seasonal = fc_season_test(z, n - m, p2, &ratio);
	pfree(z);
	if (!seasonal)
		return;
	opts->nperiods = 2;
	opts->periods[0] = m;
	opts->periods[1] = p2;
}

Datum
fc_fit_final(PG_FUNCTION_ARGS)
{
	FcOptions	opts;
	FcFitState *s;
	FcPoint    *pts;
	FcTimeAxis	axis;
	FcModel		info;
	FcModel    *model;
	double	   *y;
	int64		n_missing;
	int			m;
	int			i;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();		/* no rows: no model, as avg() of no rows */
	s = state_detoast(PG_GETARG_DATUM(0));

	/* work on a copy: a final function must not modify the state */
	pts = palloc(sizeof(FcPoint) * s->count);
	memcpy(pts, s->points, sizeof(FcPoint) * s->count);
	y = fc_fit_regular_series(pts, s->count, (FcTimeKind) s->time_kind,
							  s->opts.missing, &axis, &n_missing, NULL);

	memset(&info, 0, sizeof(info));
	for (i = 0; i < FC_NPARAMS; i++)
		info.params[i] = NAN;
	m = choose_period(&s->opts, &axis, y, (int) axis.length, &info);
	opts = s->opts;
	detect_second_period(&opts, s->method, &axis, y, (int) axis.length, m);

	model = fc_fit_series(y, (int) axis.length, m, (FcMethod) s->method, &opts);
	model->time_kind = s->time_kind;
	model->step_unit = axis.unit;
	model->step = axis.step;
	model->t_first = axis.first;
	model->anchor_day = axis.anchor_day;
	model->tod_usec = axis.tod_usec;
	model->n = (int32) axis.length;
	model->n_missing = (int32) n_missing;
	model->missing_policy = s->opts.missing;
	model->period_source = info.period_source;
	model->detected_period = info.detected_period;
	model->params[FC_P_SEASON_TEST] = info.params[FC_P_SEASON_TEST];

	pfree(pts);
	pfree(y);
	PG_RETURN_POINTER(model);
}

/* ---------- state I/O: binary, and text as hex of the binary form ---------- */

static void
state_send_into(StringInfo buf, const FcFitState *s)
{
	int			i;

	pq_sendbyte(buf, s->version);
	pq_sendbyte(buf, s->time_kind);
	pq_sendbyte(buf, s->method);
	pq_sendint32(buf, s->opts.nperiods);
	for (i = 0; i < FC_MAX_PERIODS; i++)
		pq_sendint32(buf, s->opts.periods[i]);
	pq_sendbyte(buf, s->opts.missing);
	pq_sendbyte(buf, s->opts.short_policy);
	pq_sendbyte(buf, s->opts.seasonal);
	pq_sendbyte(buf, (uint8) s->opts.damped);
	pq_sendbyte(buf, s->opts.variant);
	pq_sendbyte(buf, (uint8) s->opts.optimise);
	pq_sendint32(buf, s->opts.aggregation);
	for (i = 0; i < 3; i++)
		pq_sendbyte(buf, (uint8) s->opts.order[i]);
	for (i = 0; i < 3; i++)
		pq_sendbyte(buf, (uint8) s->opts.seasonal_order[i]);
	pq_sendbyte(buf, (uint8) s->opts.constant);
	pq_sendfloat8(buf, s->opts.alpha);
	pq_sendfloat8(buf, s->opts.beta);
	pq_sendfloat8(buf, s->opts.gamma);
	pq_sendfloat8(buf, s->opts.phi);
	pq_sendbyte(buf, s->opts.nmembers);
	for (i = 0; i < FC_MAX_MEMBERS; i++)
		pq_sendbyte(buf, s->opts.members[i]);
	pq_sendbyte(buf, s->opts.combine);
	pq_sendbyte(buf, s->opts.adjusted);
	pq_sendbyte(buf, s->opts.transform);
	pq_sendint32(buf, s->opts.holdout);
	pq_sendint32(buf, s->count);
	for (i = 0; i < s->count; i++)
	{
		pq_sendint64(buf, s->points[i].t);
		pq_sendfloat8(buf, s->points[i].y);
		if ((i & 0xFFFF) == 0xFFFF)
			CHECK_FOR_INTERRUPTS();	/* a state holds up to 67M points */
	}
}

static void
bad_state(int code)
{
	ereport(ERROR,
			(errcode(code),
			 errmsg("invalid forecastin.fit_state value"),
			 errhint("Aggregate states come from forecastin.fit(); they are not meant to be written by hand.")));
}

static bool
smoothing_ok(double v)
{
	return isnan(v) || (v > 0.0 && v < 1.0);
}

static FcFitState *
state_recv_from(StringInfo buf, int code)
{
	FcFitState	hdr;
	FcFitState *s;
	int			i;
	int32		count;

	memset(&hdr, 0, sizeof(hdr));
	if (buf->len - buf->cursor < 3 + 4 * 6 + 4 + 32 + 6 + 4 + FC_MAX_MEMBERS + 4)
		bad_state(code);
	hdr.version = pq_getmsgbyte(buf);
	hdr.time_kind = pq_getmsgbyte(buf);
	hdr.method = pq_getmsgbyte(buf);
	hdr.opts.nperiods = pq_getmsgint(buf, 4);
	for (i = 0; i < FC_MAX_PERIODS; i++)
		hdr.opts.periods[i] = pq_getmsgint(buf, 4);
	hdr.opts.missing = pq_getmsgbyte(buf);
	hdr.opts.short_policy = pq_getmsgbyte(buf);
	hdr.opts.seasonal = pq_getmsgbyte(buf);
	hdr.opts.damped = (int8) pq_getmsgbyte(buf);
	hdr.opts.variant = pq_getmsgbyte(buf);
	hdr.opts.optimise = (int8) pq_getmsgbyte(buf);
	hdr.opts.aggregation = pq_getmsgint(buf, 4);
	for (i = 0; i < 3; i++)
		hdr.opts.order[i] = (int8) pq_getmsgbyte(buf);
	for (i = 0; i < 3; i++)
		hdr.opts.seasonal_order[i] = (int8) pq_getmsgbyte(buf);
	hdr.opts.constant = (int8) pq_getmsgbyte(buf);
	hdr.opts.alpha = pq_getmsgfloat8(buf);
	hdr.opts.beta = pq_getmsgfloat8(buf);
	hdr.opts.gamma = pq_getmsgfloat8(buf);
	hdr.opts.phi = pq_getmsgfloat8(buf);
	hdr.opts.nmembers = pq_getmsgbyte(buf);
	for (i = 0; i < FC_MAX_MEMBERS; i++)
		hdr.opts.members[i] = pq_getmsgbyte(buf);
	hdr.opts.combine = pq_getmsgbyte(buf);
	hdr.opts.adjusted = pq_getmsgbyte(buf);
	hdr.opts.transform = pq_getmsgbyte(buf);
	hdr.opts.holdout = pq_getmsgint(buf, 4);
	count = pq_getmsgint(buf, 4);

	if (hdr.version != FC_STATE_VERSION || hdr.time_kind > FC_TIME_TIMESTAMPTZ ||
		hdr.method >= FC_METHOD_COUNT || hdr.opts.nperiods < 0 ||
		hdr.opts.nperiods > FC_MAX_PERIODS || hdr.opts.missing > FC_MISSING_ERROR ||
		hdr.opts.short_policy > FC_SHORT_ERROR ||
		hdr.opts.seasonal > FC_SEASONAL_MULTIPLICATIVE ||
		hdr.opts.damped < -1 || hdr.opts.damped > 1 ||
		hdr.opts.variant > FC_VARIANT_MEAN || hdr.opts.optimise < 0 || hdr.opts.optimise > 1 ||
		hdr.opts.aggregation < 0 || hdr.opts.aggregation > 10000 ||
		hdr.opts.constant < -1 || hdr.opts.constant > 1 ||
		hdr.opts.order[0] < -1 || hdr.opts.order[0] > 20 || hdr.opts.order[1] < -1 ||
		hdr.opts.order[1] > 3 || hdr.opts.order[2] < -1 || hdr.opts.order[2] > 20 ||
		hdr.opts.seasonal_order[0] < -1 || hdr.opts.seasonal_order[0] > 5 ||
		hdr.opts.seasonal_order[1] < -1 || hdr.opts.seasonal_order[1] > 2 ||
		hdr.opts.seasonal_order[2] < -1 || hdr.opts.seasonal_order[2] > 5 ||
		!smoothing_ok(hdr.opts.alpha) || !smoothing_ok(hdr.opts.beta) ||
		!smoothing_ok(hdr.opts.gamma) || !smoothing_ok(hdr.opts.phi) ||
		hdr.opts.nmembers > FC_MAX_MEMBERS || hdr.opts.combine > FC_COMBINE_AICC ||
		!fc_member_method_ok(hdr.opts.adjusted, true) ||
		hdr.opts.transform > FC_TRANSFORM_SQRT ||
		hdr.opts.holdout < -1 || hdr.opts.holdout > FC_MAX_HOLDOUT ||
		count < 0 || count > FC_MAX_STATE_POINTS ||
		(int64) (buf->len - buf->cursor) != (int64) count * 16)
		bad_state(code);
	for (i = 0; i < hdr.opts.nperiods; i++)
		if (hdr.opts.periods[i] < 1 || hdr.opts.periods[i] > 100000)
			bad_state(code);
	for (i = 0; i < hdr.opts.nmembers; i++)
		if (!fc_member_method_ok(hdr.opts.members[i], false))
			bad_state(code);

	s = state_alloc(Max(count, 1));
	memcpy(VARDATA(s), VARDATA(&hdr), offsetof(FcFitState, points) - VARHDRSZ);
	s->capacity = Max(count, 1);
	s->count = count;
	for (i = 0; i < count; i++)
	{
		s->points[i].t = pq_getmsgint64(buf);
		s->points[i].y = pq_getmsgfloat8(buf);
		if (isinf(s->points[i].y))
			bad_state(code);
		if ((i & 0xFFFF) == 0xFFFF)
			CHECK_FOR_INTERRUPTS();
	}
	return s;
}

Datum
fc_fit_state_send(PG_FUNCTION_ARGS)
{
	FcFitState *s = state_detoast(PG_GETARG_DATUM(0));
	StringInfoData buf;

	pq_begintypsend(&buf);
	state_send_into(&buf, s);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

Datum
fc_fit_state_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);

	PG_RETURN_POINTER(state_recv_from(buf, ERRCODE_INVALID_BINARY_REPRESENTATION));
}

Datum
fc_fit_state_out(PG_FUNCTION_ARGS)
{
	FcFitState *s = state_detoast(PG_GETARG_DATUM(0));
	StringInfoData bin;
	char	   *hex;
	uint64		len;

	initStringInfo(&bin);
	state_send_into(&bin, s);
	hex = palloc(2 * (Size) bin.len + 3);
	hex[0] = '\\';
	hex[1] = 'x';
	len = hex_encode(bin.data, bin.len, hex + 2);
	hex[2 + len] = '\0';
	PG_RETURN_CSTRING(hex);
}

Datum
fc_fit_state_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	size_t		slen = strlen(str);
	StringInfoData bin;

	if (slen < 2 || str[0] != '\\' || str[1] != 'x' || (slen - 2) % 2 != 0)
		bad_state(ERRCODE_INVALID_TEXT_REPRESENTATION);
	initStringInfo(&bin);
	enlargeStringInfo(&bin, (int) ((slen - 2) / 2 + 1));
	bin.len = (int) hex_decode(str + 2, slen - 2, bin.data);
	bin.data[bin.len] = '\0';
	PG_RETURN_POINTER(state_recv_from(&bin, ERRCODE_INVALID_TEXT_REPRESENTATION));
}

/* ---------- exported for other aggregates over series (fit.h) ---------- */
/*
 * From raw observations to a regular series (fit.h): forecastin.fit,
 * forecastin.backtest and anything else over (t, y) rows build their
 * series here, so they accept and reject the same input in the same words.
 */
double *
fc_fit_regular_series(FcPoint *pts, int n, FcTimeKind kind, int missing,
					  FcTimeAxis *axis, int64 *n_missing, bool **observed)
{
	FcStepUnit	unit;
	FcStatus	st;
	double	   *y;
	int64		first_missing;
	int64		tod = 0;
	int			dup;
	int			i;

	fc_time_sort(pts, n, &dup);
	if (dup >= 0)
		ereport(ERROR,
				(errcode(ERRCODE_CARDINALITY_VIOLATION),
				 errmsg("duplicate timestamp %s in series",
						fc_raw_time_to_text(kind, pts[dup].t)),
				 errdetail("Each time value may appear once per series."),
				 errhint("Aggregate duplicates first, for example with GROUP BY t and sum(y).")));

	for (i = 0; i < n && isnan(pts[i].y); i++)
		;
	if (i == n)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("series has no non-NULL values"),
				 errdetail("All %d observations are NULL.", n)));

	if (kind == FC_TIME_INT8)
		unit = FC_STEP_INT;
	else if (kind == FC_TIME_DATE)
		unit = FC_STEP_DAY;
	else
		unit = tstz_to_axis_values(pts, n, &tod);

	st = fc_time_infer(pts, n, unit, FC_MAX_GRID_POINTS, axis);
	if (st == FC_ERR_IRREGULAR_TIME)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("time values are not on a regular grid"),
				 errdetail("The largest common step between them would make a series of more than " INT64_FORMAT " points.",
						   FC_MAX_GRID_POINTS),
				 errhint("Truncate the time values to the step you mean, for example with date_trunc('day', t).")));
	axis->tod_usec = tod;

	y = palloc(sizeof(double) * axis->length);
	st = fc_time_regularize(pts, n, axis, missing, y, n_missing, &first_missing);
	if (st == FC_ERR_MISSING_VALUE)
	{
		int64		tm;

		fc_time_at(axis, first_missing, &tm);
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("series has a missing value at %s",
						fc_time_to_text(kind, axis, tm)),
				 errdetail("%lld of %lld points on the grid are absent or NULL.",
						   (long long) *n_missing, (long long) axis->length),
				 errhint("Use \"missing\": \"zero\" or \"interpolate\" to fill gaps.")));
	}

	if (observed != NULL)
	{
		/* regularize flags: 1 where a value was given, 0 where filled */
		FcPoint    *flags = palloc(sizeof(FcPoint) * n);
		double	   *f = palloc(sizeof(double) * axis->length);
		bool	   *obs = palloc(sizeof(bool) * axis->length);
		int64		dummy_missing;
		int64		k;

		for (i = 0; i < n; i++)
		{
			flags[i].t = pts[i].t;
			flags[i].y = isnan(pts[i].y) ? NAN : 1.0;
		}
		fc_time_regularize(flags, n, axis, FC_MISSING_ZERO, f, &dummy_missing, &first_missing);
		for (k = 0; k < axis->length; k++)
			obs[k] = (f[k] == 1.0);
		pfree(flags);
		pfree(f);
		*observed = obs;
	}
	return y;
}

int
fc_fit_choose_period(const FcOptions *opts, const FcTimeAxis *axis,
					 const double *y, int n, FcModel *info)
{
	return choose_period(opts, axis, y, n, info);
}
