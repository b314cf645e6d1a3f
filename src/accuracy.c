/*
 * accuracy.c
 *	  Forecast accuracy aggregates (mae, rmse, mape, smape, mase, bias,
 *	  coverage) and the Diebold-Mariano test aggregate dm_test.
 *
 * The accuracy aggregates share one fixed-size state, float8[2] =
 * {rows counted, sum of the row's loss}: the transition function adds one
 * row (in place, as float8_accum does), the combine function adds two
 * states, the final function divides.  A plain float8[] state needs no
 * serialisation, so they are PARALLEL SAFE with partial aggregation, and
 * the state never grows, whatever the group size.
 *
 * The transition functions are STRICT: a row with any NULL argument is
 * skipped (it is not counted).  Each aggregate of no counted rows is NULL.
 *
 * dm_test needs its loss differentials in time order (autocovariances), so
 * it keeps them all in an `internal` state and has no combine function.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "dmtest.h"
#include "errors.h"

PG_FUNCTION_INFO_V1(fc_acc_mae_sfunc);
PG_FUNCTION_INFO_V1(fc_acc_mse_sfunc);
PG_FUNCTION_INFO_V1(fc_acc_mape_sfunc);
PG_FUNCTION_INFO_V1(fc_acc_smape_sfunc);
PG_FUNCTION_INFO_V1(fc_acc_mase_sfunc);
PG_FUNCTION_INFO_V1(fc_acc_bias_sfunc);
PG_FUNCTION_INFO_V1(fc_acc_coverage_sfunc);
PG_FUNCTION_INFO_V1(fc_acc_combine);
PG_FUNCTION_INFO_V1(fc_acc_mean_final);
PG_FUNCTION_INFO_V1(fc_acc_rmse_final);
PG_FUNCTION_INFO_V1(fc_dm_sfunc);
PG_FUNCTION_INFO_V1(fc_dm_final);

/* ---------- accuracy aggregates ---------- */

static float8 *
acc_state(ArrayType *a)
{
	if (ARR_NDIM(a) != 1 || ARR_DIMS(a)[0] != 2 || ARR_HASNULL(a) ||
		ARR_ELEMTYPE(a) != FLOAT8OID)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid accuracy aggregate state"),
				 errdetail("The state is a float8[] of two elements: {rows, sum}.")));
	return (float8 *) ARR_DATA_PTR(a);
}

static double
finite_arg(FunctionCallInfo fcinfo, int argno, const char *name)
{
	double		v = PG_GETARG_FLOAT8(argno);

	if (!isfinite(v))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("%s is %s", name, isnan(v) ? "NaN" : "infinite"),
				 errdetail("Accuracy measures take finite numbers."),
				 errhint("Use NULL for a value that is not known: rows with a NULL are skipped.")));
	return v;
}

