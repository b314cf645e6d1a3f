/*
 * mstl_test.c
 *	  Standalone tests of the STL and MSTL kernels (src/stl.c, src/mstl.c)
 *	  against R's stats::stl and forecast::mstl (test/reference/mstl_*.csv,
 *	  made by make_mstl_reference.R), plus bad input and invariants.
 *
 *	 mstl_test [refdir]			   all checks (exit 1 on failure)
 *	 mstl_test --bench train.csv	   time fc_mstl (periods 24, 168) on every
 *									   series of an M4 hourly file
 *
 * Tolerance against R (stated once here): every component within 1e-6 of
 * the series scale (max |y|), robustness weights within 1e-6.  Both sides
 * compute in double precision with the same algorithm, so the differences
 * seen are rounding (the reference CSVs are rounded to 1e-10); the largest
 * observed difference is printed.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../src/mstl.h"
#include "../../src/stl.h"
#include "testlib.h"

#define TOL_REL 1e-6


/* ------------------------------------------------------------------ */
/* CSV: a whole file as rows of string fields */

#define MAXF 24

typedef struct Table
{
	int			ncol,
				nrow;
	char	   *hdr[MAXF];
	char	  **cell;			/* nrow * ncol pointers into lines */
	char	  **lines;			/* nrow + 1 owned line buffers */
} Table;

static bool
load_table(const char *path, Table *tb)
{
	FILE	   *fp = fopen(path, "r");
	char		buf[1024];
	int			cap = 0;

	memset(tb, 0, sizeof(*tb));
	if (!fp)
		return false;
	if (!fgets(buf, sizeof buf, fp))
	{
		fclose(fp);
		return false;
	}
	cap = 1024;
	tb->lines = malloc(sizeof(char *) * (cap + 1));
	tb->cell = malloc(sizeof(char *) * cap * MAXF);
	tb->lines[0] = strdup(buf);
	tb->ncol = split_csv(tb->lines[0], tb->hdr, MAXF);
	while (fgets(buf, sizeof buf, fp))
	{
		char	   *f[MAXF];
		char	   *line;
		int			k;

		if (buf[0] == '\n' || buf[0] == '\0')
			continue;
		if (tb->nrow == cap)
		{
			cap *= 2;
			tb->lines = realloc(tb->lines, sizeof(char *) * (cap + 1));
			tb->cell = realloc(tb->cell, sizeof(char *) * cap * MAXF);
		}
		line = strdup(buf);
		tb->lines[tb->nrow + 1] = line;
		k = split_csv(line, f, MAXF);
		for (; k < tb->ncol; k++)
			f[k] = "";
		memcpy(&tb->cell[(size_t) tb->nrow * MAXF], f, sizeof(char *) * MAXF);
		tb->nrow++;
	}
	fclose(fp);
	return true;
}

static void
free_table(Table *tb)
{
	int			i;

	if (!tb->lines)
		return;
	for (i = 0; i <= tb->nrow; i++)
		free(tb->lines[i]);
	free(tb->lines);
	free(tb->cell);
}

static int
col(const Table *tb, const char *name)
{
	int			j;

	for (j = 0; j < tb->ncol; j++)
		if (strcmp(tb->hdr[j], name) == 0)
			return j;
	fprintf(stderr, "no column %s\n", name);
	exit(2);
}

static const char *
cell(const Table *tb, int row, const char *name)
{
	return tb->cell[(size_t) row * MAXF + col(tb, name)];
}

static bool
is_na(const char *s)
{
	return strcmp(s, "NA") == 0 || *s == '\0';
}

/* rows [*first, *first + *count) of the (contiguous) case `name` */
static bool
find_case(const Table *tb, const char *name, int *first, int *count)
{
	int			i,
				c = col(tb, "case");

	*first = -1;
	*count = 0;
	for (i = 0; i < tb->nrow; i++)
		if (strcmp(tb->cell[(size_t) i * MAXF + c], name) == 0)
		{
			if (*first < 0)
				*first = i;
			(*count)++;
		}
	return *count > 0;
}

