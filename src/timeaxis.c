/*
 * timeaxis.c
 *	  Regular time grids from irregularly ordered observations.
 *
 * The step is the greatest common divisor of the gaps between consecutive
 * observations, so a daily series with missing days is still daily, and a
 * weekly series is weekly whichever weekday it is recorded on.  Day-based
 * series whose observations all fall on the same day of the month (or all
 * on the last day) are calendar-monthly: their step is counted in months,
 * so 28-31 day gaps do not collapse into a daily grid full of holes.
 */
#include "fc_port.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "options.h"
#include "timeaxis.h"

#define USEC_PER_HOUR INT64_C(3600000000)
#define USEC_PER_DAY  INT64_C(86400000000)

/* Days from 2000-01-01 to 1970-01-01 is -10957. */
#define DAYS_1970_TO_2000 INT64_C(10957)

/*
 * Gregorian calendar arithmetic on a 400-year cycle of 146097 days, with
 * years starting on March 1 so the leap day is the last day of the year.
 */
int64_t
fc_ymd_to_days(int y, int m, int d)
{
	int64_t		yy = (int64_t) y - (m <= 2 ? 1 : 0);
	int64_t		era = (yy >= 0 ? yy : yy - 399) / 400;
	int64_t		yoe = yy - era * 400;	/* [0, 399] */
	int64_t		mp = (m + 9) % 12;	/* March = 0 */
	int64_t		doy = (153 * mp + 2) / 5 + d - 1;	/* [0, 365] */
	int64_t		doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;	/* [0, 146096] */

	return era * 146097 + doe - 719468 - DAYS_1970_TO_2000;
}

void
fc_days_to_ymd(int64_t days, int *y, int *m, int *d)
{
	int64_t		z = days + DAYS_1970_TO_2000 + 719468;
	int64_t		era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t		doe = z - era * 146097;
	int64_t		yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t		doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t		mp = (5 * doy + 2) / 153;
	int64_t		dd = doy - (153 * mp + 2) / 5 + 1;
	int64_t		mm = mp < 10 ? mp + 3 : mp - 9;

	*y = (int) (yoe + era * 400 + (mm <= 2 ? 1 : 0));
	*m = (int) mm;
	*d = (int) dd;
}

static int
days_in_month(int y, int m)
{
	static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool		leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return (m == 2 && leap) ? 29 : dim[m - 1];
}

static int64_t
month_index(int64_t days)
{
	int			y,
				m,
				d;

	fc_days_to_ymd(days, &y, &m, &d);
	return (int64_t) y * 12 + (m - 1);
}

static int64_t
month_index_to_days(int64_t midx, int anchor)
{
	int64_t		y = midx >= 0 ? midx / 12 : -((-midx + 11) / 12);
	int			m = (int) (midx - y * 12) + 1;
	int			dim = days_in_month((int) y, m);
	int			d = (anchor == 0 || anchor > dim) ? dim : anchor;

	return fc_ymd_to_days((int) y, m, d);
}

static uint64_t
gcd_u64(uint64_t a, uint64_t b)
{
	while (b != 0)
	{
		uint64_t	r = a % b;

		a = b;
		b = r;
	}
	return a;
}

static int
cmp_point(const void *a, const void *b)
{
	int64_t		ta = ((const FcPoint *) a)->t;
	int64_t		tb = ((const FcPoint *) b)->t;

	return (ta > tb) - (ta < tb);
}

void
fc_time_sort(FcPoint *pts, int n, int *dup)
{
	int			i;
	bool		sorted = true;

	for (i = 1; i < n && sorted; i++)
		sorted = pts[i - 1].t <= pts[i].t;
	if (!sorted)
		qsort(pts, n, sizeof(FcPoint), cmp_point);

	*dup = -1;
	for (i = 1; i < n; i++)
		if (pts[i - 1].t == pts[i].t)
		{
			*dup = i;
			return;
		}
}

/*
 * Do all observations fall on one day of the month (clamped to the month's
 * end, so "the 31st" means the last day)?  Sets *anchor (0 = last day).
 */