/* Add one row's loss (or nothing when count is false) to the state. */
static Datum
acc_add(FunctionCallInfo fcinfo, double loss, bool count)
{
	ArrayType  *a = PG_GETARG_ARRAYTYPE_P(0);
	float8	   *s = acc_state(a);

	if (!count)
		PG_RETURN_ARRAYTYPE_P(a);
	if (AggCheckCallContext(fcinfo, NULL))
	{
		s[0] += 1.0;
		s[1] += loss;
		PG_RETURN_ARRAYTYPE_P(a);
	}
	else
	{
		Datum		v[2];

		v[0] = Float8GetDatum(s[0] + 1.0);
		v[1] = Float8GetDatum(s[1] + loss);
		PG_RETURN_ARRAYTYPE_P(construct_array(v, 2, FLOAT8OID, sizeof(float8),
											  FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	}
}

/* mae(y, yhat): |y - yhat| */
Datum
fc_acc_mae_sfunc(PG_FUNCTION_ARGS)
{
	double		y = finite_arg(fcinfo, 1, "y");
	double		f = finite_arg(fcinfo, 2, "yhat");

	return acc_add(fcinfo, fabs(y - f), true);
}

/* rmse(y, yhat): (y - yhat)^2, square root of the mean at the end */
Datum
fc_acc_mse_sfunc(PG_FUNCTION_ARGS)
{
	double		y = finite_arg(fcinfo, 1, "y");
	double		f = finite_arg(fcinfo, 2, "yhat");

	return acc_add(fcinfo, (y - f) * (y - f), true);
}

/* mape(y, yhat): 100 |y - yhat| / |y|; rows with y = 0 are skipped */
Datum
fc_acc_mape_sfunc(PG_FUNCTION_ARGS)
{
	double		y = finite_arg(fcinfo, 1, "y");
	double		f = finite_arg(fcinfo, 2, "yhat");

	if (y == 0.0)
		return acc_add(fcinfo, 0.0, false);
	return acc_add(fcinfo, 100.0 * fabs(y - f) / fabs(y), true);
}

/* smape(y, yhat): 200 |y - yhat| / (|y| + |yhat|) (M4); 0 when both are 0 */
Datum
fc_acc_smape_sfunc(PG_FUNCTION_ARGS)
{
	double		y = finite_arg(fcinfo, 1, "y");
	double		f = finite_arg(fcinfo, 2, "yhat");
	double		den = fabs(y) + fabs(f);

	return acc_add(fcinfo, den > 0.0 ? 200.0 * fabs(y - f) / den : 0.0, true);
}

/* mase(y, yhat, scale): |y - yhat| / scale; rows with scale = 0 are skipped */
Datum
fc_acc_mase_sfunc(PG_FUNCTION_ARGS)
{
	double		y = finite_arg(fcinfo, 1, "y");
	double		f = finite_arg(fcinfo, 2, "yhat");
	double		scale = finite_arg(fcinfo, 3, "scale");

	if (scale < 0.0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("MASE scale %g is negative", scale),
				 errdetail("The scale is a mean absolute error: the in-sample MAE of the seasonal naive forecast."),
				 errhint("Use the scale column of forecastin.backtest_errors().")));
	if (scale == 0.0)
		return acc_add(fcinfo, 0.0, false);
	return acc_add(fcinfo, fabs(y - f) / scale, true);
}

/* bias(y, yhat): yhat - y (positive: forecasts too high) */
Datum
fc_acc_bias_sfunc(PG_FUNCTION_ARGS)
{
	double		y = finite_arg(fcinfo, 1, "y");
	double		f = finite_arg(fcinfo, 2, "yhat");

	return acc_add(fcinfo, f - y, true);
}

/* coverage(y, lo, hi): 1 when lo <= y <= hi, else 0 */
Datum
fc_acc_coverage_sfunc(PG_FUNCTION_ARGS)
{
	double		y = finite_arg(fcinfo, 1, "y");
	double		lo = finite_arg(fcinfo, 2, "lo");
	double		hi = finite_arg(fcinfo, 3, "hi");

	if (lo > hi)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("interval lower bound %g is above its upper bound %g", lo, hi),
				 errhint("Pass the interval as coverage(y, lo, hi).")));
	return acc_add(fcinfo, (lo <= y && y <= hi) ? 1.0 : 0.0, true);
}

Datum
fc_acc_combine(PG_FUNCTION_ARGS)
{
	ArrayType  *a = PG_GETARG_ARRAYTYPE_P(0);
	ArrayType  *b = PG_GETARG_ARRAYTYPE_P(1);
	float8	   *sa = acc_state(a);
	float8	   *sb = acc_state(b);

	if (AggCheckCallContext(fcinfo, NULL))
	{
		sa[0] += sb[0];
		sa[1] += sb[1];
		PG_RETURN_ARRAYTYPE_P(a);
	}
	else
	{
		Datum		v[2];

		v[0] = Float8GetDatum(sa[0] + sb[0]);
		v[1] = Float8GetDatum(sa[1] + sb[1]);
		PG_RETURN_ARRAYTYPE_P(construct_array(v, 2, FLOAT8OID, sizeof(float8),
											  FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	}
}

Datum
fc_acc_mean_final(PG_FUNCTION_ARGS)
{
	float8	   *s = acc_state(PG_GETARG_ARRAYTYPE_P(0));

	if (s[0] <= 0.0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(s[1] / s[0]);
}

Datum
fc_acc_rmse_final(PG_FUNCTION_ARGS)
{
	float8	   *s = acc_state(PG_GETARG_ARRAYTYPE_P(0));

	if (s[0] <= 0.0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(sqrt(s[1] / s[0]));
}

/* ---------- dm_test ---------- */

#define DM_MAX_HORIZON 10000
#define DM_MAX_POWER 10

typedef struct DmState
{
	int			h;
	int			power;
	int64		n;
	int64		cap;
	double	   *d;				/* loss differentials in arrival order */
	int64		nseg;
	int64		segcap;
	int64	   *seg;			/* start of each series' sequence */
	char	   *key;			/* series key of the last row, NULL if none */
	bool		keyed;			/* five-argument form */
} DmState;

static int
dm_int_arg(FunctionCallInfo fcinfo, int argno, const char *name, int lo, int hi,
		   const char *hint)
{
	int			v;

	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("dm_test %s must not be NULL", name),
				 errhint("%s", hint)));
	v = PG_GETARG_INT32(argno);
	if (v < lo || v > hi)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("dm_test %s %d is out of range", name, v),
				 errdetail("The %s must be between %d and %d.", name, lo, hi),
				 errhint("%s", hint)));
	return v;
}

#define DM_HORIZON_HINT "The horizon is the forecast step h of the errors compared (1 for one-step errors)."
#define DM_POWER_HINT "The loss is |e|^power: 1 for absolute, 2 for squared errors."

static double
dm_loss(double e, int power)
{
	double		a = fabs(e);

	return power == 1 ? a : power == 2 ? a * a : pow(a, power);
}