/* space-separated integers */
static int
parse_ints(const char *s, int *out, int max)
{
	int			k = 0;
	char	   *end;

	while (k < max)
	{
		long		v = strtol(s, &end, 10);

		if (end == s)
			break;
		out[k++] = (int) v;
		s = end;
	}
	return k;
}

/* ------------------------------------------------------------------ */
/* comparison helpers */

static double
max_abs(const double *x, int n)
{
	double		m = 0.0;
	int			i;

	for (i = 0; i < n; i++)
		if (fabs(x[i]) > m)
			m = fabs(x[i]);
	return m;
}

static double
max_diff(const double *a, const double *b, int n)
{
	double		m = 0.0;
	int			i;

	for (i = 0; i < n; i++)
	{
		double		d = fabs(a[i] - b[i]);

		if (!(d <= m))
			m = d;				/* NaN propagates */
	}
	return m;
}

static double worst_rel = 0.0;	/* largest component difference / scale */

static void
check_component(const char *what, const char *cs, const double *ours,
				const double *ref, int n, double scale)
{
	double		d = max_diff(ours, ref, n) / scale;

	if (!(d <= worst_rel))
		worst_rel = d;
	CHECK(d <= TOL_REL, "%s %s: max |ours - R| / scale = %.3g", cs, what, d);
}

static void
column(const Table *tb, int first, int count, const char *name, double *out)
{
	int			i;

	for (i = 0; i < count; i++)
		out[i] = num(cell(tb, first + i, name));
}

static int
opt_int(const Table *tb, int row, const char *name, int dflt)
{
	const char *s = cell(tb, row, name);

	return is_na(s) ? dflt : atoi(s);
}

/* ------------------------------------------------------------------ */
/* stats::stl */

static void
check_stl_reference(const char *refdir)
{
	char		path[1024];
	Table		cases,
				comp;
	int			r;
	double		worst_w = 0.0;

	snprintf(path, sizeof path, "%s/mstl_stl_cases.csv", refdir);
	if (!load_table(path, &cases))
	{
		CHECK(false, "cannot read %s", path);
		return;
	}
	snprintf(path, sizeof path, "%s/mstl_stl_components.csv", refdir);
	if (!load_table(path, &comp))
	{
		CHECK(false, "cannot read %s", path);
		free_table(&cases);
		return;
	}
	for (r = 0; r < cases.nrow; r++)
	{
		const char *cs = cell(&cases, r, "case");
		const char *sw = cell(&cases, r, "s_window");
		FcStlControl c;
		int			first,
					n;
		double	   *y,
				   *rs,
				   *rt,
				   *rr,
				   *rw,
				   *s,
				   *t,
				   *rem,
				   *w,
				   *sum;
		double		scale;
		FcStatus	st;
		int			i;

		if (!find_case(&comp, cs, &first, &n))
		{
			CHECK(false, "%s: no components", cs);
			continue;
		}
		fc_stl_control_init(&c, atoi(cell(&cases, r, "period")),
							strcmp(sw, "periodic") == 0 ? FC_STL_PERIODIC : atoi(sw));
		c.s_degree = opt_int(&cases, r, "s_degree", c.s_degree);
		c.t_window = opt_int(&cases, r, "t_window", c.t_window);
		c.t_degree = opt_int(&cases, r, "t_degree", c.t_degree);
		c.l_window = opt_int(&cases, r, "l_window", c.l_window);
		c.l_degree = opt_int(&cases, r, "l_degree", c.l_degree);
		c.s_jump = opt_int(&cases, r, "s_jump", c.s_jump);
		c.t_jump = opt_int(&cases, r, "t_jump", c.t_jump);
		c.l_jump = opt_int(&cases, r, "l_jump", c.l_jump);
		c.robust = opt_int(&cases, r, "robust", 0) != 0;
		c.inner = opt_int(&cases, r, "inner", c.inner);
		c.outer = opt_int(&cases, r, "outer", c.outer);

		y = malloc(sizeof(double) * n * 9);
		rs = y + n;
		rt = rs + n;
		rr = rt + n;
		rw = rr + n;
		s = rw + n;
		t = s + n;
		rem = t + n;
		w = rem + n;
		column(&comp, first, n, "y", y);
		column(&comp, first, n, "seasonal", rs);
		column(&comp, first, n, "trend", rt);
		column(&comp, first, n, "remainder", rr);
		column(&comp, first, n, "weights", rw);
		scale = max_abs(y, n);

		st = fc_stl(y, n, &c, s, t, rem, w);
		CHECK(st == FC_OK, "%s: fc_stl status %d", cs, st);
		if (st == FC_OK)
		{
			double		dw = max_diff(w, rw, n);

			check_component("seasonal", cs, s, rs, n, scale);
			check_component("trend", cs, t, rt, n, scale);
			check_component("remainder", cs, rem, rr, n, scale);
			if (!(dw <= worst_w))
				worst_w = dw;
			CHECK(dw <= TOL_REL, "%s weights: max |ours - R| = %.3g", cs, dw);

			/* the three components add up to y */
			sum = rs;			/* R's seasonal is no longer needed */
			for (i = 0; i < n; i++)
				sum[i] = s[i] + t[i] + rem[i];
			CHECK(max_diff(sum, y, n) <= 1e-12 * scale,
				  "%s: seasonal + trend + remainder != y (%.3g)", cs,
				  max_diff(sum, y, n));
		}
		free(y);
	}
	printf("stl vs R: %d cases, max component difference %.2g of scale, weights %.2g\n",
		   cases.nrow, worst_rel, worst_w);
	free_table(&cases);
	free_table(&comp);
}