static bool
is_monthly(const FcPoint *pts, int n, int32_t *anchor)
{
	int			i;
	int			maxday = 0;

	if (n < 2)
		return false;
	for (i = 0; i < n; i++)
	{
		int			y,
					m,
					d;

		fc_days_to_ymd(pts[i].t, &y, &m, &d);
		if (d > maxday)
			maxday = d;
	}
	for (i = 0; i < n; i++)
	{
		int			y,
					m,
					d;
		int			dim;

		fc_days_to_ymd(pts[i].t, &y, &m, &d);
		dim = days_in_month(y, m);
		if (d != (maxday < dim ? maxday : dim))
			return false;
	}
	*anchor = maxday >= 31 ? 0 : maxday;
	return true;
}

FcStatus
fc_time_infer(const FcPoint *pts, int n, FcStepUnit unit,
			  int64_t max_length, FcTimeAxis *axis)
{
	uint64_t	g = 0;
	uint64_t	span;
	int			i;

	memset(axis, 0, sizeof(*axis));
	axis->unit = unit;
	if (n <= 0)
		return FC_ERR_TOO_SHORT;
	axis->first = pts[0].t;

	if (unit == FC_STEP_DAY && is_monthly(pts, n, &axis->anchor_day))
	{
		axis->unit = FC_STEP_MONTH;
		for (i = 1; i < n; i++)
			g = gcd_u64(g, (uint64_t) (month_index(pts[i].t) - month_index(pts[i - 1].t)));
		span = (uint64_t) (month_index(pts[n - 1].t) - month_index(pts[0].t));
	}
	else
	{
		for (i = 1; i < n; i++)
			g = gcd_u64(g, (uint64_t) pts[i].t - (uint64_t) pts[i - 1].t);
		span = (uint64_t) pts[n - 1].t - (uint64_t) pts[0].t;
	}

	if (g == 0)
	{
		/* a single observation: the step is invisible, assume the usual one */
		axis->step_defaulted = true;
		axis->step = (unit == FC_STEP_USEC) ? USEC_PER_DAY : 1;
		axis->length = 1;
		return FC_OK;
	}
	if (g > (uint64_t) INT64_MAX || span / g + 1 > (uint64_t) max_length)
	{
		axis->step = g > (uint64_t) INT64_MAX ? INT64_MAX : (int64_t) g;
		axis->length = -1;
		return FC_ERR_IRREGULAR_TIME;
	}
	axis->step = (int64_t) g;
	axis->length = (int64_t) (span / g) + 1;
	return FC_OK;
}

/* Grid index of an observation known to lie on the grid. */
static int64_t
grid_index(const FcTimeAxis *axis, int64_t t)
{
	if (axis->unit == FC_STEP_MONTH)
		return (month_index(t) - month_index(axis->first)) / axis->step;
	return (int64_t) (((uint64_t) t - (uint64_t) axis->first) / (uint64_t) axis->step);
}

FcStatus
fc_time_regularize(const FcPoint *pts, int n, const FcTimeAxis *axis,
				   int policy, double *y, int64_t *n_missing,
				   int64_t *first_missing)
{
	int64_t		len = axis->length;
	int64_t		k;
	int			i;

	*n_missing = 0;
	*first_missing = -1;
	for (k = 0; k < len; k++)
		y[k] = NAN;
	for (i = 0; i < n; i++)
		y[grid_index(axis, pts[i].t)] = pts[i].y;

	for (k = 0; k < len; k++)
		if (isnan(y[k]))
		{
			if (*first_missing < 0)
				*first_missing = k;
			(*n_missing)++;
		}
	if (*n_missing == 0)
		return FC_OK;
	if (*n_missing == len)
		return FC_ERR_TOO_SHORT;	/* nothing but NULLs */
	if (policy == FC_MISSING_ERROR)
		return FC_ERR_MISSING_VALUE;

	if (policy == FC_MISSING_ZERO)
	{
		for (k = 0; k < len; k++)
			if (isnan(y[k]))
				y[k] = 0.0;
		return FC_OK;
	}

	/* linear interpolation; before the first / after the last known value, carry it */
	{
		int64_t		prev = -1;

		for (k = 0; k < len; k++)
		{
			int64_t		j;

			if (isnan(y[k]))
				continue;
			if (prev < 0)
			{
				for (j = 0; j < k; j++)
					y[j] = y[k];
			}
			else
			{
				for (j = prev + 1; j < k; j++)
					y[j] = y[prev] + (y[k] - y[prev]) * (double) (j - prev) / (double) (k - prev);
			}
			prev = k;
		}
		for (k = prev + 1; k < len; k++)
			y[k] = y[prev];
	}
	return FC_OK;
}

