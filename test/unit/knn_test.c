/*
 * knn_test.c
 *	  Standalone tests of the analog (k nearest cycles) kernel (src/knn.c):
 *	  forecasts against a hand-computed table and against an independent
 *	  reference implementation written here from the description in knn.h
 *	  (to 1e-12), prefix stability, intervals, residuals, bad input, flat
 *	  storage round trips and forged arrays, constant and long series; the
 *	  choice of k per series (FC_KNN_CHOOSE_K) against a reference version
 *	  of the rule in knn.h, on series where the best k is known by
 *	  construction (exact repeats, ties) and the minimum length it needs.
 *	  Every comparison with the reference runs for both combinations of
 *	  the neighbours (mean and median), with a hand-computed table for the
 *	  median; version 2 packs carry the combination, version 1 packs
 *	  (always the mean) still unpack.
 *
 *	 knn_test			all checks (exit 1 on failure)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/knn.h"
#include "testlib.h"

#define REF_MAXM 24				/* largest period the reference handles */
#define REF_MAXC 1024			/* most candidates the reference handles */
#define MAXH 300
/* packed header: tag, version, m, k, mult, n, nhist, norigins, median */
#define HDR 9
#define HDR_V1 8				/* version 1: no median slot */

/* standard normal quantiles 0.9 and 0.975 (levels 0.8 and 0.95) */
#define Z80 1.2815515655446004
#define Z95 1.9599639845400540

static bool
close_to(double a, double b, double rel)
{
	if (isnan(a) || isnan(b))
		return isnan(a) && isnan(b);
	return fabs(a - b) <= rel * (1.0 + fabs(b));
}

/*
 * A fit that must succeed: the checks that follow need its model, so a
 * failure ends the program (with the tally line) instead of crashing.
 */
static void
require_ok(FcStatus st, const char *what)
{
	CHECK(st == FC_OK, "%s: status %d", what, (int) st);
	if (st != FC_OK)
	{
		printf("stopping: no model to test\n");
		printf("%d passed, %d failed\n", n_pass, n_fail);
		exit(1);
	}
}

/* ------------------------------------------------------------------ */
/* reference implementation, straight from the description in knn.h */

typedef struct RefCand
{
	double		dist;
	double		mean;
	int			end;
} RefCand;

static double
ref_mean(const double *x, int m)
{
	double		s = 0.0;
	int			i;

	for (i = 0; i < m; i++)
		s += x[i];
	return s / m;
}

/*
 * Multiplicative when every value is >= 0 and every cycle that ends a
 * multiple of m before the end has a positive mean.
 */
static bool
ref_multiplicative(const double *x, int n, int m)
{
	int			i,
				e;

	for (i = 0; i < n; i++)
		if (x[i] < 0.0)
			return false;
	for (e = n; e - m >= 0; e -= m)
		if (!(ref_mean(x + e - m, m) > 0.0))
			return false;
	return true;
}

/* c should be ranked before d: nearer, or as near and more recent */
static bool
ref_before(const RefCand *c, const RefCand *d)
{
	if (c->dist < d->dist)
		return true;
	return c->dist == d->dist && c->end > d->end;
}

static int
ref_cmp_double(const void *a, const void *b)
{
	double		x = *(const double *) a,
				y = *(const double *) b;

	return (x > y) - (x < y);
}

/*
 * The median of v[0..n-1] (n >= 1; v is sorted in place): the middle value
 * of the sorted copy, or for an even n the mean of the middle two.
 */