/* ------------------------------------------------------------------ */
/* forecast::mstl */

static void
check_mstl_reference(const char *refdir)
{
	char		path[1024];
	Table		cases,
				comp,
				fcst;
	int			r;
	double		worst_before = worst_rel;

	worst_rel = 0.0;
	snprintf(path, sizeof path, "%s/mstl_cases.csv", refdir);
	if (!load_table(path, &cases))
	{
		CHECK(false, "cannot read %s", path);
		return;
	}
	snprintf(path, sizeof path, "%s/mstl_components.csv", refdir);
	if (!load_table(path, &comp))
	{
		CHECK(false, "cannot read %s", path);
		free_table(&cases);
		return;
	}
	snprintf(path, sizeof path, "%s/mstl_seasonal_forecast.csv", refdir);
	if (!load_table(path, &fcst))
	{
		CHECK(false, "cannot read %s", path);
		free_table(&cases);
		free_table(&comp);
		return;
	}
	for (r = 0; r < cases.nrow; r++)
	{
		const char *cs = cell(&cases, r, "case");
		int			periods[FC_MSTL_MAX_PERIODS + 1],
					used_r[FC_MSTL_MAX_PERIODS + 1],
					used[FC_MSTL_MAX_PERIODS],
					sw[FC_MSTL_MAX_PERIODS + 1];
		int			np,
					nused_r,
					nused = -1,
					nsw,
					first,
					n,
					ffirst,
					h,
					i,
					j;
		FcMstlControl c;
		double	   *y,
				   *rt,
				   *rr,
				   *rs,
				   *trend,
				   *seas,
				   *rem,
				   *fc,
				   *rfc,
				   *sum;
		double		scale;
		FcStatus	st;

		if (!find_case(&comp, cs, &first, &n) ||
			!find_case(&fcst, cs, &ffirst, &h))
		{
			CHECK(false, "%s: no components or forecasts", cs);
			continue;
		}
		np = parse_ints(cell(&cases, r, "periods"), periods, FC_MSTL_MAX_PERIODS + 1);
		nused_r = parse_ints(cell(&cases, r, "used"), used_r, FC_MSTL_MAX_PERIODS + 1);
		fc_mstl_control_init(&c);
		c.iterate = atoi(cell(&cases, r, "iterate"));
		c.robust = atoi(cell(&cases, r, "robust")) != 0;
		nsw = parse_ints(cell(&cases, r, "s_window"), sw, FC_MSTL_MAX_PERIODS + 1);
		for (i = 0; i < nsw && i < FC_MSTL_MAX_PERIODS; i++)
			c.s_window[i] = sw[i];

		y = malloc(sizeof(double) * (n * (7 + FC_MSTL_MAX_PERIODS) + 2 * h));
		rt = y + n;
		rr = rt + n;
		rs = rr + n;
		trend = rs + n;
		rem = trend + n;
		sum = rem + n;
		seas = sum + n;
		fc = seas + (size_t) n * FC_MSTL_MAX_PERIODS;
		rfc = fc + h;
		column(&comp, first, n, "y", y);
		column(&comp, first, n, "trend", rt);
		column(&comp, first, n, "remainder", rr);
		column(&fcst, ffirst, h, "seasonal", rfc);
		scale = max_abs(y, n);

		st = fc_mstl(y, n, periods, np, &c, used, &nused, trend, seas, rem);
		CHECK(st == FC_OK, "%s: fc_mstl status %d", cs, st);
		CHECK(nused == nused_r, "%s: %d periods used, R %d", cs, nused, nused_r);
		if (st != FC_OK || nused != nused_r)
		{
			free(y);
			continue;
		}
		for (i = 0; i < nused; i++)
			CHECK(used[i] == used_r[i], "%s: used period %d is %d, R %d", cs, i,
				  used[i], used_r[i]);
		check_component("trend", cs, trend, rt, n, scale);
		check_component("remainder", cs, rem, rr, n, scale);
		for (i = 0; i < nused; i++)
		{
			char		name[32];

			snprintf(name, sizeof name, "seasonal_%d", i + 1);
			column(&comp, first, n, name, rs);
			check_component(name, cs, seas + (size_t) i * n, rs, n, scale);
		}

		fc_mstl_seasonal_forecast(seas, n, used, nused, h, fc);
		check_component("seasonal forecast", cs, fc, rfc, h, scale);

		for (j = 0; j < n; j++)
		{
			sum[j] = trend[j] + rem[j];
			for (i = 0; i < nused; i++)
				sum[j] += seas[(size_t) i * n + j];
		}
		CHECK(max_diff(sum, y, n) <= 1e-12 * scale,
			  "%s: trend + seasonals + remainder != y (%.3g)", cs, max_diff(sum, y, n));
		free(y);
	}
	printf("mstl vs R: %d cases, max component difference %.2g of scale\n",
		   cases.nrow, worst_rel);
	if (worst_before > worst_rel)
		worst_rel = worst_before;
	free_table(&cases);
	free_table(&comp);
	free_table(&fcst);
}

