/*
 * timeaxis.h
 *	  From rows in any order to a regular series: sort, reject duplicates,
 *	  infer the step (integer, hour, day, week, calendar month, quarter,
 *	  ...), place values on the grid and fill gaps; and back from a grid
 *	  position to a time value for forecasts.
 *
 * Plain-array kernel.  Time values are int64 in the units of their kind:
 *	 FC_TIME_INT8		 the bigint itself
 *	 FC_TIME_DATE		 days since 2000-01-01 (PostgreSQL's DateADT)
 *	 FC_TIME_TIMESTAMPTZ microseconds since 2000-01-01 00:00 UTC; when every
 *						 observation falls on the same local time of day the
 *						 SQL layer passes local days instead (FC_STEP_DAY or
 *						 FC_STEP_MONTH axis with tod_usec set), so daily and
 *						 monthly data are immune to daylight-saving shifts.
 */
#ifndef FC_TIMEAXIS_H
#define FC_TIMEAXIS_H

#include "fc_port.h"

typedef enum FcTimeKind
{
	FC_TIME_INT8 = 0,
	FC_TIME_DATE = 1,
	FC_TIME_TIMESTAMPTZ = 2
} FcTimeKind;

typedef enum FcStepUnit
{
	FC_STEP_INT = 0,			/* plain integer steps */
	FC_STEP_DAY = 1,			/* calendar days (values are day numbers) */
	FC_STEP_MONTH = 2,			/* calendar months (values are day numbers) */
	FC_STEP_USEC = 3			/* microseconds of UTC time */
} FcStepUnit;

/* One observation; y is NaN when the SQL value was NULL. */
typedef struct FcPoint
{
	int64_t		t;
	double		y;
} FcPoint;

typedef struct FcTimeAxis
{
	uint8_t		unit;			/* FcStepUnit */
	bool		step_defaulted; /* one observation: step could not be seen */
	int32_t		anchor_day;		/* FC_STEP_MONTH: day of month, 0 = last */
	int64_t		step;			/* in units of `unit` */
	int64_t		first;			/* first time value (day number for months) */
	int64_t		length;			/* grid points from first to last */
	int64_t		tod_usec;		/* local time of day, timestamptz-as-days */
} FcTimeAxis;

/* Sort by time; *dup is the index (after sorting) of a duplicate, or -1. */
extern void fc_time_sort(FcPoint *pts, int n, int *dup);

/*
 * Infer the grid of sorted, duplicate-free points.  `unit` is the base unit
 * of the kind (FC_STEP_INT, FC_STEP_DAY or FC_STEP_USEC); day-based series
 * whose observations share one day of month become FC_STEP_MONTH.
 * FC_ERR_IRREGULAR_TIME when the grid would exceed max_length points.
 */
extern FcStatus fc_time_infer(const FcPoint *pts, int n, FcStepUnit unit,
							  int64_t max_length, FcTimeAxis *axis);

/*
 * Values on the grid (axis->length entries in y), gaps and NULLs filled by
 * `policy` (an FcMissingPolicy).  *n_missing counts filled points; with
 * the error policy FC_ERR_MISSING_VALUE is returned and *first_missing is
 * the grid index of the first one.
 */
extern FcStatus fc_time_regularize(const FcPoint *pts, int n,
								   const FcTimeAxis *axis, int policy,
								   double *y, int64_t *n_missing,
								   int64_t *first_missing);

/* Time value at grid index k (k >= length for forecasts); overflow-safe. */
extern FcStatus fc_time_at(const FcTimeAxis *axis, int64_t k, int64_t *t);

/* Usual seasonal period for the axis (7 for days, 24 for hours, ...), 1 if none. */
extern int	fc_time_natural_period(const FcTimeAxis *axis, int64_t n);

/* Name of the step, e.g. "day", "week", "month", "quarter", "hour", "1". */
extern void fc_time_step_name(const FcTimeAxis *axis, char *buf, size_t len);

/* Calendar helpers (proleptic Gregorian, day 0 = 2000-01-01). */
extern void fc_days_to_ymd(int64_t days, int *y, int *m, int *d);
extern int64_t fc_ymd_to_days(int y, int m, int d);

#endif							/* FC_TIMEAXIS_H */