static double
ref_median(double *v, int n)
{
	qsort(v, n, sizeof(double), ref_cmp_double);
	if (n % 2 == 1)
		return v[n / 2];
	return (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

/*
 * Forecasts out[0..h-1] from the data x[0..o-1], combining the neighbours'
 * normalised continuations by their median or (median false) their mean.
 */
static void
ref_path(const double *x, int o, int m, int k, bool mult, bool median, int h, double *out)
{
	static RefCand c[REF_MAXC];
	static double vals[REF_MAXC];
	double		q[REF_MAXM],
				qm = ref_mean(x + o - m, m);
	int			nc = 0,
				e,
				i,
				j;

	if (m > REF_MAXM || o / m > REF_MAXC)
	{
		printf("reference: sizes out of range\n");
		exit(2);
	}
	for (i = 0; i < m; i++)
		q[i] = mult ? x[o - m + i] / qm : x[o - m + i] - qm;
	/* candidates end just before e = o - m, o - 2m, ... while e >= m */
	for (e = o - m; e >= m; e -= m)
	{
		double		wm = ref_mean(x + e - m, m),
					d = 0.0;

		for (i = 0; i < m; i++)
		{
			double		s = mult ? x[e - m + i] / wm : x[e - m + i] - wm;

			d += (s - q[i]) * (s - q[i]);
		}
		c[nc].dist = d;
		c[nc].mean = wm;
		c[nc].end = e;
		nc++;
	}
	/* insertion sort: nearest first, ties the more recent first */
	for (i = 1; i < nc; i++)
	{
		RefCand t = c[i];

		for (j = i; j > 0 && ref_before(&t, &c[j - 1]); j--)
			c[j] = c[j - 1];
		c[j] = t;
	}
	for (j = 1; j <= h; j++)
	{
		double		s = 0.0;
		int			used = 0;

		for (i = 0; i < nc && used < k; i++)
		{
			if (c[i].end + j > o)
				continue;
			vals[used] = mult ? x[c[i].end + j - 1] / c[i].mean : x[c[i].end + j - 1] - c[i].mean;
			s += vals[used];
			used++;
		}
		if (used == 0)
		{
			out[j - 1] = out[j - 1 - m];
			continue;
		}
		/* the combined normalised value: s becomes the median or the mean */
		s = median ? ref_median(vals, used) : s / used;
		out[j - 1] = mult ? qm * s : qm + s;
	}
}

/*
 * In-sample errors of x[0..n-1] (resid, n values, NaN where none) and their
 * RMSE per step (sigma, m values); returns the number of origins.
 */
static int
ref_insample(const double *x, int n, int m, int k, bool mult, bool median, double *resid,
			 double *sigma)
{
	double		path[REF_MAXM],
				sum2[REF_MAXM];
	int			o,
				j,
				no = 0;

	for (j = 0; j < n; j++)
		resid[j] = NAN;
	for (j = 0; j < m; j++)
		sum2[j] = 0.0;
	for (o = n - m; o >= (k + 1) * m; o -= m)
	{
		ref_path(x, o, m, k, mult, median, m, path);
		for (j = 0; j < m; j++)
		{
			resid[o + j] = x[o + j] - path[j];
			sum2[j] += resid[o + j] * resid[o + j];
		}
		no++;
	}
	for (j = 0; j < m; j++)
		sigma[j] = sqrt(sum2[j] / no);
	return no;
}

/*
 * The choice of k (k argument FC_KNN_CHOOSE_K), as knn.h describes it:
 * among 1, 2, 3, 5 and 8, those the stored points x[0..nx-1] support
 * ((k + 2) m <= nx); all are scored on the same origins o = nx - m,
 * nx - 2m, ... down to (kmax + 1) m, kmax the largest of them, by the sum of
 * the absolute errors of their forecasts of the m points after o; the
 * smallest sum wins, the smaller k on a tie.  The forecasts combine the
 * neighbours as the fit will (median or mean).  sums (5 values, NaN for the
 * unusable) and *nusable, *norig receive the evidence.
 */
#define REF_NCHOICES 5
static const int ref_choices[REF_NCHOICES] = {1, 2, 3, 5, 8};

static int
ref_choose_k(const double *x, int nx, int m, bool mult, bool median, double *sums,
			 int *nusable, int *norig)
{
	double		path[REF_MAXM];
	int			nu = 0,
				kmax,
				o,
				c,
				j,
				best;

	for (c = 0; c < REF_NCHOICES; c++)
	{
		sums[c] = NAN;
		if ((ref_choices[c] + 2) * m <= nx)
		{
			nu = c + 1;
			sums[c] = 0.0;
		}
	}
	if (nu == 0)
	{
		printf("reference: no usable k\n");
		exit(2);
	}
	kmax = ref_choices[nu - 1];
	*nusable = nu;
	*norig = 0;
	for (o = nx - m; o >= (kmax + 1) * m; o -= m)
	{
		for (c = 0; c < nu; c++)
		{
			ref_path(x, o, m, ref_choices[c], mult, median, m, path);
			for (j = 0; j < m; j++)
				sums[c] += fabs(x[o + j] - path[j]);
		}
		(*norig)++;
	}
	best = 0;
	for (c = 1; c < nu; c++)
		if (sums[c] < sums[best])
			best = c;
	return ref_choices[best];
}

/* points fc_knn_fit keeps and works on: the last min(n, 100 m, 50000) */
static int
ref_stored(int n, int m)
{
	int			nx = n;

	if (nx > 100 * m)
		nx = 100 * m;
	if (nx > 50000)
		nx = 50000;
	return nx;
}

/* deterministic pseudo-random numbers in [0, 1) */
static unsigned int lcg_state;

static double
lcg(void)
{
	lcg_state = lcg_state * 1664525u + 1013904223u;
	return lcg_state / 4294967296.0;
}

/* a seasonal series of period m with a changing shape: positive or not */
static void
make_series(double *y, int n, int m, bool positive, unsigned int seed)
{
	int			t;

	lcg_state = seed;
	for (t = 0; t < n; t++)
	{
		double		phase = 2.0 * M_PI * (t % m) / m,
					shape = sin(phase) + 0.6 * ((t / m) % 3) * cos(2.0 * phase);

		if (positive)
			y[t] = (40.0 + 0.1 * t) * (1.0 + 0.4 * shape) + 8.0 * lcg();
		else
			y[t] = 3.0 * shape + 4.0 * (lcg() - 0.5) - 0.5;
	}
}

/* ------------------------------------------------------------------ */
/* 1. forecasts: hand-computed table and the reference */

static void
check_hand(void)
{
	/*
	 * m = 2, five cycles: (2 6) (3 5) (4 12) (7 9) (10 30).  Query (10 30),
	 * mean 20, shape (.5 1.5).  Candidates ending at e = 8 (7 9): mean 8,
	 * shape (.875 1.125), dist .28125; e = 6 (4 12): mean 8, (.5 1.5), 0;
	 * e = 4 (3 5): mean 4, (.75 1.25), .125; e = 2 (2 6): mean 4, (.5 1.5),
	 * 0.  Ranked: 6, 2 (tie: more recent first), 4, 8.
	 */
	static const double y[10] = {2, 6, 3, 5, 4, 12, 7, 9, 10, 30};

	/*
	 * k = 3: step 1: 20 (7/8 + 3/4 + 4/4) / 3 = 17.5; step 2: 20 (9/8 + 5/4
	 * + 12/4) / 3; step 3 (e <= 7: 6 2 4): 20 (10/8 + 4/4 + 7/4) / 3; step
	 * 4 (e <= 6): 20 (30/8 + 12/4 + 9/4) / 3 = 60; step 5 (e <= 5: 2 4): 20
	 * (7/4 + 10/4) / 2 = 42.5; step 6: 20 (9/4 + 30/4) / 2 = 97.5; step 7
	 * (e <= 3: 2): 20 * 10/4 = 50; step 8: 20 * 30/4 = 150; then none: the
	 * forecast two steps earlier.
	 */
	static const double hand3[12] = {17.5, 20 * 5.375 / 3, 20 * 4.0 / 3, 60, 42.5, 97.5,
	50, 150, 50, 150, 50, 150};

	/* k = 1: the nearest that reaches the step: 6 6 6 6 2 2 2 2 */
	static const double hand1[12] = {17.5, 22.5, 25, 75, 35, 45, 50, 150, 50, 150, 50, 150};

	/*
	 * In-sample (k = 3): the one origin o = 8 ((k + 1) m = 8); query (7 9),
	 * mean 8, shape (.875 1.125); candidates e = 6 (.5 1.5) .28125, e = 4
	 * (.75 1.25) .03125, e = 2 (.5 1.5) .28125.  Step 1: 8 (4/4 + 7/8 +
	 * 3/4) / 3 = 7, error 10 - 7 = 3; step 2: 8 (12/4 + 9/8 + 5/4) / 3 =
	 * 43/3, error 30 - 43/3 = 47/3.  So sigma = (3, 47/3).
	 */
	double		mean[12],
				lo[12],
				hi[12],
				ref[12],
				resid[10];
	FcKnnModel fit;
	int			j,
				ok;

	CHECK(fc_knn_min_length(2, 3) == 10 && fc_knn_min_length(24, 3) == 120, "min length");
	CHECK(ref_multiplicative(y, 10, 2), "hand series is multiplicative (reference)");

	require_ok(fc_knn_fit(y, 10, 2, 3, false, &fit, resid), "hand fit k=3");
	CHECK(fit.m == 2 && fit.k == 3 && fit.n == 10 && fit.nhist == 10 && fit.norigins == 1 &&
		  fit.multiplicative && !fit.median,
		  "hand fit fields: m %d k %d n %d nhist %d norigins %d mult %d median %d",
		  fit.m, fit.k, fit.n, fit.nhist, fit.norigins, (int) fit.multiplicative,
		  (int) fit.median);
	CHECK(close_to(fit.sigma[0], 3.0, 1e-13) && close_to(fit.sigma[1], 47.0 / 3, 1e-13),
		  "hand sigma %.15g %.15g", fit.sigma[0], fit.sigma[1]);
	ok = 1;
	for (j = 0; j < 8; j++)
		ok &= isnan(resid[j]);
	CHECK(ok && close_to(resid[8], 3.0, 1e-13) && close_to(resid[9], 47.0 / 3, 1e-13),
		  "hand residuals %g %g", resid[8], resid[9]);
	CHECK(fc_knn_forecast(&fit, 12, 0.95, mean, lo, hi) == FC_OK, "hand forecast k=3");
	ref_path(y, 10, 2, 3, true, false, 12, ref);
	for (j = 0; j < 12; j++)
	{
		CHECK(close_to(ref[j], hand3[j], 1e-13), "reference vs hand k=3 step %d: %.15g vs %.15g",
			  j + 1, ref[j], hand3[j]);
		CHECK(close_to(mean[j], hand3[j], 1e-12), "hand k=3 step %d: %.15g, expected %.15g",
			  j + 1, mean[j], hand3[j]);
	}
	/* 95% half-widths: 1.96 sigma_j sqrt(ceil(h / m)) */
	CHECK(close_to(hi[0] - mean[0], Z95 * 3.0, 1e-12) &&
		  close_to(mean[1] - lo[1], Z95 * 47.0 / 3, 1e-12) &&
		  close_to(hi[2] - mean[2], Z95 * 3.0 * sqrt(2.0), 1e-12) &&
		  close_to(hi[11] - mean[11], Z95 * 47.0 / 3 * sqrt(6.0), 1e-12),
		  "hand intervals %.15g %.15g %.15g %.15g", hi[0] - mean[0], mean[1] - lo[1],
		  hi[2] - mean[2], hi[11] - mean[11]);
	fc_knn_model_free(&fit);
	CHECK(fit.sigma == NULL && fit.hist == NULL, "model_free clears the pointers");

	require_ok(fc_knn_fit(y, 10, 2, 1, false, &fit, NULL), "hand fit k=1");
	CHECK(fit.norigins == 3, "hand k=1 norigins %d", fit.norigins);
	fc_knn_forecast(&fit, 12, 0.95, mean, lo, hi);
	ref_path(y, 10, 2, 1, true, false, 12, ref);
	for (j = 0; j < 12; j++)
	{
		CHECK(close_to(ref[j], hand1[j], 1e-13), "reference vs hand k=1 step %d", j + 1);
		CHECK(close_to(mean[j], hand1[j], 1e-12), "hand k=1 step %d: %.15g, expected %.15g",
			  j + 1, mean[j], hand1[j]);
	}
	fc_knn_model_free(&fit);

	/*
	 * A zero-mean cycle (0 0) at a multiple of m from the end makes the
	 * model additive even though no value is negative: (2 6) (0 0) (4 12)
	 * (7 9) (10 30).  Query (10 30) - 20 = (-10 10); e = 6: (4 12) - 8 =
	 * (-4 4), dist 72; e = 4: (0 0), 200; e = 2: (-2 2), 128; e = 8: (-1
	 * 1), 162.  Ranked 6, 2, 8, 4.  k = 1, step 1: 20 + (7 - 8) = 19.
	 */
	{
		static const double z[10] = {2, 6, 0, 0, 4, 12, 7, 9, 10, 30};

		CHECK(!ref_multiplicative(z, 10, 2), "zero-mean cycle: additive (reference)");
		require_ok(fc_knn_fit(z, 10, 2, 1, false, &fit, NULL), "zero-mean cycle fit");
		CHECK(!fit.multiplicative, "zero-mean cycle: additive model");
		fc_knn_forecast(&fit, 12, 0.9, mean, lo, hi);
		ref_path(z, 10, 2, 1, false, false, 12, ref);
		CHECK(close_to(mean[0], 19.0, 1e-13) && close_to(mean[1], 20 + (9 - 8), 1e-13),
			  "zero-mean cycle steps 1, 2: %.15g %.15g", mean[0], mean[1]);
		ok = 1;
		for (j = 0; j < 12; j++)
			ok &= close_to(mean[j], ref[j], 1e-12);
		CHECK(ok, "zero-mean cycle vs reference");
		fc_knn_model_free(&fit);
	}
}

/*
 * The median combination by hand, on the series of check_hand: m = 2, the
 * final query (10 30) with mean 20, its candidates ranked e = 6, 2, 4, 8
 * with means 8, 4, 4, 8.
 */
static void
check_hand_median(void)
{
	static const double y[10] = {2, 6, 3, 5, 4, 12, 7, 9, 10, 30};

	/*
	 * k = 3: step 1: 7/8, 3/4, 4/4: median 7/8, 20 * 7/8 = 17.5 (the mean
	 * too); step 2: 9/8, 5/4 and the outlying 12/4: median 5/4, 25, where
	 * the mean gives 20 * 5.375 / 3 = 35.8; step 3 (e <= 7: 6 2 4): 10/8,
	 * 4/4, 7/4: 25 (mean 26.7); step 4: 30/8, 12/4, 9/4: 60; step 5 (e <=
	 * 5: 2 4, an even count): 7/4 and 10/4, their mean 2.125, 42.5; step 6:
	 * 9/4 and 30/4: 97.5; step 7 (2 alone): 50; step 8: 150; then the
	 * forecast two steps earlier.
	 */
	static const double med3[12] = {17.5, 25, 25, 60, 42.5, 97.5, 50, 150, 50, 150, 50, 150};

	/*
	 * k = 2: the median of two is their mean.  Step 1 (6 2): (7/8 + 3/4) / 2
	 * = 13/16, 16.25; step 2: (9/8 + 5/4) / 2 = 19/16, 23.75; step 3 (6 2):
	 * (10/8 + 4/4) / 2, 22.5; step 4 (6 2): (30/8 + 12/4) / 2, 67.5; step 5
	 * (2 4): 42.5; step 6: 97.5; step 7 (2): 50; step 8: 150.
	 */
	static const double med2[12] = {16.25, 23.75, 22.5, 67.5, 42.5, 97.5, 50, 150, 50, 150, 50,
	150};

	/*
	 * Additive (the zero-mean cycle of check_hand), k = 3: ranked 6, 2, 8, 4
	 * with means 8, 4, 8, 0.  Step 1: 7 - 8, 0 - 4, 10 - 8: median -1, 19
	 * (the mean too); step 2: 9 - 8, 0 - 4 and the outlying 30 - 8: median
	 * 1, 21 (mean 26.3); step 3 (e <= 7: 6 2 4): 10 - 8, 4 - 4, 7 - 0:
	 * median 2, 22 (mean 23).
	 */
	static const double z[10] = {2, 6, 0, 0, 4, 12, 7, 9, 10, 30};
	static const double zmed3[3] = {19, 21, 22};
	double		mean[12],
				lo[12],
				hi[12],
				ref[12],
				resid[10],
				m2[12],
				l2[12],
				h2[12],
				r2[10];
	FcKnnModel fit,
				avg;
	int			j,
				ok;

	/*
	 * In-sample, k = 3: the one origin o = 8, query (7 9) with mean 8,
	 * candidates ranked e = 4 (3 5, mean 4), then the tie e = 6 (4 12, mean
	 * 8) before e = 2 (2 6, mean 4).  Step 1: 4/4, 7/8, 3/4: median 7/8, 7,
	 * error 10 - 7 = 3; step 2: 12/4, 9/8, 5/4: median 5/4, 10, error 20
	 * (the mean's was 47/3).  So sigma = (3, 20).
	 */
	require_ok(fc_knn_fit(y, 10, 2, 3, true, &fit, resid), "hand median fit k=3");
	CHECK(fit.m == 2 && fit.k == 3 && fit.n == 10 && fit.nhist == 10 && fit.norigins == 1 &&
		  fit.multiplicative && fit.median,
		  "hand median fit fields: m %d k %d n %d nhist %d norigins %d mult %d median %d",
		  fit.m, fit.k, fit.n, fit.nhist, fit.norigins, (int) fit.multiplicative,
		  (int) fit.median);
	CHECK(close_to(fit.sigma[0], 3.0, 1e-13) && close_to(fit.sigma[1], 20.0, 1e-13),
		  "hand median sigma %.15g %.15g", fit.sigma[0], fit.sigma[1]);
	ok = 1;
	for (j = 0; j < 8; j++)
		ok &= isnan(resid[j]);
	CHECK(ok && close_to(resid[8], 3.0, 1e-13) && close_to(resid[9], 20.0, 1e-13),
		  "hand median residuals %g %g", resid[8], resid[9]);
	CHECK(fc_knn_forecast(&fit, 12, 0.95, mean, lo, hi) == FC_OK, "hand median forecast k=3");
	ref_path(y, 10, 2, 3, true, true, 12, ref);
	for (j = 0; j < 12; j++)
	{
		CHECK(close_to(ref[j], med3[j], 1e-13),
			  "reference vs hand median k=3 step %d: %.15g vs %.15g", j + 1, ref[j], med3[j]);
		CHECK(close_to(mean[j], med3[j], 1e-12), "hand median k=3 step %d: %.15g, expected %.15g",
			  j + 1, mean[j], med3[j]);
	}
	/* the intervals use the median's own sigma: 1.96 sigma_j sqrt(ceil(h / m)) */
	CHECK(close_to(hi[1] - mean[1], Z95 * 20.0, 1e-12) &&
		  close_to(mean[3] - lo[3], Z95 * 20.0 * sqrt(2.0), 1e-12) &&
		  close_to(hi[4] - mean[4], Z95 * 3.0 * sqrt(3.0), 1e-12),
		  "hand median intervals %.15g %.15g %.15g", hi[1] - mean[1], mean[3] - lo[3],
		  hi[4] - mean[4]);
	/* and the mean model of the same data really differs (steps 2 and 3) */
	require_ok(fc_knn_fit(y, 10, 2, 3, false, &avg, NULL), "hand mean fit k=3");
	fc_knn_forecast(&avg, 12, 0.95, m2, l2, h2);
	CHECK(close_to(m2[1], 20 * 5.375 / 3, 1e-12) && fabs(m2[1] - mean[1]) > 10.0 &&
		  fabs(m2[2] - mean[2]) > 1.0 && close_to(avg.sigma[1], 47.0 / 3, 1e-13),
		  "hand mean vs median k=3: step 2 %.15g vs %.15g", m2[1], mean[1]);
	fc_knn_model_free(&avg);
	fc_knn_model_free(&fit);

	/*
	 * In-sample, k = 2: origins 8 and 6.  o = 8 (ranked 4, 6): step 1 (4/4
	 * + 7/8) / 2 = 15/16, 7.5, error 2.5; step 2 (12/4 + 9/8) / 2 = 33/16,
	 * 16.5, error 13.5.  o = 6: query (4 12), mean 8, shape (.5 1.5);
	 * e = 2 (2 6) is at distance 0, e = 4 (3 5) at .125.  Step 1: (3/4 +
	 * 4/4) / 2 = 7/8, 7, error 0; step 2: (5/4 + 12/4) / 2 = 17/8, 17,
	 * error -8.  sigma = (sqrt(2.5^2 / 2), sqrt((8^2 + 13.5^2) / 2)).
	 */
	require_ok(fc_knn_fit(y, 10, 2, 2, true, &fit, resid), "hand median fit k=2");
	CHECK(fit.k == 2 && fit.norigins == 2 && fit.median, "hand median k=2: k %d norigins %d",
		  fit.k, fit.norigins);
	CHECK(close_to(fit.sigma[0], sqrt(3.125), 1e-13) &&
		  close_to(fit.sigma[1], sqrt(123.125), 1e-13),
		  "hand median k=2 sigma %.15g %.15g", fit.sigma[0], fit.sigma[1]);
	ok = 1;
	for (j = 0; j < 6; j++)
		ok &= isnan(resid[j]);
	CHECK(ok && resid[6] == 0.0 && close_to(resid[7], -8.0, 1e-13) &&
		  close_to(resid[8], 2.5, 1e-13) && close_to(resid[9], 13.5, 1e-13),
		  "hand median k=2 residuals %g %g %g %g", resid[6], resid[7], resid[8], resid[9]);
	fc_knn_forecast(&fit, 12, 0.95, mean, lo, hi);
	ref_path(y, 10, 2, 2, true, true, 12, ref);
	for (j = 0; j < 12; j++)
	{
		CHECK(close_to(ref[j], med2[j], 1e-13),
			  "reference vs hand median k=2 step %d: %.15g vs %.15g", j + 1, ref[j], med2[j]);
		CHECK(close_to(mean[j], med2[j], 1e-12), "hand median k=2 step %d: %.15g, expected %.15g",
			  j + 1, mean[j], med2[j]);
	}
	/* with two neighbours the median is the mean: the mean model is the same */
	require_ok(fc_knn_fit(y, 10, 2, 2, false, &avg, r2), "hand mean fit k=2");
	fc_knn_forecast(&avg, 12, 0.95, m2, l2, h2);
	CHECK(!avg.median && memcmp(avg.sigma, fit.sigma, sizeof(double) * 2) == 0 &&
		  memcmp(m2, mean, sizeof m2) == 0 && memcmp(l2, lo, sizeof l2) == 0 &&
		  memcmp(h2, hi, sizeof h2) == 0 && memcmp(r2, resid, sizeof r2) == 0,
		  "hand k=2: median and mean models differ");
	fc_knn_model_free(&avg);
	fc_knn_model_free(&fit);

	/* additive, k = 3 */
	CHECK(!ref_multiplicative(z, 10, 2), "zero-mean cycle: additive (reference)");
	require_ok(fc_knn_fit(z, 10, 2, 3, true, &fit, NULL), "zero-mean cycle median fit");
	CHECK(!fit.multiplicative && fit.median, "zero-mean cycle median: additive median model");
	fc_knn_forecast(&fit, 12, 0.9, mean, lo, hi);
	ref_path(z, 10, 2, 3, false, true, 12, ref);
	CHECK(close_to(mean[0], zmed3[0], 1e-13) && close_to(mean[1], zmed3[1], 1e-13) &&
		  close_to(mean[2], zmed3[2], 1e-13),
		  "zero-mean cycle median steps 1..3: %.15g %.15g %.15g", mean[0], mean[1], mean[2]);
	ok = 1;
	for (j = 0; j < 12; j++)
		ok &= close_to(mean[j], ref[j], 1e-12);
	CHECK(ok, "zero-mean cycle median vs reference");
	fc_knn_model_free(&fit);
}

/*
 * Fit y[0..n-1] (k = kfit, neighbours combined by median or mean) and
 * compare forecasts (h steps), residuals, sigma and the model's fields with
 * the reference (k neighbours, the same combination) run on the stored
 * last nhist points.
 */
static void
check_against_reference_k(const char *what0, const double *y, int n, int m, int kfit, int k,
						  bool median, int h, int expect_mult)
{
	char		what[160];
	double	   *mean = malloc(sizeof(double) * h),
			   *lo = malloc(sizeof(double) * h),
			   *hi = malloc(sizeof(double) * h),
			   *ref = malloc(sizeof(double) * h),
			   *resid = malloc(sizeof(double) * n),
			   *rres = malloc(sizeof(double) * n);
	double		rsig[REF_MAXM];
	int			nx = n < 100 * m ? n : 100 * m,
				start = n - nx,
				no,
				first,
				nfin = 0,
				bad = 0,
				j;
	bool		mult = ref_multiplicative(y + start, nx, m);
	FcKnnModel fit;

	snprintf(what, sizeof what, "%s, %s", what0, median ? "median" : "mean");
	CHECK(expect_mult < 0 || mult == (expect_mult != 0), "%s: reference mode %d", what, (int) mult);
	require_ok(fc_knn_fit(y, n, m, kfit, median, &fit, resid), what);
	no = ref_insample(y + start, nx, m, k, mult, median, rres + start, rsig);
	for (j = 0; j < start; j++)
		rres[j] = NAN;
	/* the first origin: the smallest nx - i m >= (k + 1) m */
	first = nx - m;
	while (first - m >= (k + 1) * m)
		first -= m;
	CHECK(fit.m == m && fit.k == k && fit.n == n && fit.nhist == nx && fit.norigins == no &&
		  fit.multiplicative == mult && fit.median == median,
		  "%s: fields m %d k %d n %d nhist %d (expected %d) norigins %d (expected %d) mult %d "
		  "median %d", what, fit.m, fit.k, fit.n, fit.nhist, nx, fit.norigins, no,
		  (int) fit.multiplicative, (int) fit.median);
	CHECK(memcmp(fit.hist, y + start, sizeof(double) * nx) == 0, "%s: stored history", what);
	for (j = 0; j < m; j++)
		if (!close_to(fit.sigma[j], rsig[j], 1e-12))
			bad++;
	CHECK(bad == 0, "%s: sigma differs from the reference at %d steps", what, bad);

	/* 4. residuals: NaN before the first origin, finite from there */
	bad = 0;
	for (j = 0; j < n; j++)
	{
		if (j < start + first ? !isnan(resid[j]) : !isfinite(resid[j]))
			bad++;
		if (isfinite(resid[j]))
			nfin++;
		if (!close_to(resid[j], rres[j], 1e-12))
			bad++;
	}
	CHECK(bad == 0, "%s: %d residuals wrong (first origin %d)", what, bad, start + first);
	CHECK(nfin == no * m && nfin == fit.norigins * m, "%s: %d finite residuals, %d origins",
		  what, nfin, fit.norigins);

	CHECK(fc_knn_forecast(&fit, h, 0.95, mean, lo, hi) == FC_OK, "%s: forecast", what);
	ref_path(y + start, nx, m, k, mult, median, h, ref);
	bad = 0;
	for (j = 0; j < h; j++)
		if (!close_to(mean[j], ref[j], 1e-12))
		{
			if (bad++ < 3)
				printf("  %s step %d: %.15g, reference %.15g\n", what, j + 1, mean[j], ref[j]);
		}
	CHECK(bad == 0, "%s: %d of %d forecasts differ from the reference", what, bad, h);
	/* beyond nx - m the forecasts repeat with period m */
	if (h > nx)
	{
		bad = 0;
		for (j = nx; j < h; j++)
			if (mean[j] != mean[j - m])
				bad++;
		CHECK(bad == 0, "%s: repeat beyond the history", what);
	}
	/* intervals: z sigma_j sqrt(ceil(h / m)) with the reference's sigma */
	bad = 0;
	for (j = 0; j < h; j++)
	{
		double		hw = Z95 * rsig[j % m] * sqrt((double) (j / m + 1));

		if (!close_to(hi[j] - mean[j], hw, 1e-10) || !close_to(mean[j] - lo[j], hw, 1e-10))
			bad++;
	}
	CHECK(bad == 0, "%s: %d interval bounds differ", what, bad);
	fc_knn_model_free(&fit);
	free(mean);
	free(lo);
	free(hi);
	free(ref);
	free(resid);
	free(rres);
}

/*
 * The same with k given to fc_knn_fit (kfit) and to the reference (k) as
 * one (check_against_reference_k also serves FC_KNN_CHOOSE_K fits, with k
 * the reference's choice), for the mean and for the median.  Then the two
 * side by side: with one or two neighbours the median is the mean, so the
 * models must agree exactly; with more, on these noisy series, forecasts
 * and sigma must differ somewhere, or the median comparison above would
 * have proved nothing the mean's had not.
 */
static void
check_against_reference(const char *what, const double *y, int n, int m, int k, int h,
						int expect_mult)
{
	double	   *mm = malloc(sizeof(double) * h),
			   *md = malloc(sizeof(double) * h),
			   *lo = malloc(sizeof(double) * h),
			   *hi = malloc(sizeof(double) * h),
			   *rm = malloc(sizeof(double) * n),
			   *rd = malloc(sizeof(double) * n);
	FcKnnModel avg,
				med;
	int			ndiff = 0,
				sdiff = 0,
				rdiff = 0,
				j;

	check_against_reference_k(what, y, n, m, k, k, false, h, expect_mult);
	check_against_reference_k(what, y, n, m, k, k, true, h, expect_mult);

	require_ok(fc_knn_fit(y, n, m, k, false, &avg, rm), what);
	require_ok(fc_knn_fit(y, n, m, k, true, &med, rd), what);
	fc_knn_forecast(&avg, h, 0.95, mm, lo, hi);
	fc_knn_forecast(&med, h, 0.95, md, lo, hi);
	for (j = 0; j < h; j++)
		ndiff += !close_to(mm[j], md[j], 0.0);
	for (j = 0; j < m; j++)
		sdiff += !close_to(avg.sigma[j], med.sigma[j], 0.0);
	for (j = 0; j < n; j++)
		rdiff += !close_to(rm[j], rd[j], 0.0);
	if (k <= 2)
		CHECK(ndiff == 0 && sdiff == 0 && rdiff == 0,
			  "%s: k = %d, median and mean differ (%d forecasts, %d sigma, %d residuals)",
			  what, k, ndiff, sdiff, rdiff);
	else
		CHECK(ndiff > 0 && sdiff > 0 && rdiff > 0,
			  "%s: k = %d, median and mean agree (%d forecasts, %d sigma, %d residuals differ)",
			  what, k, ndiff, sdiff, rdiff);
	fc_knn_model_free(&avg);
	fc_knn_model_free(&med);
	free(mm);
	free(md);
	free(lo);
	free(hi);
	free(rm);
	free(rd);
}

static void
check_reference(void)
{
	static double y[600];
	int			t;

	/* n = 200 (not a multiple of 7), h = 250 > n - m: the repeat rule */
	make_series(y, 200, 7, true, 12345u);
	check_against_reference("positive m=7 k=3", y, 200, 7, 3, 250, 1);
	check_against_reference("positive m=7 k=1", y, 200, 7, 1, 250, 1);
	check_against_reference("positive m=7 k=5", y, 200, 7, 5, 250, 1);
	make_series(y, 200, 7, false, 777u);
	{
		int			neg = 0;

		for (t = 0; t < 200; t++)
			neg += y[t] < 0;
		CHECK(neg > 20, "additive series has %d negative values", neg);
	}
	check_against_reference("signed m=7 k=3", y, 200, 7, 3, 250, 0);
	check_against_reference("signed m=7 k=4", y, 200, 7, 4, 250, 0);
	/* a multiple of m, and an exact minimum length */
	make_series(y, 196, 7, true, 99u);
	check_against_reference("positive n=196", y, 196, 7, 3, 250, 1);
	check_against_reference("positive n=35 (minimum)", y, 35, 7, 3, 40, 1);
	make_series(y, 48, 12, false, 5u);
	check_against_reference("signed m=12 n=48", y, 48, 12, 2, 60, 0);

	/*
	 * 7. longer than FC_KNN_MAX_CYCLES m: only the last 200 of 500 points
	 * (m = 2) count; a negative value among the dropped ones leaves the
	 * model multiplicative.
	 */
	make_series(y, 500, 2, true, 4242u);
	y[10] = -5.0;
	check_against_reference("m=2 n=500 (truncated)", y, 500, 2, 3, 260, 1);
	make_series(y, 500, 3, false, 31u);
	check_against_reference("m=3 n=500 signed (truncated)", y, 500, 3, 3, 320, 0);
}

/* ------------------------------------------------------------------ */
/* 2, 3. prefix stability and intervals */

static void
check_properties(void)
{
	static double y[200];
	double		m5[5],
				l5[5],
				h5[5],
				m30[30],
				l30[30],
				h30[30],
				m30b[30],
				l80[30],
				h80[30];
	FcKnnModel fit;
	int			j,
				bad,
				pass;

	/* passes 0, 1: mean (positive, signed); 2, 3: median, the same series */
	for (pass = 0; pass < 4; pass++)
	{
		make_series(y, 200, 7, pass % 2 == 0, 2024u + pass % 2);
		require_ok(fc_knn_fit(y, 200, 7, 3, pass >= 2, &fit, NULL), "properties fit");
		CHECK(fit.multiplicative == (pass % 2 == 0) && fit.median == (pass >= 2),
			  "properties mode %d", pass);
		fc_knn_forecast(&fit, 5, 0.95, m5, l5, h5);
		fc_knn_forecast(&fit, 30, 0.95, m30, l30, h30);
		CHECK(memcmp(m5, m30, sizeof m5) == 0 && memcmp(l5, l30, sizeof l5) == 0 &&
			  memcmp(h5, h30, sizeof h5) == 0, "prefix: h=5 is the start of h=30 (%d)", pass);
		fc_knn_forecast(&fit, 30, 0.8, m30b, l80, h80);
		CHECK(memcmp(m30, m30b, sizeof m30) == 0, "level does not change the mean (%d)", pass);
		bad = 0;
		for (j = 0; j < 30; j++)
		{
			double		w95 = h30[j] - m30[j];

			/* symmetric */
			if (!close_to(h30[j] - m30[j], m30[j] - l30[j], 1e-12) ||
				!close_to(h80[j] - m30[j], m30[j] - l80[j], 1e-12))
				bad++;
			/* 0.8 narrower than 0.95, by z80 / z95 */
			if (!(h80[j] - l80[j] < h30[j] - l30[j]) ||
				!close_to((h80[j] - m30[j]) / w95, Z80 / Z95, 1e-10))
				bad++;
			/* step j + m: sqrt(2) times step j (j <= m); 2m: sqrt(3) */
			if (j < 7 && (!close_to((h30[j + 7] - m30[j + 7]) / w95, sqrt(2.0), 1e-12) ||
						  !close_to((h30[j + 14] - m30[j + 14]) / w95, sqrt(3.0), 1e-12)))
				bad++;
			/* step j: z95 sigma_j sqrt(ceil(j / m)) */
			if (!close_to(w95, Z95 * fit.sigma[j % 7] * sqrt((double) (j / 7 + 1)), 1e-12))
				bad++;
		}
		CHECK(bad == 0, "interval properties: %d failures (%d)", bad, pass);
		fc_knn_model_free(&fit);
	}
}

/* ------------------------------------------------------------------ */
/* 5. bad input */

static void
check_bad_input(void)
{
	static double y[100];
	double		mean[4],
				lo[4],
				hi[4],
				resid[100];
	FcKnnModel fit;
	static const double badlevel[] = {0.0, 1.0, -0.5, 1.5, NAN};
	int			i;

	make_series(y, 100, 4, true, 8u);
	CHECK(fc_knn_fit(y, 100, 1, 3, false, &fit, NULL) == FC_ERR_BAD_ARGUMENT, "m=1");
	CHECK(fc_knn_fit(y, 100, 0, 3, false, &fit, NULL) == FC_ERR_BAD_ARGUMENT, "m=0");
	CHECK(fc_knn_fit(y, 100, -2, 3, false, &fit, NULL) == FC_ERR_BAD_ARGUMENT, "m=-2");
	CHECK(fc_knn_fit(y, 100, 4, -1, false, &fit, NULL) == FC_ERR_BAD_ARGUMENT,
		  "k=-1 (0 is FC_KNN_CHOOSE_K)");
	CHECK(fc_knn_fit(y, 100, 2, FC_KNN_MAX_K + 1, false, &fit, NULL) == FC_ERR_BAD_ARGUMENT,
		  "k > max");
	CHECK(fc_knn_fit(NULL, 100, 4, 3, false, &fit, NULL) == FC_ERR_BAD_ARGUMENT, "y NULL");
	CHECK(fit.sigma == NULL && fit.hist == NULL, "failed fit leaves no memory");
	/* the median changes none of the argument checks */
	CHECK(fc_knn_fit(y, 100, 1, 3, true, &fit, NULL) == FC_ERR_BAD_ARGUMENT, "median m=1");
	CHECK(fc_knn_fit(y, 100, 4, -1, true, &fit, NULL) == FC_ERR_BAD_ARGUMENT, "median k=-1");
	CHECK(fc_knn_fit(y, 100, 2, FC_KNN_MAX_K + 1, true, &fit, NULL) == FC_ERR_BAD_ARGUMENT,
		  "median k > max");
	CHECK(fc_knn_fit(NULL, 100, 4, 3, true, &fit, NULL) == FC_ERR_BAD_ARGUMENT, "median y NULL");
	CHECK(fc_knn_fit(y, 19, 4, 3, true, &fit, NULL) == FC_ERR_TOO_SHORT, "median n=19 m=4 k=3");
	CHECK(fc_knn_fit(y, 34, 7, FC_KNN_CHOOSE_K, true, &fit, NULL) == FC_ERR_TOO_SHORT,
		  "median choose n=34 m=7");
	CHECK(fit.sigma == NULL && fit.hist == NULL, "failed median fit leaves no memory");
	/* k = FC_KNN_MAX_K itself is accepted: m = 2 needs 104 points */
	CHECK(fc_knn_fit(y, 100, 2, FC_KNN_MAX_K, false, &fit, NULL) == FC_ERR_TOO_SHORT,
		  "k = max, n = 100");
	{
		static double yy[104];

		make_series(yy, 104, 2, true, 9u);
		require_ok(fc_knn_fit(yy, 104, 2, FC_KNN_MAX_K, false, &fit, NULL), "k = max, n = 104");
		CHECK(fit.norigins == 1, "k = max, n = 104: norigins %d", fit.norigins);
		fc_knn_model_free(&fit);
	}
	/* too short: n < (k + 2) m; exactly (k + 2) m is enough */
	CHECK(fc_knn_fit(y, 19, 4, 3, false, &fit, NULL) == FC_ERR_TOO_SHORT, "n=19 m=4 k=3");
	CHECK(fc_knn_fit(y, 0, 4, 3, false, &fit, NULL) == FC_ERR_TOO_SHORT, "n=0");
	require_ok(fc_knn_fit(y, 20, 4, 3, false, &fit, resid), "n=20 m=4 k=3");
	CHECK(fit.norigins == 1, "n=20 m=4 k=3: norigins %d", fit.norigins);
	fc_knn_model_free(&fit);
	CHECK(fc_knn_fit(y, 11, 2, 4, false, &fit, NULL) == FC_ERR_TOO_SHORT, "n=11 m=2 k=4");
	/* non-finite values anywhere, also in the part that would be dropped */
	y[50] = NAN;
	CHECK(fc_knn_fit(y, 100, 4, 3, false, &fit, NULL) == FC_ERR_NONFINITE, "NaN");
	y[50] = INFINITY;
	CHECK(fc_knn_fit(y, 100, 4, 3, false, &fit, NULL) == FC_ERR_NONFINITE, "Inf");
	y[50] = -INFINITY;
	CHECK(fc_knn_fit(y, 100, 4, 3, false, &fit, NULL) == FC_ERR_NONFINITE, "-Inf");
	y[50] = 3.0;
	y[99] = NAN;
	CHECK(fc_knn_fit(y, 100, 4, 3, false, &fit, NULL) == FC_ERR_NONFINITE, "NaN last");
	y[99] = 3.0;
	y[7] = INFINITY;
	CHECK(fc_knn_fit(y, 100, 4, 3, true, &fit, NULL) == FC_ERR_NONFINITE, "median Inf");
	y[7] = 3.0;
	{
		static double yl[500];

		make_series(yl, 500, 2, true, 10u);
		yl[0] = NAN;
		CHECK(fc_knn_fit(yl, 500, 2, 3, false, &fit, NULL) == FC_ERR_NONFINITE,
			  "NaN before the stored part");
	}

	/* forecast arguments */
	require_ok(fc_knn_fit(y, 100, 4, 3, false, &fit, NULL), "fit for forecast arguments");
	CHECK(fc_knn_forecast(&fit, 0, 0.95, mean, lo, hi) == FC_ERR_BAD_ARGUMENT, "h=0");
	CHECK(fc_knn_forecast(&fit, -3, 0.95, mean, lo, hi) == FC_ERR_BAD_ARGUMENT, "h=-3");
	for (i = 0; i < (int) (sizeof badlevel / sizeof badlevel[0]); i++)
		CHECK(fc_knn_forecast(&fit, 4, badlevel[i], mean, lo, hi) == FC_ERR_BAD_ARGUMENT,
			  "level %g", badlevel[i]);
	CHECK(fc_knn_forecast(&fit, 4, 0.5, mean, lo, hi) == FC_OK, "level 0.5");
	fc_knn_model_free(&fit);
}

/* ------------------------------------------------------------------ */
/* 6. flat storage */

/*
 * A version 2 packed model assembled field by field (median: slot 8, any
 * value, to forge bad ones); returns its length.
 */
static int
build_med(double *dst, int m, int k, int mult, double median, int n, int nhist, int norigins,
		  const double *sigma, const double *hist)
{
	dst[0] = 566.0;
	dst[1] = 2.0;
	dst[2] = m;
	dst[3] = k;
	dst[4] = mult;
	dst[5] = n;
	dst[6] = nhist;
	dst[7] = norigins;
	dst[8] = median;
	memcpy(dst + HDR, sigma, sizeof(double) * m);
	memcpy(dst + HDR + m, hist, sizeof(double) * nhist);
	return HDR + m + nhist;
}

/* the same for a mean model: most forgeries are wrong elsewhere */
static int
build(double *dst, int m, int k, int mult, int n, int nhist, int norigins,
	  const double *sigma, const double *hist)
{
	return build_med(dst, m, k, mult, 0.0, n, nhist, norigins, sigma, hist);
}

/*
 * The version 1 form of a version 2 pack src[0..len-1] (the layout before
 * the median slot: slot 8 dropped, the rest moved down one, version 1);
 * returns its length.
 */
static int
to_v1(const double *src, int len, double *dst)
{
	memcpy(dst, src, sizeof(double) * HDR_V1);
	dst[1] = 1.0;
	memcpy(dst + HDR_V1, src + HDR, sizeof(double) * (len - HDR));
	return len - 1;
}

/* FC_OK expected: unpack, compare, free */
static bool
accepts(const double *buf, int len)
{
	FcKnnModel b;

	if (fc_knn_unpack(buf, len, &b) != FC_OK)
		return false;
	fc_knn_model_free(&b);
	return true;
}

static bool
rejects(const double *buf, int len)
{
	FcKnnModel b;

	if (fc_knn_unpack(buf, len, &b) == FC_ERR_BAD_ARGUMENT)
		return b.sigma == NULL && b.hist == NULL;
	if (b.sigma)
		fc_knn_model_free(&b);
	return false;
}

/*
 * The median slot and version 1 packs, on the fit of y[0..n-1] (k = 3)
 * packed in buf[0..len-1].
 */
static void
check_storage_versions(const FcKnnModel *fit, const double *y, int n, const double *buf,
					   int len, int pass)
{
	static double f[1000],
				v1[1000];
	static const double badflag[] = {2.0, 0.5, NAN, -1.0, INFINITY, -INFINITY, 1e-300};
	double		m1[40],
				l1[40],
				h1[40],
				m2[40],
				l2[40],
				h2[40],
				om[40],
				ol[40],
				oh[40];
	FcKnnModel back,
				other;
	int			m = fit->m,
				v1len,
				i,
				bad;

	fc_knn_forecast(fit, 40, 0.9, m1, l1, h1);

	/* slot 8: 0 or 1 only */
	memcpy(f, buf, sizeof(double) * len);
	for (i = 0; i < (int) (sizeof badflag / sizeof badflag[0]); i++)
	{
		f[8] = badflag[i];
		CHECK(rejects(f, len), "median flag %g (%d)", badflag[i], pass);
	}

	/*
	 * The other flag is accepted and obeyed: the forecasts are those of the
	 * fit with the other combination (same history and k; the intervals,
	 * from the stored sigma, are this fit's).
	 */
	f[8] = fit->median ? 0.0 : 1.0;
	require_ok(fc_knn_unpack(f, len, &back), "flipped median flag");
	require_ok(fc_knn_fit(y, n, m, 3, !fit->median, &other, NULL), "other combination");
	CHECK(back.median == !fit->median && other.k == 3 && other.nhist == back.nhist &&
		  fc_knn_packed_median(f, len) == !fit->median,
		  "flipped median flag (%d): median %d", pass, (int) back.median);
	fc_knn_forecast(&back, 40, 0.9, m2, l2, h2);
	bad = 0;
	for (i = 0; i < 40; i++)
		bad += !close_to(h2[i] - m2[i], h1[i] - m1[i], 1e-12);
	fc_knn_forecast(&other, 40, 0.9, om, ol, oh);
	CHECK(memcmp(m2, om, sizeof m2) == 0 && memcmp(m2, m1, sizeof m2) != 0 && bad == 0,
		  "flipped median flag (%d): forecasts are not those of the other combination", pass);
	fc_knn_model_free(&back);
	fc_knn_model_free(&other);

	/*
	 * Version 1: the same model without slot 8 unpacks as a mean model with
	 * every other field as stored.  From a mean model that is the model
	 * itself, forecasts bit for bit; from a median model, the mean's
	 * forecasts with the median fit's sigma.
	 */
	v1len = to_v1(buf, len, v1);
	CHECK(v1len == HDR_V1 + m + fit->nhist && v1[1] == 1.0 && v1[7] == fit->norigins &&
		  v1[HDR_V1] == fit->sigma[0], "version 1 layout (%d)", pass);
	CHECK(!fc_knn_packed_median(v1, v1len), "packed_median of version 1 (%d)", pass);
	require_ok(fc_knn_unpack(v1, v1len, &back), "version 1 unpack");
	CHECK(!back.median && back.m == fit->m && back.k == fit->k && back.n == fit->n &&
		  back.nhist == fit->nhist && back.norigins == fit->norigins &&
		  back.multiplicative == fit->multiplicative &&
		  memcmp(back.sigma, fit->sigma, sizeof(double) * m) == 0 &&
		  memcmp(back.hist, fit->hist, sizeof(double) * fit->nhist) == 0,
		  "version 1 fields (%d): median %d", pass, (int) back.median);
	fc_knn_forecast(&back, 40, 0.9, m2, l2, h2);
	if (!fit->median)
		CHECK(memcmp(m1, m2, sizeof m1) == 0 && memcmp(l1, l2, sizeof l1) == 0 &&
			  memcmp(h1, h2, sizeof h1) == 0,
			  "version 1 forecasts like the mean model (%d)", pass);
	else
	{
		require_ok(fc_knn_fit(y, n, m, 3, false, &other, NULL), "mean fit");
		fc_knn_forecast(&other, 40, 0.9, om, ol, oh);
		bad = 0;
		for (i = 0; i < 40; i++)
			bad += !close_to(h2[i] - m2[i], h1[i] - m1[i], 1e-12);
		CHECK(memcmp(m2, om, sizeof m2) == 0 && memcmp(m2, m1, sizeof m2) != 0 && bad == 0,
			  "version 1 of a median model forecasts the mean (%d)", pass);
		fc_knn_model_free(&other);
	}
	fc_knn_model_free(&back);

	/* version 1 packs are validated like version 2 ones */
	CHECK(rejects(v1, v1len - 1), "version 1 length - 1 (%d)", pass);
	v1[v1len] = 1.0;
	CHECK(rejects(v1, v1len + 1), "version 1 length + 1 (%d)", pass);
	memcpy(f, v1, sizeof(double) * v1len);
	f[0] = 565.0;
	CHECK(rejects(f, v1len), "version 1 tag (%d)", pass);
	memcpy(f, v1, sizeof(double) * v1len);
	f[HDR_V1 + m + 5] = NAN;
	CHECK(rejects(f, v1len), "version 1 NaN history value (%d)", pass);
	memcpy(f, v1, sizeof(double) * v1len);
	f[3] = 0;
	CHECK(rejects(f, v1len), "version 1 k = 0 (%d)", pass);

	/*
	 * Version 2 on the version 1 layout: one slot short.  Slot 8 (sigma_1
	 * there) is set to a valid flag, so that only the length is wrong; the
	 * control, the same array as version 1, is accepted.
	 */
	memcpy(f, v1, sizeof(double) * v1len);
	f[8] = 1.0;
	CHECK(accepts(f, v1len), "version 1 with sigma_1 = 1 (%d)", pass);
	f[1] = 2.0;
	CHECK(rejects(f, v1len), "version 2 on the version 1 layout (%d)", pass);
	f[8] = 0.0;
	CHECK(rejects(f, v1len), "version 2 on the version 1 layout, slot 8 = 0 (%d)", pass);
}

static void
check_storage(void)
{
	static double y[500],
				buf[1000],
				f[1000];
	double		sig[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12},
				hist[300];
	double		m1[40],
				l1[40],
				h1[40],
				m2[40],
				l2[40],
				h2[40];
	FcKnnModel fit,
				back;
	int			pass,
				len,
				i;

	/*
	 * Passes 0..2 (positive, signed, truncated) with the mean, 3..5 the same
	 * with the median.
	 */
	for (pass = 0; pass < 6; pass++)
	{
		int			s = pass % 3,
					n = s == 2 ? 500 : 150,
					m = s == 2 ? 2 : 6;
		bool		median = pass >= 3;

		make_series(y, n, m, s != 1, 300u + s);
		require_ok(fc_knn_fit(y, n, m, 3, median, &fit, NULL), "storage fit");
		len = fc_knn_state_size(&fit);
		CHECK(len == HDR + m + fit.nhist && fit.nhist == (s == 2 ? 200 : n),
			  "state size %d (nhist %d)", len, fit.nhist);
		fc_knn_pack(&fit, buf);
		CHECK(buf[0] == 566.0 && buf[1] == 2.0 && buf[2] == m && buf[3] == 3 &&
			  buf[4] == (fit.multiplicative ? 1.0 : 0.0) && buf[5] == n && buf[6] == fit.nhist &&
			  buf[7] == fit.norigins && buf[8] == (median ? 1.0 : 0.0) &&
			  memcmp(buf + HDR, fit.sigma, sizeof(double) * m) == 0,
			  "packed header %d", pass);
		CHECK(fc_knn_packed_median(buf, len) == median, "packed_median %d", pass);
		CHECK(fc_knn_unpack(buf, len, &back) == FC_OK, "unpack %d", pass);
		CHECK(back.m == fit.m && back.k == fit.k && back.n == fit.n && back.nhist == fit.nhist &&
			  back.norigins == fit.norigins && back.multiplicative == fit.multiplicative &&
			  back.median == median &&
			  memcmp(back.sigma, fit.sigma, sizeof(double) * m) == 0 &&
			  memcmp(back.hist, fit.hist, sizeof(double) * fit.nhist) == 0, "unpacked fields %d", pass);
		fc_knn_forecast(&fit, 40, 0.9, m1, l1, h1);
		fc_knn_forecast(&back, 40, 0.9, m2, l2, h2);
		CHECK(memcmp(m1, m2, sizeof m1) == 0 && memcmp(l1, l2, sizeof l1) == 0 &&
			  memcmp(h1, h2, sizeof h1) == 0, "round trip forecasts %d", pass);
		fc_knn_model_free(&back);

		/* wrong length, tag, version */
		CHECK(rejects(buf, len - 1), "length - 1 (%d)", pass);
		buf[len] = 1.0;
		CHECK(rejects(buf, len + 1), "length + 1 (%d)", pass);
		CHECK(rejects(NULL, len), "NULL (%d)", pass);
		CHECK(rejects(buf, 0), "length 0 (%d)", pass);
		memcpy(f, buf, sizeof(double) * len);
		f[0] = 567.0;
		CHECK(rejects(f, len), "tag (%d)", pass);
		memcpy(f, buf, sizeof(double) * len);
		f[1] = 3.0;
		CHECK(rejects(f, len), "version 3 (%d)", pass);
		f[1] = 0.0;
		CHECK(rejects(f, len), "version 0 (%d)", pass);
		f[1] = NAN;
		CHECK(rejects(f, len), "version NaN (%d)", pass);
		f[1] = 1.5;
		CHECK(rejects(f, len), "version 1.5 (%d)", pass);
		/* version 1 on the version 2 layout: one slot too many */
		f[1] = 1.0;
		CHECK(rejects(f, len), "version 1 with the median slot (%d)", pass);
		check_storage_versions(&fit, y, n, buf, len, pass);
		memcpy(f, buf, sizeof(double) * len);
		f[3] = 0;
		CHECK(rejects(f, len), "k = 0 (%d)", pass);
		f[3] = 2.5;
		CHECK(rejects(f, len), "k = 2.5 (%d)", pass);
		f[3] = FC_KNN_MAX_K + 1;
		CHECK(rejects(f, len), "k > max (%d)", pass);
		memcpy(f, buf, sizeof(double) * len);
		f[7] = 0;
		CHECK(rejects(f, len), "norigins = 0 (%d)", pass);
		f[7] = NAN;
		CHECK(rejects(f, len), "norigins NaN (%d)", pass);
		memcpy(f, buf, sizeof(double) * len);
		f[HDR + 1] = -0.5;
		CHECK(rejects(f, len), "negative sigma (%d)", pass);
		f[HDR + 1] = NAN;
		CHECK(rejects(f, len), "NaN sigma (%d)", pass);
		f[HDR + 1] = INFINITY;
		CHECK(rejects(f, len), "Inf sigma (%d)", pass);
		memcpy(f, buf, sizeof(double) * len);
		f[HDR + m + 17] = NAN;
		CHECK(rejects(f, len), "NaN history value (%d)", pass);
		f[HDR + m + 17] = -INFINITY;
		CHECK(rejects(f, len), "-Inf history value (%d)", pass);
		memcpy(f, buf, sizeof(double) * len);
		f[5] = fit.nhist - 1;
		CHECK(rejects(f, len), "n < nhist (%d)", pass);
		memcpy(f, buf, sizeof(double) * len);
		f[4] = 0.5;
		CHECK(rejects(f, len), "mult flag 0.5 (%d)", pass);
		if (fit.multiplicative)
		{
			/* forcing an additive model is harmless; a negative value or a
			 * zero-mean cycle in a multiplicative one is not */
			memcpy(f, buf, sizeof(double) * len);
			f[4] = 0.0;
			CHECK(accepts(f, len), "additive flag on positive history (%d)", pass);
			f[4] = 1.0;
			f[HDR + m + 30] = -1.0;
			CHECK(rejects(f, len), "multiplicative with a negative value (%d)", pass);
			f[4] = 0.0;
			CHECK(accepts(f, len), "additive with a negative value (%d)", pass);
		}
		else
		{
			memcpy(f, buf, sizeof(double) * len);
			f[4] = 1.0;
			CHECK(rejects(f, len), "multiplicative flag on signed history (%d)", pass);
		}
		fc_knn_model_free(&fit);
	}

	/*
	 * Forged arrays built field by field, each wrong in one respect only
	 * (its length consistent), next to a control that differs only there.
	 * Base: m = 2, k = 1, n = nhist = 8, norigins = 2, history of four
	 * positive cycles.
	 */
	for (i = 0; i < 300; i++)
		hist[i] = 1.0 + (i * 7) % 5;
	len = build(f, 2, 1, 1, 8, 8, 2, sig, hist);
	CHECK(accepts(f, len), "forged base accepted");
	/* the median flag: 1 and 0 give the median and the mean, nothing else passes */
	len = build_med(f, 2, 1, 1, 1.0, 8, 8, 2, sig, hist);
	CHECK(fc_knn_unpack(f, len, &back) == FC_OK && back.median && fc_knn_packed_median(f, len),
		  "forged median flag 1: median %d", (int) back.median);
	fc_knn_model_free(&back);
	len = build_med(f, 2, 1, 1, 0.0, 8, 8, 2, sig, hist);
	CHECK(fc_knn_unpack(f, len, &back) == FC_OK && !back.median && !fc_knn_packed_median(f, len),
		  "forged median flag 0: median %d", (int) back.median);
	fc_knn_model_free(&back);
	len = build_med(f, 2, 1, 1, 2.0, 8, 8, 2, sig, hist);
	CHECK(rejects(f, len), "forged median flag 2");
	len = build_med(f, 2, 1, 1, 0.5, 8, 8, 2, sig, hist);
	CHECK(rejects(f, len), "forged median flag 0.5");
	len = build_med(f, 2, 1, 1, NAN, 8, 8, 2, sig, hist);
	CHECK(rejects(f, len), "forged median flag NaN");
	len = build_med(f, 2, 1, 1, -1.0, 8, 8, 2, sig, hist);
	CHECK(rejects(f, len), "forged median flag -1");

	/*
	 * Version 1 forgeries: the base without slot 8, where sigma_1 = 1 now
	 * sits; a version 1 pack is a mean model whatever that slot holds.
	 */
	len = build(f, 2, 1, 1, 8, 8, 2, sig, hist);
	len = to_v1(f, len, buf);
	CHECK(len == HDR_V1 + 2 + 8 && buf[8] == 1.0 && !fc_knn_packed_median(buf, len),
		  "forged version 1: packed_median");
	CHECK(fc_knn_unpack(buf, len, &back) == FC_OK && !back.median && back.k == 1 &&
		  back.nhist == 8 && back.sigma[0] == 1.0 && back.sigma[1] == 2.0 &&
		  memcmp(back.hist, hist, sizeof(double) * 8) == 0,
		  "forged version 1 accepted as a mean model");
	fc_knn_model_free(&back);
	/* the version 1 checks are those of version 2: nhist < (k + 2) m; control 6 */
	len = build(f, 2, 1, 1, 6, 6, 1, sig, hist);
	len = to_v1(f, len, buf);
	CHECK(accepts(buf, len), "forged version 1: nhist = (k + 2) m accepted");
	len = build(f, 2, 1, 1, 5, 5, 1, sig, hist);
	len = to_v1(f, len, buf);
	CHECK(rejects(buf, len), "forged version 1: nhist < (k + 2) m");
	/* shorter than any version 1 model: header and two values */
	len = build(f, 2, 1, 1, 8, 8, 2, sig, hist);
	len = to_v1(f, len, buf);
	CHECK(rejects(buf, HDR_V1 + 1), "forged version 1 cut to %d values", HDR_V1 + 1);
	/* m = 1 with nhist 9 keeps the length: only m is wrong */
	len = build(f, 1, 1, 1, 9, 9, 2, sig, hist);
	CHECK(len == HDR + 2 + 8 && rejects(f, len), "m = 1");
	len = build(f, 0, 1, 1, 10, 10, 2, sig, hist);
	CHECK(rejects(f, len), "m = 0");
	len = build(f, 2, 0, 1, 8, 8, 2, sig, hist);
	CHECK(rejects(f, len), "k = 0");
	/* nhist < (k + 2) m: 5 < 6 with m = 2, k = 1; control 6 */
	len = build(f, 2, 1, 1, 6, 6, 1, sig, hist);
	CHECK(accepts(f, len), "nhist = (k + 2) m accepted");
	len = build(f, 2, 1, 1, 5, 5, 1, sig, hist);
	CHECK(rejects(f, len), "nhist < (k + 2) m");
	len = build(f, 2, 3, 1, 9, 9, 1, sig, hist);
	CHECK(rejects(f, len), "nhist 9 < (3 + 2) 2");
	len = build(f, 2, 1, 1, 8, 8, 0, sig, hist);
	CHECK(rejects(f, len), "norigins = 0");
	len = build(f, 2, 1, 1, 8, 8, 5, sig, hist);
	CHECK(rejects(f, len), "norigins > nhist / m");
	/* nhist beyond FC_KNN_MAX_CYCLES m: 202 with m = 2; control 200 */
	len = build(f, 2, 1, 1, 300, 200, 2, sig, hist);
	CHECK(accepts(f, len), "nhist = 100 m accepted");
	len = build(f, 2, 1, 1, 300, 202, 2, sig, hist);
	CHECK(rejects(f, len), "nhist > 100 m");
	sig[1] = -1e-300;
	len = build(f, 2, 1, 1, 8, 8, 2, sig, hist);
	CHECK(rejects(f, len), "negative sigma");
	sig[1] = 0.0;
	len = build(f, 2, 1, 1, 8, 8, 2, sig, hist);
	CHECK(accepts(f, len), "zero sigma accepted");
	sig[1] = 2.0;
	hist[3] = NAN;
	len = build(f, 2, 1, 0, 8, 8, 2, sig, hist);
	CHECK(rejects(f, len), "NaN history value");
	/* a zero-mean cycle (positions 2, 3 end 4 before the end of 8) */
	hist[2] = hist[3] = 0.0;
	len = build(f, 2, 1, 1, 8, 8, 2, sig, hist);
	CHECK(rejects(f, len), "multiplicative with a zero-mean cycle");
	len = build(f, 2, 1, 0, 8, 8, 2, sig, hist);
	CHECK(accepts(f, len), "additive with a zero-mean cycle accepted");
	/* a zero-mean query */
	hist[2] = 3.0;
	hist[3] = 1.0;
	hist[6] = hist[7] = 0.0;
	len = build(f, 2, 1, 1, 8, 8, 2, sig, hist);
	CHECK(rejects(f, len), "multiplicative with a zero-mean query");
	hist[6] = 2.0;
	hist[7] = 4.0;
	/* a negative value in a cycle whose mean is positive */
	hist[4] = -1.0;
	hist[5] = 9.0;
	len = build(f, 2, 1, 1, 8, 8, 2, sig, hist);
	CHECK(rejects(f, len), "multiplicative with a negative value");
	len = build(f, 2, 1, 0, 8, 8, 2, sig, hist);
	CHECK(accepts(f, len), "additive with a negative value accepted");
	/* and an accepted forgery forecasts something finite */
	len = build(f, 2, 1, 0, 8, 8, 2, sig, hist);
	if (fc_knn_unpack(f, len, &back) == FC_OK)
	{
		int			ok = 1;

		fc_knn_forecast(&back, 20, 0.9, m1, l1, h1);
		for (i = 0; i < 20; i++)
			ok &= isfinite(m1[i]) && isfinite(l1[i]) && isfinite(h1[i]);
		CHECK(ok, "forecast of an accepted forgery is finite");
		fc_knn_model_free(&back);
	}
}

/* ------------------------------------------------------------------ */
/* 7. constant series */

static void
check_constant(void)
{
	static double y[60];
	static const double levels[] = {5.0, -4.0, 0.0, 1e6};
	double		mean[30],
				lo[30],
				hi[30],
				resid[60];
	FcKnnModel fit;
	int			c,
				t,
				ok;

	/* c = 0..3 mean, 4..7 median: every neighbour continues the constant */
	for (c = 0; c < 8; c++)
	{
		double		level = levels[c % 4];

		for (t = 0; t < 60; t++)
			y[t] = level;
		require_ok(fc_knn_fit(y, 60, 3, 3, c >= 4, &fit, resid), "constant fit");
		CHECK(fit.multiplicative == (level > 0), "constant %g mode %d", level,
			  (int) fit.multiplicative);
		fc_knn_forecast(&fit, 30, 0.95, mean, lo, hi);
		ok = 1;
		for (t = 0; t < 30; t++)
			ok &= mean[t] == level && lo[t] == level && hi[t] == level;
		for (t = 0; t < 3; t++)
			ok &= fit.sigma[t] == 0.0;
		for (t = 12; t < 60; t++)
			ok &= resid[t] == 0.0;
		CHECK(ok, "constant %g (%s) forecasts the constant, zero sigma and residuals", level,
			  c >= 4 ? "median" : "mean");
		fc_knn_model_free(&fit);
	}

	/* the nearest analog wins: a repeated distinctive cycle shape */
	{
		static double w[40];

		for (t = 0; t < 40; t++)
			w[t] = (t / 4) % 2 ? 10.0 + (t % 4) : 10.0 + 3 * ((t + 1) % 4 == 0);
		/*
		 * Cycles alternate B = (10 10 10 13) and A = (10 11 12 13); the last
		 * (t = 36..39) is A.  k = 1: its nearest is the most recent of the
		 * identical A cycles (distance 0), t = 28..31, followed by B then A.
		 */
		require_ok(fc_knn_fit(w, 40, 4, 1, false, &fit, NULL), "analog fit");
		CHECK(fit.multiplicative, "analog fit multiplicative");
		fc_knn_forecast(&fit, 8, 0.9, mean, lo, hi);
		CHECK(close_to(mean[0], 10, 1e-14) && close_to(mean[1], 10, 1e-14) &&
			  close_to(mean[2], 10, 1e-14) && close_to(mean[3], 13, 1e-14) &&
			  close_to(mean[4], 10, 1e-14) && close_to(mean[5], 11, 1e-14) &&
			  close_to(mean[6], 12, 1e-14) && close_to(mean[7], 13, 1e-14),
			  "alternating cycles: %g %g %g %g %g %g %g %g", mean[0], mean[1], mean[2], mean[3],
			  mean[4], mean[5], mean[6], mean[7]);
		fc_knn_model_free(&fit);
	}
}

/* ------------------------------------------------------------------ */
/* 8. choosing k per series (k = FC_KNN_CHOOSE_K) */

/*
 * An hourly-like series (m = 24): a morning and an evening peak, weaker and
 * later at weekends (every 7th and 6th day), a trend, noise; positive
 * (multiplicative) or centred and signed (additive).
 */
static void
make_hourly(double *y, int n, bool positive, unsigned int seed)
{
	int			t;

	lcg_state = seed;
	for (t = 0; t < n; t++)
	{
		int			hr = t % 24,
					dow = (t / 24) % 7;
		double		wk = dow >= 5 ? 0.6 : 1.0,
					sh = dow >= 5 ? 2.0 : 0.0,
					prof = 0.8 * exp(-(hr - 8 - sh) * (hr - 8 - sh) / 6.0) +
			1.2 * wk * exp(-(hr - 19) * (hr - 19) / 8.0) + 0.2 * sin(2.0 * M_PI * hr / 24);

		if (positive)
			y[t] = (100.0 + 0.05 * t) * (0.4 + prof) + 12.0 * lcg();
		else
			y[t] = 20.0 * prof - 12.0 + 10.0 * (lcg() - 0.5);
	}
}

/*
 * Fit y[0..n-1] with FC_KNN_CHOOSE_K, the neighbours combined by median or
 * mean: the k chosen must be the reference's (and expect_k when >= 0),
 * chosen with the same combination; the model, residuals, forecasts (h
 * steps) and intervals must equal bit for bit those of a fit with that k
 * given, and the reference to 1e-12.  expect_nusable (>= 0): how many of the
 * choices the reference found usable.  Returns the reference's k.
 */
static int
check_choose(const char *what0, const double *y, int n, int m, bool median, int h,
			 int expect_mult, int expect_k, int expect_nusable)
{
	char		what[160];
	int			nx = ref_stored(n, m),
				start = n - nx,
				nu,
				norig,
				refk;
	double		sums[REF_NCHOICES];
	bool		mult = ref_multiplicative(y + start, nx, m);
	double	   *r1 = malloc(sizeof(double) * n),
			   *r2 = malloc(sizeof(double) * n),
			   *m1 = malloc(sizeof(double) * h),
			   *l1 = malloc(sizeof(double) * h),
			   *h1 = malloc(sizeof(double) * h),
			   *m2 = malloc(sizeof(double) * h),
			   *l2 = malloc(sizeof(double) * h),
			   *h2 = malloc(sizeof(double) * h);
	FcKnnModel chosen,
				given;

	snprintf(what, sizeof what, "%s, %s", what0, median ? "median" : "mean");
	refk = ref_choose_k(y + start, nx, m, mult, median, sums, &nu, &norig);
	CHECK(expect_k < 0 || refk == expect_k, "%s: reference chose k = %d, expected %d", what,
		  refk, expect_k);
	CHECK(expect_nusable < 0 || nu == expect_nusable, "%s: reference has %d usable k, expected %d",
		  what, nu, expect_nusable);
	require_ok(fc_knn_fit(y, n, m, FC_KNN_CHOOSE_K, median, &chosen, r1), what);
	CHECK(chosen.k == refk, "%s: chose k = %d, reference %d (sums %.17g %.17g %.17g %.17g %.17g)",
		  what, chosen.k, refk, sums[0], sums[1], sums[2], sums[3], sums[4]);
	require_ok(fc_knn_fit(y, n, m, refk, median, &given, r2), what);
	CHECK(chosen.m == given.m && chosen.k == given.k && chosen.n == given.n &&
		  chosen.nhist == given.nhist && chosen.norigins == given.norigins &&
		  chosen.multiplicative == given.multiplicative && chosen.median == median &&
		  given.median == median &&
		  memcmp(chosen.sigma, given.sigma, sizeof(double) * m) == 0 &&
		  memcmp(chosen.hist, given.hist, sizeof(double) * given.nhist) == 0 &&
		  memcmp(r1, r2, sizeof(double) * n) == 0,
		  "%s: chosen model, sigma or residuals differ from the fit with k = %d", what, refk);
	CHECK(fc_knn_forecast(&chosen, h, 0.9, m1, l1, h1) == FC_OK &&
		  fc_knn_forecast(&given, h, 0.9, m2, l2, h2) == FC_OK &&
		  memcmp(m1, m2, sizeof(double) * h) == 0 && memcmp(l1, l2, sizeof(double) * h) == 0 &&
		  memcmp(h1, h2, sizeof(double) * h) == 0,
		  "%s: chosen forecasts differ from those with k = %d", what, refk);
	fc_knn_model_free(&chosen);
	fc_knn_model_free(&given);
	CHECK(chosen.sigma == NULL && chosen.hist == NULL && given.sigma == NULL &&
		  given.hist == NULL, "%s: models freed", what);
	free(r1);
	free(r2);
	free(m1);
	free(l1);
	free(h1);
	free(m2);
	free(l2);
	free(h2);
	/* and against the reference with its k (forecasts, residuals, sigma) */
	check_against_reference_k(what0, y, n, m, FC_KNN_CHOOSE_K, refk, median, h, expect_mult);
	return refk;
}

static void
check_choose_series(void)
{
	static double y[1000];
	char		what[100];
	int			counts[2][9],
				mism[2],
				sizes[] = {35, 42, 49, 70, 200},
				si,
				pass,
				seed,
				distinct,
				med,
				k,
				i;

	/* every named series with the mean (med 0) and the median (med 1) */
	for (med = 0; med < 2; med++)
	{
		bool		median = med == 1;

		/* n = 200 (not a multiple of 7), h = 250 > n - m */
		make_series(y, 200, 7, true, 12345u);
		check_choose("choose: positive m=7 n=200", y, 200, 7, median, 250, 1, -1, 5);
		make_series(y, 200, 7, false, 777u);
		check_choose("choose: signed m=7 n=200", y, 200, 7, median, 250, 0, -1, 5);
		/* hourly-like, 40 days, h = 1000 > n - m */
		make_hourly(y, 960, true, 2468u);
		check_choose("choose: hourly positive m=24 n=960", y, 960, 24, median, 1000, 1, -1, 5);
		make_hourly(y, 960, false, 1357u);
		check_choose("choose: hourly signed m=24 n=960", y, 960, 24, median, 1000, 0, -1, 5);
		/* exactly 5m: only 1, 2, 3 (one origin, 4m); 6m: still 1, 2, 3 */
		make_series(y, 35, 7, true, 99u);
		check_choose("choose: positive n=5m m=7", y, 35, 7, median, 40, 1, -1, 3);
		make_series(y, 35, 7, false, 98u);
		check_choose("choose: signed n=5m m=7", y, 35, 7, median, 40, 0, -1, 3);
		make_hourly(y, 120, true, 97u);
		check_choose("choose: hourly n=5m m=24", y, 120, 24, median, 130, 1, -1, 3);
		make_series(y, 42, 7, true, 96u);
		check_choose("choose: positive n=6m m=7", y, 42, 7, median, 50, 1, -1, 3);
		/* 7m: 5 becomes usable (one origin, 6m); 10m: 8 */
		make_series(y, 49, 7, true, 95u);
		check_choose("choose: positive n=7m m=7", y, 49, 7, median, 60, 1, -1, 4);
		make_series(y, 49, 7, false, 94u);
		check_choose("choose: signed n=7m m=7", y, 49, 7, median, 60, 0, -1, 4);
		make_series(y, 69, 7, true, 93u);
		check_choose("choose: positive n=10m-1 m=7", y, 69, 7, median, 80, 1, -1, 4);
		make_series(y, 70, 7, true, 93u);
		check_choose("choose: positive n=10m m=7", y, 70, 7, median, 80, 1, -1, 5);
		/* longer than 100 m: chosen on the last 200 of 500 points */
		make_series(y, 500, 2, true, 4242u);
		y[10] = -5.0;
		check_choose("choose: m=2 n=500 (truncated)", y, 500, 2, median, 260, 1, -1, 5);
	}

	/*
	 * Many series: the choice agrees with the reference's, and between them
	 * they exercise every choice (5 at 7m, 8 at 10m and more); si = 0..4
	 * with the mean, 5..9 the same series with the median.
	 */
	for (si = 0; si < 10; si++)
	{
		int			n = sizes[si % 5];
		bool		median = si >= 5;
		const char *comb = median ? "median" : "mean";

		memset(counts, 0, sizeof counts);
		mism[0] = mism[1] = 0;
		for (pass = 0; pass < 2; pass++)
			for (seed = 1; seed <= 40; seed++)
			{
				FcKnnModel fit;
				double		sums[REF_NCHOICES];
				int			nu,
							norig,
							refk;
				bool		mult;

				if (seed % 2)
					make_series(y, n, 7, pass == 0, 1000u * (si % 5) + seed);
				else
				{
					/* noise about a fixed weekly shape: averaging pays */
					lcg_state = 7000u * (si % 5) + seed;
					for (i = 0; i < n; i++)
						y[i] = (pass == 0 ? 50.0 : 0.0) + 4.0 * sin(2.0 * M_PI * (i % 7) / 7) +
							(pass == 0 ? 20.0 : 6.0) * (lcg() - 0.5);
				}
				mult = ref_multiplicative(y, n, 7);
				refk = ref_choose_k(y, n, 7, mult, median, sums, &nu, &norig);
				if (fc_knn_fit(y, n, 7, FC_KNN_CHOOSE_K, median, &fit, NULL) != FC_OK)
				{
					mism[pass]++;
					continue;
				}
				if (fit.k != refk || fit.multiplicative != mult || fit.median != median)
				{
					if (mism[pass]++ < 3)
						printf("  n=%d %s pass %d seed %d: chose %d, reference %d\n", n, comb,
							   pass, seed, fit.k, refk);
				}
				counts[pass][refk]++;
				fc_knn_model_free(&fit);
			}
		for (pass = 0; pass < 2; pass++)
		{
			snprintf(what, sizeof what, "sweep n=%d %s %s", n, pass == 0 ? "positive" : "signed",
					 comb);
			CHECK(mism[pass] == 0, "%s: %d of 40 choices differ from the reference", what,
				  mism[pass]);
		}
		/* which choices the sweep reached: the largest usable, and variety */
		k = n >= 70 ? 8 : n >= 49 ? 5 : 3;
		distinct = 0;
		for (i = 1; i <= 8; i++)
			distinct += counts[0][i] + counts[1][i] > 0;
		CHECK(counts[0][k] + counts[1][k] > 0 && distinct >= 3,
			  "sweep n=%d %s: k = %d chosen %d times, %d distinct (1 2 3 5 8: %d %d %d %d %d)",
			  n, comb, k, counts[0][k] + counts[1][k], distinct,
			  counts[0][1] + counts[1][1], counts[0][2] + counts[1][2],
			  counts[0][3] + counts[1][3], counts[0][5] + counts[1][5],
			  counts[0][8] + counts[1][8]);
		CHECK(counts[0][4] + counts[1][4] + counts[0][6] + counts[1][6] + counts[0][7] +
			  counts[1][7] == 0 && (n >= 49 || counts[0][5] + counts[1][5] == 0) &&
			  (n >= 70 || counts[0][8] + counts[1][8] == 0), "sweep n=%d %s: only usable choices",
			  n, comb);
	}
}

/*
 * Series whose best k is known by construction.
 *
 * Exact repeats: m = 4, eight cycles S0..S7 of distinct shapes (integers,
 * integer means, some negative: additive), then the same eight again: 16
 * cycles.  Every choice is usable and scored on the origins 9m..15m, whose
 * query (cycle 8..15) has exactly one earlier cycle of its shape, followed
 * by the very cycle that follows the query: k = 1 forecasts exactly (in
 * integers, no rounding), while k >= 2 averages in cycles of other shapes,
 * followed by other values.  So k = 1, with zero error, whether the
 * neighbours are combined by mean or by median (k = 2: the median of two is
 * their mean; k >= 3: the median of continuations of other shapes misses).
 */
static void
check_choose_constructed_comb(bool median)
{
	static const double cyc[8][4] = {
		{0, 4, -2, 2}, {3, -1, 1, 5}, {-4, 0, 6, 2}, {1, 1, -3, 5},
		{2, -2, -2, 6}, {5, 3, -1, -3}, {-1, 7, 1, 1}, {0, -4, 4, 4}
	};
	static const double levels[] = {5.0, 0.0, -4.0};
	static const double per[2][5] = {{3, -1, 4, -6, 0}, {2, 6, 4, 4, 4}};
	double		y[64],
				yp[64],
				sums[REF_NCHOICES],
				resid[64],
				mean[40],
				lo[40],
				hi[40];
	FcKnnModel fit;
	const char *comb = median ? "median" : "mean";
	int			c,
				i,
				t,
				nu,
				norig,
				refk,
				ok;

	for (c = 0; c < 16; c++)
		for (i = 0; i < 4; i++)
		{
			y[4 * c + i] = cyc[c % 8][i];
			yp[4 * c + i] = cyc[c % 8][i] + 10.0;
		}
	CHECK(!ref_multiplicative(y, 64, 4), "repeats: additive (reference)");
	refk = ref_choose_k(y, 64, 4, false, median, sums, &nu, &norig);
	CHECK(refk == 1 && nu == 5 && norig == 7 && sums[0] == 0.0 && sums[1] > 0.0 &&
		  sums[2] > 0.0 && sums[3] > 0.0 && sums[4] > 0.0,
		  "repeats (%s): reference k %d usable %d origins %d sums %g %g %g %g %g", comb, refk,
		  nu, norig, sums[0], sums[1], sums[2], sums[3], sums[4]);
	check_choose("choose: exact repeats", y, 64, 4, median, 40, 0, 1, 5);
	require_ok(fc_knn_fit(y, 64, 4, FC_KNN_CHOOSE_K, median, &fit, resid), "repeats");
	CHECK(fit.k == 1 && !fit.multiplicative && fit.median == median && fit.norigins == 14,
		  "repeats (%s): k %d mult %d origins %d", comb, fit.k, (int) fit.multiplicative,
		  fit.norigins);
	ok = 1;
	for (t = 0; t < 8; t++)
		ok &= isnan(resid[t]);
	for (t = 36; t < 64; t++)
		ok &= resid[t] == 0.0;
	CHECK(ok, "repeats (%s): residuals NaN before 2m, zero from 9m", comb);
	/*
	 * The final query (S7) has its one copy at cycle 7: steps 1..32 replay
	 * what followed it (beyond, older candidates take over).
	 */
	fc_knn_forecast(&fit, 40, 0.9, mean, lo, hi);
	ok = 1;
	for (t = 0; t < 32; t++)
		ok &= mean[t] == y[32 + t];
	CHECK(ok, "repeats (%s): forecasts replay cycles 8..15: %g %g %g %g", comb, mean[0], mean[1],
		  mean[2], mean[3]);
	fc_knn_model_free(&fit);
	/* the same raised by 10: multiplicative, k = 1 still best */
	CHECK(ref_multiplicative(yp, 64, 4), "repeats + 10: multiplicative (reference)");
	check_choose("choose: exact repeats + 10", yp, 64, 4, median, 40, 1, 1, 5);

	/*
	 * Ties: every k forecasts exactly, so all sums are 0 and the smallest k
	 * wins.  Constant series (multiplicative and additive) and strictly
	 * periodic ones (additive integers; multiplicative with mean 4, where
	 * y / mean, their averages and 4 times those are exact).
	 */
	for (c = 0; c < 3; c++)
	{
		char		what[60];

		for (t = 0; t < 50; t++)
			y[t] = levels[c];
		refk = ref_choose_k(y, 50, 5, levels[c] > 0, median, sums, &nu, &norig);
		CHECK(refk == 1 && nu == 5 && norig == 1 && sums[0] == 0.0 && sums[4] == 0.0,
			  "constant %g (%s): reference k %d sums %g %g", levels[c], comb, refk, sums[0],
			  sums[4]);
		snprintf(what, sizeof what, "choose: constant %g", levels[c]);
		check_choose(what, y, 50, 5, median, 60, levels[c] > 0, 1, 5);
	}
	for (c = 0; c < 2; c++)
	{
		char		what[60];

		for (t = 0; t < 60; t++)
			y[t] = per[c][t % 5];
		refk = ref_choose_k(y, 60, 5, c == 1, median, sums, &nu, &norig);
		CHECK(refk == 1 && nu == 5 && norig == 3 && sums[0] == 0.0 && sums[1] == 0.0 &&
			  sums[2] == 0.0 && sums[3] == 0.0 && sums[4] == 0.0,
			  "periodic %d (%s): reference k %d sums %g %g %g %g %g", c, comb, refk, sums[0],
			  sums[1], sums[2], sums[3], sums[4]);
		snprintf(what, sizeof what, "choose: periodic %s", c ? "positive" : "signed");
		check_choose(what, y, 60, 5, median, 70, c, 1, 5);
		/* and k = 1 wins only by the tie rule: k = 8 has no larger error */
		require_ok(fc_knn_fit(y, 60, 5, 8, median, &fit, resid), "periodic k=8");
		CHECK(fit.sigma[0] == 0.0 && fit.sigma[4] == 0.0, "periodic %d (%s): k = 8 exact too",
			  c, comb);
		fc_knn_model_free(&fit);
	}
}

/* the constructed series with each combination of the neighbours */
static void
check_choose_constructed(void)
{
	check_choose_constructed_comb(false);
	check_choose_constructed_comb(true);
}

/* too short for the choice: n < 5m (even where k = 1 or 2 would fit) */
static void
check_choose_short(void)
{
	static double y[200];
	FcKnnModel fit;
	static const int ns[] = {34, 28, 21, 14, 7, 0};
	int			i;

	make_series(y, 200, 7, true, 55u);
	for (i = 0; i < (int) (sizeof ns / sizeof ns[0]); i++)
	{
		CHECK(fc_knn_fit(y, ns[i], 7, FC_KNN_CHOOSE_K, false, &fit, NULL) == FC_ERR_TOO_SHORT &&
			  fit.sigma == NULL && fit.hist == NULL, "choose: n=%d m=7 too short", ns[i]);
	}
	CHECK(fc_knn_fit(y, 119, 24, FC_KNN_CHOOSE_K, false, &fit, NULL) == FC_ERR_TOO_SHORT,
		  "choose: n=119 m=24 too short");
	CHECK(fc_knn_fit(y, 9, 2, FC_KNN_CHOOSE_K, false, &fit, NULL) == FC_ERR_TOO_SHORT,
		  "choose: n=9 m=2 too short");
	/* the contrast: k = 1 given fits 3m, and the choice fits 5m */
	require_ok(fc_knn_fit(y, 21, 7, 1, false, &fit, NULL), "k=1 n=3m");
	fc_knn_model_free(&fit);
	require_ok(fc_knn_fit(y, 35, 7, FC_KNN_CHOOSE_K, false, &fit, NULL), "choose n=5m");
	CHECK(fit.k >= 1 && fit.k <= 3 && fit.norigins == 4 - fit.k,
		  "choose n=5m: k %d norigins %d", fit.k, fit.norigins);
	fc_knn_model_free(&fit);
	require_ok(fc_knn_fit(y, 10, 2, FC_KNN_CHOOSE_K, false, &fit, NULL), "choose n=10 m=2");
	fc_knn_model_free(&fit);
	/* other arguments are still checked */
	CHECK(fc_knn_fit(y, 200, 1, FC_KNN_CHOOSE_K, false, &fit, NULL) == FC_ERR_BAD_ARGUMENT,
		  "choose: m=1");
	CHECK(fc_knn_fit(NULL, 200, 7, FC_KNN_CHOOSE_K, false, &fit, NULL) == FC_ERR_BAD_ARGUMENT,
		  "choose: y NULL");
	y[3] = NAN;
	CHECK(fc_knn_fit(y, 200, 7, FC_KNN_CHOOSE_K, false, &fit, NULL) == FC_ERR_NONFINITE,
		  "choose: NaN");
}

int
main(void)
{
	check_hand();
	check_hand_median();
	check_reference();
	check_properties();
	check_bad_input();
	check_storage();
	check_constant();
	check_choose_series();
	check_choose_constructed();
	check_choose_short();
	printf("knn_test (knn kernel vs hand table and reference, intervals, storage):\n");
	printf("%d passed, %d failed\n", n_pass, n_fail);
	return n_fail ? 1 : 0;
}