/* ------------------------------------------------------------------ */
/* bad input */

static void
check_bad_input(void)
{
	double		y[60],
				s[60],
				t[60],
				r[60],
				seas[4 * 60];
	int			periods[5] = {4, 6, 4, 2, 3};
	int			used[4],
				nused = 99,
				i;
	FcStlControl c;
	FcMstlControl mc;

	for (i = 0; i < 60; i++)
		y[i] = 10.0 + (i % 4) + 0.1 * i;

	fc_stl_control_init(&c, 4, 7);
	CHECK(fc_stl(y, 60, &c, s, t, r, NULL) == FC_OK, "stl ok");
	CHECK(fc_stl(y, 8, &c, s, t, r, NULL) == FC_ERR_TOO_SHORT, "stl n = 2 period");
	CHECK(fc_stl(y, 9, &c, s, t, r, NULL) == FC_OK, "stl n = 2 period + 1");
	c.period = 1;
	CHECK(fc_stl(y, 60, &c, s, t, r, NULL) == FC_ERR_BAD_ARGUMENT, "stl period 1");
	fc_stl_control_init(&c, 4, 1);
	CHECK(fc_stl(y, 60, &c, s, t, r, NULL) == FC_ERR_BAD_ARGUMENT, "stl s_window 1");
	fc_stl_control_init(&c, 4, 7);
	c.s_degree = 2;
	CHECK(fc_stl(y, 60, &c, s, t, r, NULL) == FC_ERR_BAD_ARGUMENT, "stl s_degree 2");
	fc_stl_control_init(&c, 4, 7);
	c.t_jump = -1;
	CHECK(fc_stl(y, 60, &c, s, t, r, NULL) == FC_ERR_BAD_ARGUMENT, "stl t_jump -1");
	fc_stl_control_init(&c, 4, 7);
	c.t_window = 2;
	CHECK(fc_stl(y, 60, &c, s, t, r, NULL) == FC_ERR_BAD_ARGUMENT, "stl t_window 2");
	fc_stl_control_init(&c, 4, 7);
	c.outer = -2;
	CHECK(fc_stl(y, 60, &c, s, t, r, NULL) == FC_ERR_BAD_ARGUMENT, "stl outer -2");
	fc_stl_control_init(&c, 4, 7);
	y[17] = NAN;
	CHECK(fc_stl(y, 60, &c, s, t, r, NULL) == FC_ERR_NONFINITE, "stl NaN");
	y[17] = INFINITY;
	CHECK(fc_stl(y, 60, &c, s, t, r, NULL) == FC_ERR_NONFINITE, "stl Inf");
	y[17] = 10.0;

	fc_mstl_control_init(&mc);
	CHECK(fc_mstl(y, 60, periods, 2, &mc, used, &nused, t, seas, r) == FC_OK &&
		  nused == 2 && used[0] == 4 && used[1] == 6, "mstl ok");
	CHECK(fc_mstl(y, 60, periods, 0, &mc, used, &nused, t, seas, r) == FC_ERR_BAD_ARGUMENT &&
		  nused == 0, "mstl no periods");
	CHECK(fc_mstl(y, 60, periods, 5, &mc, used, &nused, t, seas, r) == FC_ERR_BAD_ARGUMENT,
		  "mstl 5 periods");
	CHECK(fc_mstl(y, 60, periods, 3, &mc, used, &nused, t, seas, r) == FC_ERR_BAD_ARGUMENT,
		  "mstl duplicate period");
	periods[2] = 1;
	CHECK(fc_mstl(y, 60, periods, 3, &mc, used, &nused, t, seas, r) == FC_ERR_BAD_ARGUMENT,
		  "mstl period 1");
	periods[2] = 4;
	CHECK(fc_mstl(y, 8, periods, 2, &mc, used, &nused, t, seas, r) == FC_ERR_TOO_SHORT &&
		  nused == 0, "mstl every period too long (n = 8, periods 4, 6)");
	CHECK(fc_mstl(y, 9, periods, 2, &mc, used, &nused, t, seas, r) == FC_OK &&
		  nused == 1 && used[0] == 4, "mstl n = 9 keeps period 4 only");
	mc.s_window[1] = 2;
	CHECK(fc_mstl(y, 60, periods, 2, &mc, used, &nused, t, seas, r) == FC_ERR_BAD_ARGUMENT,
		  "mstl s_window 2");
	fc_mstl_control_init(&mc);
	y[59] = NAN;
	CHECK(fc_mstl(y, 60, periods, 2, &mc, used, &nused, t, seas, r) == FC_ERR_NONFINITE,
		  "mstl NaN");
	y[59] = 10.0;
}