Datum
fc_dm_sfunc(PG_FUNCTION_ARGS)
{
	MemoryContext aggctx;
	MemoryContext old;
	DmState    *st;
	int			h = 1;
	int			power = 2;
	double		e1,
				e2,
				d;

	if (!AggCheckCallContext(fcinfo, &aggctx))
		elog(ERROR, "forecastin.dm_test transition function called in non-aggregate context");

	/* arguments: state, e1, e2 [, horizon [, power [, series]]] */
	if (PG_NARGS() > 3)
		h = dm_int_arg(fcinfo, 3, "horizon", 1, DM_MAX_HORIZON, DM_HORIZON_HINT);
	if (PG_NARGS() > 4)
		power = dm_int_arg(fcinfo, 4, "power", 1, DM_MAX_POWER, DM_POWER_HINT);

	if (PG_ARGISNULL(0))
	{
		st = MemoryContextAllocZero(aggctx, sizeof(DmState));
		st->h = h;
		st->power = power;
		st->keyed = PG_NARGS() > 5;
	}
	else
	{
		st = (DmState *) PG_GETARG_POINTER(0);
		if (st->h != h || st->power != power)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("dm_test horizon and power must be the same for every row of a group"),
					 errdetail("The group started with horizon %d and power %d; a row has horizon %d and power %d.",
							   st->h, st->power, h, power),
					 errhint("Compare one horizon at a time: GROUP BY the step, or filter WHERE step = h.")));
	}

	/* a row without both errors is skipped */
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_POINTER(st);
	e1 = PG_GETARG_FLOAT8(1);
	e2 = PG_GETARG_FLOAT8(2);
	if (!isfinite(e1) || !isfinite(e2))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("forecast error is %s", (isnan(e1) || isnan(e2)) ? "NaN" : "infinite"),
				 errdetail("dm_test takes finite forecast errors."),
				 errhint("Use NULL for an error that is not known: such rows are skipped.")));
	d = dm_loss(e1, power) - dm_loss(e2, power);
	if (!isfinite(d))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("loss |e|^%d is out of range", power),
				 errhint("Use a smaller power, or rescale the errors.")));

	old = MemoryContextSwitchTo(aggctx);
	if (st->n >= st->cap)
	{
		int64		cap = st->cap ? st->cap * 2 : 64;

		if ((Size) cap * sizeof(double) > MaxAllocSize)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("too many forecast errors for dm_test"),
					 errdetail("dm_test holds at most %d pairs per group.", (int) (MaxAllocSize / sizeof(double)))));
		st->d = st->d ? repalloc(st->d, sizeof(double) * cap) : palloc(sizeof(double) * cap);
		st->cap = cap;
	}

	/* a new sequence at the first row, and where the series key changes */
	{
		bool		newseg = (st->n == 0);

		if (st->keyed)
		{
			char	   *key;

			if (PG_ARGISNULL(5))
				ereport(ERROR,
						(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						 errmsg("dm_test series key must not be NULL"),
						 errhint("Pass the series identifier, for example sku::text.")));
			key = text_to_cstring(PG_GETARG_TEXT_PP(5));
			if (st->key == NULL || strcmp(st->key, key) != 0)
			{
				newseg = true;
				if (st->key)
					pfree(st->key);
				st->key = key;
			}
			else
				pfree(key);
		}
		if (newseg)
		{
			if (st->nseg >= st->segcap)
			{
				int64		cap = st->segcap ? st->segcap * 2 : 16;

				if ((Size) cap * sizeof(int64) > MaxAllocSize)
					ereport(ERROR,
							(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
							 errmsg("too many series for dm_test")));
				st->seg = st->seg ? repalloc(st->seg, sizeof(int64) * cap) : palloc(sizeof(int64) * cap);
				st->segcap = cap;
			}
			st->seg[st->nseg++] = st->n;
		}
	}
	st->d[st->n++] = d;
	MemoryContextSwitchTo(old);
	PG_RETURN_POINTER(st);
}

Datum
fc_dm_final(PG_FUNCTION_ARGS)
{
	DmState    *st;
	TupleDesc	tupdesc;
	FcDmResult	r;
	FcStatus	status;
	Datum		values[5];
	bool		nulls[5] = {false, false, false, false, false};

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = (DmState *) PG_GETARG_POINTER(0);
	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "forecastin.dm_test final function must return a composite type");
	tupdesc = BlessTupleDesc(tupdesc);

	status = fc_dm_test(st->d, st->n, st->seg, st->nseg, st->h, &r);
	if (status != FC_OK)
		fc_report_status(status, "dm_test");

	values[0] = Float8GetDatum(r.statistic);
	nulls[0] = !r.defined;
	values[1] = Float8GetDatum(r.p_value);
	nulls[1] = !r.defined;
	values[2] = Int64GetDatum(r.n);
	values[3] = Float8GetDatum(r.mean_diff);
	nulls[3] = !isfinite(r.mean_diff);
	values[4] = Int32GetDatum(r.horizon_used);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}