FcStatus
fc_time_at(const FcTimeAxis *axis, int64_t k, int64_t *t)
{
	int64_t		off;

	if (__builtin_mul_overflow(k, axis->step, &off))
		return FC_ERR_BAD_ARGUMENT;
	if (axis->unit == FC_STEP_MONTH)
	{
		int64_t		midx;

		if (__builtin_add_overflow(month_index(axis->first), off, &midx) ||
			midx > INT64_C(12) * 5000000 || midx < -INT64_C(12) * 5000000)
			return FC_ERR_BAD_ARGUMENT;
		*t = month_index_to_days(midx, axis->anchor_day);
		return FC_OK;
	}
	if (__builtin_add_overflow(axis->first, off, t))
		return FC_ERR_BAD_ARGUMENT;
	return FC_OK;
}

int
fc_time_natural_period(const FcTimeAxis *axis, int64_t n)
{
	switch (axis->unit)
	{
		case FC_STEP_DAY:
			if (axis->step == 1)
				return 7;
			if (axis->step == 7 && n >= 2 * 52 + 1)
				return 52;
			return 1;
		case FC_STEP_MONTH:
			if (axis->step == 1)
				return 12;
			if (axis->step == 3)
				return 4;
			return 1;
		case FC_STEP_USEC:
			/* 24 for hours, 48 for half hours, ... down to minutes */
			if (axis->step >= INT64_C(60000000) && USEC_PER_DAY % axis->step == 0 &&
				axis->step < USEC_PER_DAY)
				return (int) (USEC_PER_DAY / axis->step);
			if (axis->step == 7 * USEC_PER_DAY && n >= 2 * 52 + 1)
				return 52;
			if (axis->step == USEC_PER_DAY)
				return 7;
			return 1;
		default:
			return 1;
	}
}

void
fc_time_step_name(const FcTimeAxis *axis, char *buf, size_t len)
{
	switch (axis->unit)
	{
		case FC_STEP_DAY:
			if (axis->step == 1)
				snprintf(buf, len, "day");
			else if (axis->step == 7)
				snprintf(buf, len, "week");
			else
				snprintf(buf, len, "%lld days", (long long) axis->step);
			break;
		case FC_STEP_MONTH:
			if (axis->step == 1)
				snprintf(buf, len, "month");
			else if (axis->step == 3)
				snprintf(buf, len, "quarter");
			else if (axis->step == 12)
				snprintf(buf, len, "year");
			else
				snprintf(buf, len, "%lld months", (long long) axis->step);
			break;
		case FC_STEP_USEC:
			if (axis->step == USEC_PER_HOUR)
				snprintf(buf, len, "hour");
			else if (axis->step == USEC_PER_DAY)
				snprintf(buf, len, "day");
			else if (axis->step == 7 * USEC_PER_DAY)
				snprintf(buf, len, "week");
			else if (axis->step % INT64_C(60000000) == 0)
				snprintf(buf, len, "%lld minute%s", (long long) (axis->step / INT64_C(60000000)),
						 axis->step == INT64_C(60000000) ? "" : "s");
			else if (axis->step % 1000000 == 0)
				snprintf(buf, len, "%lld second%s", (long long) (axis->step / 1000000),
						 axis->step == 1000000 ? "" : "s");
			else if (axis->step % 1000 == 0)
				snprintf(buf, len, "%lld millisecond%s", (long long) (axis->step / 1000),
						 axis->step == 1000 ? "" : "s");
			else
				snprintf(buf, len, "%lld microsecond%s", (long long) axis->step,
						 axis->step == 1 ? "" : "s");
			break;
		default:
			snprintf(buf, len, "%lld", (long long) axis->step);
			break;
	}
}