/* ------------------------------------------------------------------ */
/* invariants */

static void
check_invariants(void)
{
	enum
	{
	N = 120, P = 12
	};
	double		y[N],
				y2[N],
				s[N],
				t[N],
				r[N],
				s2[N],
				t2[N],
				r2[N];
	double		seas[2 * N],
				fc[30];
	int			periods[2] = {P, 5};
	int			used[2],
				nused,
				i;
	double		maxd;
	FcStlControl c;
	FcMstlControl mc;

	/* a constant series: zero seasonal, constant trend, exactly */
	for (i = 0; i < N; i++)
		y[i] = 42.5;
	fc_stl_control_init(&c, P, 7);
	c.robust = true;
	fc_stl(y, N, &c, s, t, r, NULL);
	maxd = 0.0;
	for (i = 0; i < N; i++)
		maxd = fmax(maxd, fmax(fabs(s[i]), fabs(t[i] - 42.5)));
	CHECK(maxd < 1e-9, "constant series: deviation %.3g", maxd);

	/* shift equivariance: y + 1000 has the same seasonal, trend + 1000 */
	for (i = 0; i < N; i++)
	{
		y[i] = sin(2 * M_PI * i / P) * (1 + 0.01 * i) + 0.02 * i + 0.3 * cos(1.7 * i * i);
		y2[i] = y[i] + 1000.0;
	}
	fc_stl_control_init(&c, P, 9);
	c.robust = true;
	fc_stl(y, N, &c, s, t, r, NULL);
	fc_stl(y2, N, &c, s2, t2, r2, NULL);
	maxd = 0.0;
	for (i = 0; i < N; i++)
		maxd = fmax(maxd, fmax(fabs(s[i] - s2[i]), fabs(t[i] + 1000.0 - t2[i])));
	CHECK(maxd < 1e-9, "shift equivariance: deviation %.3g", maxd);

	/*
	 * Robustness weights are the bisquare of |remainder| over 6 times its
	 * true median (even n: mean of the two middle values; R differs there,
	 * see stl.h).  With outer = 1 the weights returned are those of the
	 * outer = 0 fit.
	 */
	{
		double		a[N],
					w[N],
					h;
		int			j;

		fc_stl_control_init(&c, P, 9);
		c.outer = 0;
		fc_stl(y, N, &c, s, t, r, NULL);
		c.outer = 1;
		fc_stl(y, N, &c, s2, t2, r2, w);
		for (i = 0; i < N; i++)
			a[i] = fabs(r[i]);
		for (i = 1; i < N; i++)	/* insertion sort: N is small */
			for (j = i; j > 0 && a[j - 1] > a[j]; j--)
			{
				h = a[j];
				a[j] = a[j - 1];
				a[j - 1] = h;
			}
		h = 3.0 * (a[N / 2 - 1] + a[N / 2]);
		maxd = 0.0;
		for (i = 0; i < N; i++)
		{
			double		u = fabs(r[i]) / h;
			double		expect = u <= 0.001 ? 1.0 : u <= 0.999 ? (1 - u * u) * (1 - u * u) : 0.0;

			maxd = fmax(maxd, fabs(w[i] - expect));
		}
		CHECK(maxd < 1e-12, "robustness weights from the true median: deviation %.3g", maxd);
	}

	/* periodic: the seasonal repeats exactly */
	fc_stl_control_init(&c, P, FC_STL_PERIODIC);
	fc_stl(y, N, &c, s, t, r, NULL);
	maxd = 0.0;
	for (i = P; i < N; i++)
		maxd = fmax(maxd, fabs(s[i] - s[i - P]));
	CHECK(maxd == 0.0, "periodic seasonal repeats: deviation %.3g", maxd);

	/* the same series in MSTL: seasonal forecast is each last cycle */
	fc_mstl_control_init(&mc);
	fc_mstl(y, N, periods, 2, &mc, used, &nused, t, seas, r);
	CHECK(nused == 2 && used[0] == 5 && used[1] == P, "mstl sorts periods");
	fc_mstl_seasonal_forecast(seas, N, used, nused, 30, fc);
	maxd = 0.0;
	for (i = 0; i < 30; i++)
		maxd = fmax(maxd, fabs(fc[i] - seas[N - 5 + i % 5] - seas[N + N - P + i % P]));
	CHECK(maxd < 1e-12, "seasonal forecast repeats last cycles: deviation %.3g", maxd);
}

