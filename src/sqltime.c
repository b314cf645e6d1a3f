/*
 * sqltime.c
 *	  SQL time values <-> time-axis kernel values.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "datatype/timestamp.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/timestamp.h"

#include "sqltime.h"

Oid
fc_time_kind_type(FcTimeKind kind)
{
	switch (kind)
	{
		case FC_TIME_INT8:
			return INT8OID;
		case FC_TIME_DATE:
			return DATEOID;
		default:
			return TIMESTAMPTZOID;
	}
}

/* Local (session time zone) timestamp to timestamptz, false on overflow. */
static bool
local_to_tstz(Timestamp local, TimestampTz *out)
{
	int			overflow = 0;

	if (!IS_VALID_TIMESTAMP(local))
		return false;
	*out = timestamp2timestamptz_opt_overflow(local, &overflow);
	return overflow == 0 && IS_VALID_TIMESTAMP(*out);
}

bool
fc_time_to_datum(FcTimeKind kind, const FcTimeAxis *axis, int64 v,
				 Oid target, Datum *result)
{
	if (kind == FC_TIME_INT8)
	{
		if (target != INT8OID)
			return false;
		*result = Int64GetDatum(v);
		return true;
	}

	if (axis->unit == FC_STEP_USEC)
	{
		/* timestamptz on a sub-daily grid: v is UTC microseconds */
		if (target != TIMESTAMPTZOID || !IS_VALID_TIMESTAMP(v))
			return false;
		*result = TimestampTzGetDatum((TimestampTz) v);
		return true;
	}

	/* v is a day number */
	if (target == DATEOID)
	{
		if (v < (int64) (DATETIME_MIN_JULIAN - POSTGRES_EPOCH_JDATE) ||
			v >= (int64) (DATE_END_JULIAN - POSTGRES_EPOCH_JDATE))
			return false;
		*result = DateADTGetDatum((DateADT) v);
		return true;
	}
	if (v < (int64) (DATETIME_MIN_JULIAN - POSTGRES_EPOCH_JDATE) ||
		v >= (int64) (TIMESTAMP_END_JULIAN - POSTGRES_EPOCH_JDATE))
		return false;
	if (target == TIMESTAMPTZOID)
	{
		TimestampTz tz;

		if (!local_to_tstz((Timestamp) (v * USECS_PER_DAY + axis->tod_usec), &tz))
			return false;
		*result = TimestampTzGetDatum(tz);
		return true;
	}
	return false;
}

char *
fc_time_to_text(FcTimeKind kind, const FcTimeAxis *axis, int64 v)
{
	Datum		d;
	Oid			typ = fc_time_kind_type(kind);

	if (!fc_time_to_datum(kind, axis, v, typ, &d))
		return psprintf(INT64_FORMAT, v);
	switch (typ)
	{
		case INT8OID:
			return psprintf(INT64_FORMAT, v);
		case DATEOID:
			return DatumGetCString(DirectFunctionCall1(date_out, d));
		default:
			return DatumGetCString(DirectFunctionCall1(timestamptz_out, d));
	}
}

char *
fc_raw_time_to_text(FcTimeKind kind, int64 t)
{
	switch (kind)
	{
		case FC_TIME_INT8:
			return psprintf(INT64_FORMAT, t);
		case FC_TIME_DATE:
			return DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum((DateADT) t)));
		default:
			return DatumGetCString(DirectFunctionCall1(timestamptz_out, TimestampTzGetDatum(t)));
	}
}
