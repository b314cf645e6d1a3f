/*
 * sqltime.h
 *	  Conversions between SQL time values (bigint, date, timestamptz) and
 *	  the int64 values of the time-axis kernel.
 */
#ifndef FC_SQLTIME_H
#define FC_SQLTIME_H

#include "postgres.h"

#include "timeaxis.h"

/* Type OID of a time kind. */
extern Oid	fc_time_kind_type(FcTimeKind kind);

/*
 * The SQL value of axis position value v (units of the axis, see
 * timeaxis.h).  Returns false when it is outside the type's range.
 */
extern bool fc_time_to_datum(FcTimeKind kind, const FcTimeAxis *axis, int64 v,
							 Oid target, Datum *result);

/* Text of axis value v, for error messages. */
extern char *fc_time_to_text(FcTimeKind kind, const FcTimeAxis *axis, int64 v);

/* Text of a raw aggregate input value t of the kind (before axis choice). */
extern char *fc_raw_time_to_text(FcTimeKind kind, int64 t);

#endif							/* FC_SQLTIME_H */