/* ------------------------------------------------------------------ */
/* timing */

/* CPU seconds of this process (the machine may be busy with other work) */
static double
now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

/* ms per fc_mstl call (periods 24, 168) on y[0..n-1], best of 3 rounds */
static double
time_mstl(const double *y, int n, int reps)
{
	int			periods[2] = {24, 168};
	int			used[2],
				nused,
				k,
				rep;
	double	   *buf = malloc(sizeof(double) * n * 4);
	double		best = INFINITY;
	FcMstlControl mc;

	fc_mstl_control_init(&mc);
	for (k = 0; k < 3; k++)
	{
		double		t0 = now_sec();

		for (rep = 0; rep < reps; rep++)
			fc_mstl(y, n, periods, 2, &mc, used, &nused, buf, buf + n, buf + 3 * n);
		best = fmin(best, (now_sec() - t0) / reps * 1e3);
	}
	free(buf);
	return best;
}

static void
report_timing(void)
{
	double		y[960];
	int			i;

	for (i = 0; i < 960; i++)
		y[i] = 500 + 0.1 * i + 100 * sin(2 * M_PI * i / 24) + 40 * sin(2 * M_PI * i / 168) +
			10 * cos(0.37 * i * i);
	printf("timing: fc_mstl, n = 960, periods 24 and 168: %.3f ms CPU\n", time_mstl(y, 960, 20));
}

static int
run_bench(const char *train)
{
	Table		tb;
	int			first = 0,
				cnt[2] = {0, 0};
	double		total[2] = {0.0, 0.0},
				worst[2] = {0.0, 0.0};
	double	   *y;

	if (!load_table(train, &tb))
	{
		printf("cannot read %s\n", train);
		return 1;
	}
	y = malloc(sizeof(double) * tb.nrow);
	while (first < tb.nrow)
	{
		const char *id = tb.cell[(size_t) first * MAXF];
		int			n = 0,
					g;
		double		ms;

		while (first + n < tb.nrow && strcmp(tb.cell[(size_t) (first + n) * MAXF], id) == 0)
		{
			y[n] = num(tb.cell[(size_t) (first + n) * MAXF + 2]);
			n++;
		}
		ms = time_mstl(y, n, 5);
		g = (n == 960);
		total[g] += ms;
		worst[g] = fmax(worst[g], ms);
		cnt[g]++;
		first += n;
	}
	printf("mstl_test --bench %s\nfc_mstl, periods 24 and 168, ms CPU per series (best of 3 x 5 runs):\n", train);
	if (cnt[1])
		printf("  n = 960: %d series, mean %.3f, max %.3f\n", cnt[1], total[1] / cnt[1], worst[1]);
	if (cnt[0])
		printf("  other n: %d series, mean %.3f, max %.3f\n", cnt[0], total[0] / cnt[0], worst[0]);
	free(y);
	free_table(&tb);
	return 0;
}

int
main(int argc, char **argv)
{
	const char *refdir = "../reference";

	if (argc > 1 && strcmp(argv[1], "--bench") == 0)
	{
		if (argc < 3)
		{
			printf("usage: mstl_test --bench train.csv\n");
			return 2;
		}
		return run_bench(argv[2]);
	}
	if (argc > 1)
		refdir = argv[1];
	check_stl_reference(refdir);
	check_mstl_reference(refdir);
	check_bad_input();
	check_invariants();
	report_timing();
	printf("%d passed, %d failed\n", n_pass, n_fail);
	return n_fail > 0;
}
