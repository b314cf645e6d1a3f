/*
 * reconcile_test.c
 *	  Standalone tests of the reconciliation kernel (src/reconcile.c).
 *
 *	 reconcile_test			all checks; ends with "N passed, M failed"
 *	 reconcile_test --bench n_nodes h	time bu / wls_struct on a random tree
 *
 * What is checked:
 *	 - every method's result is coherent: each aggregate equals the sum of
 *	   its children to 1e-9 relative (random balanced, unbalanced trees and
 *	   forests, with and without the non-negative option);
 *	 - bottom-up equals the sum of the leaves, leaves unchanged;
 *	 - OLS, WLS (structural, variance) and MinT (shrinkage, sample) equal the
 *	   dense formula S (S' W^-1 S)^-1 S' W^-1 yhat with W built densely, to
 *	   1e-8 relative; the shrinkage intensity equals the dense
 *	   Schafer-Strimmer formula of R's hts::shrink.estim (both code paths,
 *	   t <= n and t > n);
 *	 - closed forms on 1-parent-2-children trees (OLS, WLS structural,
 *	   td_gsa, td_pha, td_fp) and a 3-level middle-out;
 *	 - non-negative OLS/WLS/MinT equal the brute-force optimum over all
 *	   active sets of the constrained least-squares problem;
 *	 - bad input returns the right status and reason, never crashes.
 *
 * Tolerances: coherence 1e-9 relative to max(1, |values|); dense
 * comparisons 1e-8 relative to max(1, max |yhat|).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../src/reconcile.h"
#include "testlib.h"

/* ---------- deterministic random numbers ---------- */

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;

static double
urand(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (double) (rng_state >> 11) / 9007199254740992.0;
}

static double
nrand(void)
{
	double		u = urand() + 1e-300,
				v = urand();

	return sqrt(-2.0 * log(u)) * cos(2.0 * M_PI * v);
}

/* ---------- problems ---------- */

typedef struct Prob
{
	int			n,
				h,
				t;
	int		   *parent;
	double	  **yhat;
	double	  **out;
	double	  **resid;
	double	  **hist;
} Prob;

static void
prob_alloc(Prob *P, int n, int h, int t)
{
	int			i;

	P->n = n;
	P->h = h;
	P->t = t;
	P->parent = calloc(n + 1, sizeof(int));
	P->yhat = calloc(h + 1, sizeof(double *));
	P->out = calloc(h + 1, sizeof(double *));
	for (i = 0; i < h; i++)
	{
		P->yhat[i] = calloc(n + 1, sizeof(double));
		P->out[i] = calloc(n + 1, sizeof(double));
	}
	P->resid = calloc(n + 1, sizeof(double *));
	P->hist = calloc(n + 1, sizeof(double *));
	for (i = 0; i < n; i++)
	{
		P->resid[i] = calloc(t + 1, sizeof(double));
		P->hist[i] = calloc(t + 1, sizeof(double));
	}
}

static void
prob_free(Prob *P)
{
	int			i;

	for (i = 0; i < P->h; i++)
	{
		free(P->yhat[i]);
		free(P->out[i]);
	}
	for (i = 0; i < P->n; i++)
	{
		free(P->resid[i]);
		free(P->hist[i]);
	}
	free(P->yhat);
	free(P->out);
	free(P->resid);
	free(P->hist);
	free(P->parent);
}

static int
is_leaf(const Prob *P, int v)
{
	int			i;

	for (i = v + 1; i < P->n; i++)
		if (P->parent[i] == v)
			return 0;
	return 1;
}

/*
 * A random tree (or forest) of n nodes: each new node hangs under a random
 * earlier node (or starts a new root with probability p_root).  Unbalanced
 * by construction.  Base forecasts are incoherent positive numbers around
 * the coherent truth; residuals are correlated noise; history is positive
 * and coherent.
 */
static void
random_problem(Prob *P, int n, int h, int t, double p_root)
{
	int			i,
				k,
				s;
	double	   *truth;
	double	   *common;

	prob_alloc(P, n, h, t);
	P->parent[0] = -1;
	for (i = 1; i < n; i++)
		P->parent[i] = urand() < p_root ? -1 : (int) (urand() * i);

	truth = calloc(n + 1, sizeof(double));
	for (k = 0; k < h; k++)
	{
		for (i = 0; i < n; i++)
			truth[i] = is_leaf(P, i) ? 5.0 + 10.0 * urand() : 0.0;
		for (i = n - 1; i >= 0; i--)
			if (P->parent[i] >= 0)
				truth[P->parent[i]] += truth[i];
		for (i = 0; i < n; i++)
			P->yhat[k][i] = truth[i] * (1.0 + 0.2 * nrand());
	}
	common = calloc(t + 1, sizeof(double));
	for (s = 0; s < t; s++)
		common[s] = nrand();
	for (i = 0; i < n; i++)
		for (s = 0; s < t; s++)
			P->resid[i][s] = (0.5 + urand()) * (0.6 * nrand() + 0.4 * common[s]);
	for (s = 0; s < t; s++)
	{
		for (i = 0; i < n; i++)
			P->hist[i][s] = is_leaf(P, i) ? 1.0 + 20.0 * urand() : 0.0;
		for (i = n - 1; i >= 0; i--)
			if (P->parent[i] >= 0)
				P->hist[P->parent[i]][s] += P->hist[i][s];
	}
	free(truth);
	free(common);
}

static void
fill_problem(const Prob *P, FcRecProblem *p)
{
	memset(p, 0, sizeof(*p));
	p->n = P->n;
	p->parent = P->parent;
	p->h = P->h;
	p->yhat = (const double *const *) P->yhat;
	p->t = P->t;
	p->resid = (const double *const *) P->resid;
	p->history = (const double *const *) P->hist;
	p->level = 1;
}

/* max over aggregates of |y_v - sum children| / max(1, |y_v|, sum |children|) */
static double
coherence_error(const Prob *P, const double *y)
{
	double	   *cs = calloc(P->n + 1, sizeof(double));
	double	   *ca = calloc(P->n + 1, sizeof(double));
	char	   *agg = calloc(P->n + 1, 1);
	double		worst = 0.0;
	int			i;

	for (i = 0; i < P->n; i++)
		if (P->parent[i] >= 0)
		{
			cs[P->parent[i]] += y[i];
			ca[P->parent[i]] += fabs(y[i]);
			agg[P->parent[i]] = 1;
		}
	for (i = 0; i < P->n; i++)
		if (agg[i])
		{
			double		den = fmax(1.0, fmax(fabs(y[i]), ca[i]));
			double		e = fabs(y[i] - cs[i]) / den;

			if (e > worst || isnan(e))
				worst = isnan(e) ? INFINITY : e;
		}
	free(cs);
	free(ca);
	free(agg);
	return worst;
}

/* ---------- dense linear algebra ---------- */

/* Solve A x = b (n x n row-major, destroyed) by Gaussian elimination. */
static int
dense_solve(double *A, double *b, int n)
{
	int			i,
				j,
				k;

	for (k = 0; k < n; k++)
	{
		int			piv = k;
		double		tmp;

		for (i = k + 1; i < n; i++)
			if (fabs(A[i * n + k]) > fabs(A[piv * n + k]))
				piv = i;
		if (fabs(A[piv * n + k]) < 1e-300)
			return 0;
		if (piv != k)
		{
			for (j = 0; j < n; j++)
			{
				tmp = A[k * n + j];
				A[k * n + j] = A[piv * n + j];
				A[piv * n + j] = tmp;
			}
			tmp = b[k];
			b[k] = b[piv];
			b[piv] = tmp;
		}
		for (i = k + 1; i < n; i++)
		{
			double		f = A[i * n + k] / A[k * n + k];

			for (j = k; j < n; j++)
				A[i * n + j] -= f * A[k * n + j];
			b[i] -= f * b[k];
		}
	}
	for (i = n - 1; i >= 0; i--)
	{
		double		s = b[i];

		for (j = i + 1; j < n; j++)
			s -= A[i * n + j] * b[j];
		b[i] = s / A[i * n + i];
	}
	return 1;
}

/* Inverse of the n x n matrix W (row-major) into Wi. */
static int
dense_inverse(const double *W, double *Wi, int n)
{
	double	   *A = malloc(sizeof(double) * n * n);
	double	   *b = malloc(sizeof(double) * n);
	int			i,
				j,
				ok = 1;

	for (j = 0; j < n && ok; j++)
	{
		memcpy(A, W, sizeof(double) * n * n);
		for (i = 0; i < n; i++)
			b[i] = i == j ? 1.0 : 0.0;
		ok = dense_solve(A, b, n);
		for (i = 0; i < n; i++)
			Wi[i * n + j] = b[i];
	}
	free(A);
	free(b);
	return ok;
}

/*
 * The summing matrix S (n x m) over the leaves, with leaves in `free`
 * only (others held at zero: their columns are dropped).  Returns m.
 */
static int
dense_S(const Prob *P, const int *freeleaf, double *S, int *leafcol)
{
	int			i,
				m = 0;

	for (i = 0; i < P->n; i++)
	{
		leafcol[i] = -1;
		if (is_leaf(P, i) && (freeleaf == NULL || freeleaf[i]))
			leafcol[i] = m++;
	}
	memset(S, 0, sizeof(double) * P->n * (m + 1));
	for (i = 0; i < P->n; i++)
		if (leafcol[i] >= 0)
		{
			int			v;

			for (v = i; v >= 0; v = P->parent[v])
				S[v * m + leafcol[i]] = 1.0;
		}
	return m;
}

/*
 * ytilde = S (S' Wi S)^-1 S' Wi y for the dense inverse weight Wi (n x n);
 * also returns the cost (y - yt)' Wi (y - yt).
 */
static double
dense_gls(const Prob *P, const int *freeleaf, const double *Wi,
		  const double *y, double *yt)
{
	int			n = P->n;
	double	   *S = malloc(sizeof(double) * n * (n + 1));
	int		   *lc = malloc(sizeof(int) * n);
	int			m = dense_S(P, freeleaf, S, lc);
	double	   *A = calloc((size_t) m * m + 1, sizeof(double));
	double	   *b = calloc(m + 1, sizeof(double));
	double	   *WiS = calloc((size_t) n * (m + 1), sizeof(double));
	double		cost = 0.0;
	int			i,
				j,
				k;

	for (i = 0; i < n; i++)
		for (j = 0; j < m; j++)
			for (k = 0; k < n; k++)
				WiS[i * m + j] += Wi[i * n + k] * S[k * m + j];
	for (i = 0; i < m; i++)
	{
		for (j = 0; j < m; j++)
			for (k = 0; k < n; k++)
				A[i * m + j] += S[k * m + i] * WiS[k * m + j];
		for (k = 0; k < n; k++)
			b[i] += WiS[k * m + i] * y[k];
	}
	if (m > 0)
		dense_solve(A, b, m);
	for (i = 0; i < n; i++)
	{
		yt[i] = 0.0;
		for (j = 0; j < m; j++)
			yt[i] += S[i * m + j] * b[j];
	}
	for (i = 0; i < n; i++)
		for (k = 0; k < n; k++)
			cost += (y[i] - yt[i]) * Wi[i * n + k] * (y[k] - yt[k]);
	free(S);
	free(lc);
	free(A);
	free(b);
	free(WiS);
	return cost;
}

/* Dense Schafer-Strimmer lambda, transcribed from R's hts::shrink.estim. */
static double
dense_lambda(const Prob *P)
{
	int			n = P->n,
				T = P->t,
				i,
				j,
				t;
	double	   *var = calloc(n, sizeof(double));
	double		sv = 0.0,
				sd = 0.0,
				lambda;

	for (i = 0; i < n; i++)
	{
		for (t = 0; t < T; t++)
			var[i] += P->resid[i][t] * P->resid[i][t];
		var[i] /= T;
	}
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++)
		{
			double		c2 = 0.0,
						c1 = 0.0,
						v,
						r;

			if (i == j)
				continue;
			for (t = 0; t < T; t++)
			{
				double		xi = P->resid[i][t] / sqrt(var[i]);
				double		xj = P->resid[j][t] / sqrt(var[j]);

				c2 += xi * xi * xj * xj;
				c1 += xi * xj;
			}
			v = (c2 - c1 * c1 / T) / ((double) T * (T - 1));
			r = c1 / T;
			sv += v;
			sd += r * r;
		}
	lambda = sv / sd;
	lambda = fmax(fmin(lambda, 1.0), 0.0);
	free(var);
	return lambda;
}

/* Dense covariance W for a method (n x n). */
static void
dense_W(const Prob *P, FcRecMethod method, double lambda, double *W)
{
	int			n = P->n,
				T = P->t,
				i,
				j,
				t;

	memset(W, 0, sizeof(double) * n * n);
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++)
		{
			double		s = 0.0;

			if (method == FC_REC_OLS)
				s = i == j ? 1.0 : 0.0;
			else if (method == FC_REC_WLS_STRUCT)
			{
				if (i == j)
				{
					int			k;

					for (k = 0; k < n; k++)
					{
						int			v;

						if (!is_leaf(P, k))
							continue;
						for (v = k; v >= 0; v = P->parent[v])
							if (v == i)
								s += 1.0;
					}
				}
			}
			else
			{
				for (t = 0; t < T; t++)
					s += P->resid[i][t] * P->resid[j][t];
				s /= T;
				if (method == FC_REC_WLS_VAR && i != j)
					s = 0.0;
				if (method == FC_REC_MINT_SHRINK && i != j)
					s *= 1.0 - lambda;
			}
			W[i * n + j] = s;
		}
}

static double
max_abs(const double *y, int n)
{
	double		m = 1.0;
	int			i;

	for (i = 0; i < n; i++)
		if (fabs(y[i]) > m)
			m = fabs(y[i]);
	return m;
}

/* ---------- tests ---------- */

static const FcRecMethod all_methods[] = {
	FC_REC_BU, FC_REC_TD_GSA, FC_REC_TD_PHA, FC_REC_TD_FP, FC_REC_MO,
	FC_REC_OLS, FC_REC_WLS_STRUCT, FC_REC_WLS_VAR, FC_REC_MINT_SHRINK,
	FC_REC_MINT_SAMPLE
};
#define N_METHODS ((int) (sizeof(all_methods) / sizeof(all_methods[0])))

static void
test_coherence_all_methods(void)
{
	static const int sizes[] = {1, 2, 3, 7, 20, 60};
	int			si,
				mi,
				rep;

	for (si = 0; si < (int) (sizeof(sizes) / sizeof(sizes[0])); si++)
		for (rep = 0; rep < 3; rep++)
		{
			Prob		P;
			FcRecProblem p;
			int			nn;

			random_problem(&P, sizes[si], 4, 30, rep == 2 ? 0.15 : 0.0);
			fill_problem(&P, &p);
			for (nn = 0; nn < 2; nn++)
				for (mi = 0; mi < N_METHODS; mi++)
				{
					FcRecInfo	info;
					FcStatus	st;
					int			k;
					double		worst = 0.0;
					int			negative = 0;

					p.nonnegative = nn;
					st = fc_reconcile(all_methods[mi], &p, P.out, &info);
					CHECK(st == FC_OK, "%s n=%d rep=%d nonneg=%d: status %d reason %d",
						  fc_rec_method_name(all_methods[mi]), P.n, rep, nn, st, info.reason);
					if (st != FC_OK)
						continue;
					for (k = 0; k < P.h; k++)
					{
						double		e = coherence_error(&P, P.out[k]);
						int			i;

						if (e > worst)
							worst = e;
						for (i = 0; i < P.n; i++)
							if (P.out[k][i] < 0.0)
								negative++;
					}
					CHECK(worst <= 1e-9, "%s n=%d rep=%d nonneg=%d: coherence error %g",
						  fc_rec_method_name(all_methods[mi]), P.n, rep, nn, worst);
					if (nn)
						CHECK(negative == 0, "%s n=%d nonneg: %d negative values",
							  fc_rec_method_name(all_methods[mi]), P.n, negative);
				}
			prob_free(&P);
		}
}

/* out may alias yhat: same results as with separate arrays */
static void
test_in_place(void)
{
	int			mi;

	for (mi = 0; mi < N_METHODS; mi++)
	{
		Prob		P;
		FcRecProblem p;
		FcRecInfo	info;
		double	  **copy;
		int			k,
					i,
					nn,
					bad = 0;

		/* a forest, except for mo (a lone root would sit above level 2) */
		random_problem(&P, 25, 3, 30, all_methods[mi] == FC_REC_MO ? 0.0 : 0.1);
		copy = calloc(P.h, sizeof(double *));
		for (nn = 0; nn < 2; nn++)
		{
			fill_problem(&P, &p);
			p.nonnegative = nn;
			p.level = 2;
			for (k = 0; k < P.h; k++)
			{
				copy[k] = malloc(sizeof(double) * P.n);
				memcpy(copy[k], P.yhat[k], sizeof(double) * P.n);
			}
			if (fc_reconcile(all_methods[mi], &p, P.out, &info) != FC_OK)
				bad++;
			p.yhat = (const double *const *) copy;
			if (fc_reconcile(all_methods[mi], &p, copy, &info) != FC_OK)
				bad++;
			for (k = 0; k < P.h; k++)
			{
				for (i = 0; i < P.n; i++)
					if (copy[k][i] != P.out[k][i])
						bad++;
				free(copy[k]);
			}
		}
		CHECK(bad == 0, "%s in place: %d differences", fc_rec_method_name(all_methods[mi]), bad);
		free(copy);
		prob_free(&P);
	}
}

static void
test_bu_sum_of_leaves(void)
{
	Prob		P;
	FcRecProblem p;
	FcRecInfo	info;
	int			i,
				k,
				bad = 0;

	random_problem(&P, 200, 3, 5, 0.05);
	fill_problem(&P, &p);
	CHECK(fc_reconcile(FC_REC_BU, &p, P.out, &info) == FC_OK, "bu status");
	for (k = 0; k < P.h; k++)
		for (i = 0; i < P.n; i++)
		{
			double		s = 0.0;
			int			j;

			if (is_leaf(&P, i))
			{
				if (P.out[k][i] != P.yhat[k][i])
					bad++;
				continue;
			}
			/* sum of the leaves below i, directly */
			for (j = i + 1; j < P.n; j++)
			{
				int			v;

				if (!is_leaf(&P, j))
					continue;
				for (v = j; v >= 0 && v != i; v = P.parent[v])
					;
				if (v == i)
					s += P.yhat[k][j];
			}
			if (fabs(P.out[k][i] - s) > 1e-12 * fmax(1.0, fabs(s)))
				bad++;
		}
	CHECK(bad == 0, "bu: %d nodes differ from the sum of their leaves", bad);
	prob_free(&P);
}

static void
test_dense_comparison(void)
{
	static const FcRecMethod ms[] = {
		FC_REC_OLS, FC_REC_WLS_STRUCT, FC_REC_WLS_VAR, FC_REC_MINT_SHRINK,
		FC_REC_MINT_SAMPLE
	};
	static const int sizes[] = {3, 5, 12, 25, 40};
	static const int lengths[] = {60, 80, 100, 20, 120};
	int			si,
				mi;

	for (si = 0; si < (int) (sizeof(sizes) / sizeof(sizes[0])); si++)
	{
		Prob		P;
		FcRecProblem p;
		int			n = sizes[si];
		double	   *W = malloc(sizeof(double) * n * n);
		double	   *Wi = malloc(sizeof(double) * n * n);
		double	   *yt = malloc(sizeof(double) * n);
		double		lam;

		random_problem(&P, n, 3, lengths[si], si == 3 ? 0.2 : 0.0);
		fill_problem(&P, &p);
		lam = dense_lambda(&P);
		for (mi = 0; mi < (int) (sizeof(ms) / sizeof(ms[0])); mi++)
		{
			FcRecInfo	info;
			FcStatus	st = fc_reconcile(ms[mi], &p, P.out, &info);
			double		worst = 0.0;
			int			k,
						i;
			FcRecMethod dm = ms[mi];

			CHECK(st == FC_OK, "dense %s n=%d: status %d", fc_rec_method_name(ms[mi]), n, st);
			if (st != FC_OK)
				continue;
			if (ms[mi] == FC_REC_MINT_SHRINK)
				CHECK(fabs(info.lambda - lam) < 1e-10,
					  "lambda n=%d t=%d: kernel %.15g dense %.15g", n, P.t, info.lambda, lam);
			if (ms[mi] == FC_REC_MINT_SAMPLE)
			{
				CHECK(info.fell_back == (P.t < n),
					  "mint_sample n=%d t=%d: fell_back %d", n, P.t, info.fell_back);
				if (info.fell_back)
					dm = FC_REC_MINT_SHRINK;
			}
			dense_W(&P, dm, lam, W);
			CHECK(dense_inverse(W, Wi, n), "dense inverse n=%d", n);
			for (k = 0; k < P.h; k++)
			{
				double		sc = max_abs(P.yhat[k], n);

				dense_gls(&P, NULL, Wi, P.yhat[k], yt);
				for (i = 0; i < n; i++)
				{
					double		e = fabs(yt[i] - P.out[k][i]) / sc;

					if (e > worst)
						worst = e;
				}
			}
			CHECK(worst < 1e-8, "dense %s n=%d: max relative difference %g",
				  fc_rec_method_name(ms[mi]), n, worst);
		}
		free(W);
		free(Wi);
		free(yt);
		prob_free(&P);
	}
}

static void
test_lambda_paths(void)
{
	/* t <= n uses the t x t Gram matrix, t > n the pairwise loop */
	static const int ns[] = {10, 10, 50, 3};
	static const int ts[] = {5, 40, 50, 200};
	int			c;

	for (c = 0; c < 4; c++)
	{
		Prob		P;
		double	   *var = calloc(ns[c], sizeof(double));
		int			i,
					t;
		double		a,
					b;

		random_problem(&P, ns[c], 1, ts[c], 0.0);
		for (i = 0; i < P.n; i++)
		{
			for (t = 0; t < P.t; t++)
				var[i] += P.resid[i][t] * P.resid[i][t];
			var[i] /= P.t;
		}
		a = fc_rec_shrink_lambda(P.n, P.t, (const double *const *) P.resid, var);
		b = dense_lambda(&P);
		CHECK(fabs(a - b) < 1e-10, "lambda n=%d t=%d: %.15g vs dense %.15g", P.n, P.t, a, b);
		free(var);
		prob_free(&P);
	}
}

/* tree 0 = P, 1 = A, 2 = B */
static void
small_tree(Prob *P, double yp, double ya, double yb)
{
	prob_alloc(P, 3, 1, 2);
	P->parent[0] = -1;
	P->parent[1] = 0;
	P->parent[2] = 0;
	P->yhat[0][0] = yp;
	P->yhat[0][1] = ya;
	P->yhat[0][2] = yb;
}

static int
close3(const double *y, double a, double b, double c)
{
	return fabs(y[0] - a) < 1e-12 && fabs(y[1] - b) < 1e-12 && fabs(y[2] - c) < 1e-12;
}

static void
test_closed_forms(void)
{
	Prob		P;
	FcRecProblem p;
	FcRecInfo	info;
	double		d;

	small_tree(&P, 100.0, 30.0, 50.0);
	fill_problem(&P, &p);
	d = 100.0 - 30.0 - 50.0;	/* coherence gap 20 */

	/* OLS: the gap is split equally over the three series */
	fc_reconcile(FC_REC_OLS, &p, P.out, &info);
	CHECK(close3(P.out[0], 100.0 - d / 3, 30.0 + d / 3, 50.0 + d / 3),
		  "ols closed form: %g %g %g", P.out[0][0], P.out[0][1], P.out[0][2]);

	/* WLS structural: W = diag(2,1,1): P - d/2, A + d/4, B + d/4 */
	fc_reconcile(FC_REC_WLS_STRUCT, &p, P.out, &info);
	CHECK(close3(P.out[0], 100.0 - d / 2, 30.0 + d / 4, 50.0 + d / 4),
		  "wls_struct closed form: %g %g %g", P.out[0][0], P.out[0][1], P.out[0][2]);

	/* WLS variance: W = diag(4, 1, 1) -> U'WU = 6: P - 4d/6, A + d/6, B + d/6 */
	{
		double		var[3] = {4.0, 1.0, 1.0};

		p.node_var = var;
		p.resid = NULL;
		fc_reconcile(FC_REC_WLS_VAR, &p, P.out, &info);
		CHECK(close3(P.out[0], 100.0 - 4 * d / 6, 30.0 + d / 6, 50.0 + d / 6),
			  "wls_var closed form: %g %g %g", P.out[0][0], P.out[0][1], P.out[0][2]);
		p.node_var = NULL;
		p.resid = (const double *const *) P.resid;
	}

	/* bottom-up */
	fc_reconcile(FC_REC_BU, &p, P.out, &info);
	CHECK(close3(P.out[0], 80.0, 30.0, 50.0), "bu closed form");

	/* td_fp: 100 split 30:50 */
	fc_reconcile(FC_REC_TD_FP, &p, P.out, &info);
	CHECK(close3(P.out[0], 100.0, 37.5, 62.5), "td_fp closed form: %g %g %g",
		  P.out[0][0], P.out[0][1], P.out[0][2]);

	/* history: total 10, 20; A 4, 6; B 6, 14 */
	P.hist[0][0] = 10;
	P.hist[0][1] = 20;
	P.hist[1][0] = 4;
	P.hist[1][1] = 6;
	P.hist[2][0] = 6;
	P.hist[2][1] = 14;
	fc_reconcile(FC_REC_TD_GSA, &p, P.out, &info);
	CHECK(close3(P.out[0], 100.0, 35.0, 65.0), "td_gsa closed form: %g %g %g",
		  P.out[0][0], P.out[0][1], P.out[0][2]);
	fc_reconcile(FC_REC_TD_PHA, &p, P.out, &info);
	CHECK(close3(P.out[0], 100.0, 100.0 / 3, 200.0 / 3), "td_pha closed form: %g %g %g",
		  P.out[0][0], P.out[0][1], P.out[0][2]);
	/* root history absent: the sum of the leaves is used (same numbers here) */
	{
		double	   *save = P.hist[0];

		P.hist[0] = NULL;
		fc_reconcile(FC_REC_TD_PHA, &p, P.out, &info);
		CHECK(close3(P.out[0], 100.0, 100.0 / 3, 200.0 / 3), "td_pha without root history");
		P.hist[0] = save;
	}

	/* non-negative OLS: yhat (10, 30, -50): unconstrained gives B < 0 */
	P.yhat[0][0] = 10;
	P.yhat[0][1] = 30;
	P.yhat[0][2] = -50;
	p.nonnegative = true;
	fc_reconcile(FC_REC_OLS, &p, P.out, &info);
	/* with B = 0: minimise (x - 10)^2 + (x - 30)^2 -> x = 20 */
	CHECK(close3(P.out[0], 20.0, 20.0, 0.0), "nonnegative ols closed form: %g %g %g",
		  P.out[0][0], P.out[0][1], P.out[0][2]);
	fc_reconcile(FC_REC_BU, &p, P.out, &info);
	CHECK(close3(P.out[0], 30.0, 30.0, 0.0), "nonnegative bu: negative leaf set to zero");
	p.nonnegative = false;
	prob_free(&P);

	/*
	 * Middle-out on T -> {A, B}, A -> {a1, a2}, B -> {b1}: level 2 keeps A
	 * and B, splits A by forecast proportions, sums to T.
	 */
	prob_alloc(&P, 6, 1, 2);
	P.parent[0] = -1;
	P.parent[1] = 0;			/* A */
	P.parent[2] = 0;			/* B */
	P.parent[3] = 1;			/* a1 */
	P.parent[4] = 1;			/* a2 */
	P.parent[5] = 2;			/* b1 */
	P.yhat[0][0] = 999;
	P.yhat[0][1] = 60;
	P.yhat[0][2] = 25;
	P.yhat[0][3] = 10;
	P.yhat[0][4] = 30;
	P.yhat[0][5] = 7;
	fill_problem(&P, &p);
	p.level = 2;
	CHECK(fc_reconcile(FC_REC_MO, &p, P.out, &info) == FC_OK, "mo status");
	CHECK(fabs(P.out[0][0] - 85) < 1e-12 && fabs(P.out[0][1] - 60) < 1e-12 &&
		  fabs(P.out[0][2] - 25) < 1e-12 && fabs(P.out[0][3] - 15) < 1e-12 &&
		  fabs(P.out[0][4] - 45) < 1e-12 && fabs(P.out[0][5] - 25) < 1e-12,
		  "mo closed form: %g %g %g %g %g %g", P.out[0][0], P.out[0][1], P.out[0][2],
		  P.out[0][3], P.out[0][4], P.out[0][5]);
	/* level 1 = td_fp, level 3 = bu here */
	p.level = 3;
	fc_reconcile(FC_REC_MO, &p, P.out, &info);
	CHECK(fabs(P.out[0][0] - 47) < 1e-12 && fabs(P.out[0][3] - 10) < 1e-12,
		  "mo at the bottom level is bottom-up");
	p.level = 4;
	CHECK(fc_reconcile(FC_REC_MO, &p, P.out, &info) == FC_ERR_BAD_ARGUMENT &&
		  info.reason == FC_REC_LEVEL_RANGE && info.bad_value == 3,
		  "mo level 4 of a 3-level tree is rejected");
	p.level = 0;
	CHECK(fc_reconcile(FC_REC_MO, &p, P.out, &info) == FC_ERR_BAD_ARGUMENT &&
		  info.reason == FC_REC_LEVEL_RANGE, "mo level 0 is rejected");
	prob_free(&P);

	/* unbalanced: T -> {A, b}, A -> {a1}; b is a leaf at depth 2 */
	prob_alloc(&P, 4, 1, 2);
	P.parent[0] = -1;
	P.parent[1] = 0;
	P.parent[2] = 1;
	P.parent[3] = 0;
	P.yhat[0][0] = 10;
	P.yhat[0][1] = 4;
	P.yhat[0][2] = 5;
	P.yhat[0][3] = 3;
	fill_problem(&P, &p);
	p.level = 3;
	CHECK(fc_reconcile(FC_REC_MO, &p, P.out, &info) == FC_ERR_BAD_ARGUMENT &&
		  info.reason == FC_REC_LEAF_ABOVE_LEVEL && info.bad_node == 3 && info.bad_value == 2,
		  "mo below a shallow leaf is rejected (reason %d node %d)", info.reason, info.bad_node);
	p.level = 2;
	CHECK(fc_reconcile(FC_REC_MO, &p, P.out, &info) == FC_OK &&
		  fabs(P.out[0][0] - 7) < 1e-12 && fabs(P.out[0][2] - 4) < 1e-12,
		  "mo at level 2 of an unbalanced tree");
	prob_free(&P);
}

/*
 * Non-negative reconciliation against brute force: for every subset of
 * leaves held at zero, the equality-constrained optimum; the best feasible
 * one is the constrained optimum.
 */
static void
test_nonnegative_brute_force(void)
{
	static const FcRecMethod ms[] = {
		FC_REC_OLS, FC_REC_WLS_STRUCT, FC_REC_WLS_VAR, FC_REC_MINT_SHRINK, FC_REC_MINT_SAMPLE
	};
	int			rep,
				mi;

	for (rep = 0; rep < 40; rep++)
	{
		Prob		P;
		FcRecProblem p;
		int			n = 5 + rep % 4 * 2;
		int			i,
					k;
		double	   *W = malloc(sizeof(double) * n * n);
		double	   *Wi = malloc(sizeof(double) * n * n);
		double	   *yt = malloc(sizeof(double) * n);
		double	   *best = malloc(sizeof(double) * n);
		int		   *leaves = malloc(sizeof(int) * n);
		int		   *freeleaf = malloc(sizeof(int) * n);
		int			nl = 0;
		double		lam;

		random_problem(&P, n, 2, 40, 0.0);
		/* push several forecasts below zero */
		for (k = 0; k < P.h; k++)
			for (i = 0; i < n; i++)
				if (urand() < 0.2 + 0.4 * (rep % 2))
					P.yhat[k][i] = -fabs(P.yhat[k][i]) * urand() * (1 + rep % 3);
		for (i = 0; i < n; i++)
			if (is_leaf(&P, i))
				leaves[nl++] = i;
		fill_problem(&P, &p);
		p.nonnegative = true;
		lam = dense_lambda(&P);
		for (mi = 0; mi < (int) (sizeof(ms) / sizeof(ms[0])); mi++)
		{
			FcRecInfo	info;
			FcStatus	st = fc_reconcile(ms[mi], &p, P.out, &info);
			FcRecMethod dm = ms[mi];

			CHECK(st == FC_OK, "nonneg %s: status %d", fc_rec_method_name(ms[mi]), st);
			if (dm == FC_REC_MINT_SAMPLE && info.fell_back)
				dm = FC_REC_MINT_SHRINK;
			dense_W(&P, dm, lam, W);
			dense_inverse(W, Wi, n);
			for (k = 0; k < P.h; k++)
			{
				double		best_cost = INFINITY;
				double		worst = 0.0;
				unsigned	mask;

				for (mask = 0; mask < (1u << nl); mask++)
				{
					double		cost;
					int			ok = 1;

					for (i = 0; i < n; i++)
						freeleaf[i] = 0;
					for (i = 0; i < nl; i++)
						freeleaf[leaves[i]] = (mask >> i) & 1;
					cost = dense_gls(&P, freeleaf, Wi, P.yhat[k], yt);
					for (i = 0; i < nl; i++)
						if (yt[leaves[i]] < -1e-10)
							ok = 0;
					if (ok && cost < best_cost)
					{
						best_cost = cost;
						memcpy(best, yt, sizeof(double) * n);
					}
				}
				for (i = 0; i < n; i++)
					worst = fmax(worst, fabs(best[i] - P.out[k][i]) / max_abs(P.yhat[k], n));
				CHECK(worst < 1e-7, "nonneg %s rep %d step %d: differs from brute force by %g",
					  fc_rec_method_name(ms[mi]), rep, k, worst);
			}
			CHECK(info.nonneg_unconverged == 0, "nonneg %s converged", fc_rec_method_name(ms[mi]));
		}
		free(W);
		free(Wi);
		free(yt);
		free(best);
		free(leaves);
		free(freeleaf);
		prob_free(&P);
	}
}

/*
 * Non-negative MinT past FC_REC_NONNEG_MAX_SYSTEM leaves held at zero: the
 * step falls back to setting negatives to zero; still coherent and >= 0.
 */
static void
test_nonnegative_mint_cap(void)
{
	Prob		P;
	FcRecProblem p;
	FcRecInfo	info;
	int			n = FC_REC_NONNEG_MAX_SYSTEM + 200,
				i,
				neg = 0;
	FcStatus	st;

	random_problem(&P, n, 1, 30, 0.0);
	for (i = 1; i < n; i++)
		P.parent[i] = 0;		/* one root over n - 1 leaves */
	P.yhat[0][0] = 10.0;
	for (i = 1; i < n; i++)
		P.yhat[0][i] = i % 2 ? -1.0 : 0.001;
	fill_problem(&P, &p);
	p.nonnegative = true;
	st = fc_reconcile(FC_REC_MINT_SHRINK, &p, P.out, &info);
	for (i = 0; i < n; i++)
		if (P.out[0][i] < 0.0)
			neg++;
	CHECK(st == FC_OK && info.nonneg_unconverged == 1 && neg == 0 &&
		  coherence_error(&P, P.out[0]) < 1e-12,
		  "nonneg mint past the active-set cap: status %d unconverged %d negatives %d",
		  st, info.nonneg_unconverged, neg);
	prob_free(&P);
}

static void
test_bad_inputs(void)
{
	Prob		P;
	FcRecProblem p;
	FcRecInfo	info;
	int			save;
	double		v;

	small_tree(&P, 100.0, 30.0, 50.0);
	fill_problem(&P, &p);

	/* parent after child: caller bug, not a crash */
	save = P.parent[2];
	P.parent[2] = 2;
	CHECK(fc_reconcile(FC_REC_BU, &p, P.out, &info) == FC_ERR_BAD_ARGUMENT &&
		  info.reason == FC_REC_BAD_STRUCTURE, "self parent rejected");
	P.parent[2] = save;

	v = P.yhat[0][1];
	P.yhat[0][1] = NAN;
	CHECK(fc_reconcile(FC_REC_OLS, &p, P.out, &info) == FC_ERR_NONFINITE, "NaN forecast rejected");
	P.yhat[0][1] = INFINITY;
	CHECK(fc_reconcile(FC_REC_OLS, &p, P.out, &info) == FC_ERR_NONFINITE, "Inf forecast rejected");
	P.yhat[0][1] = v;

	/* zero-variance residuals */
	memset(P.resid[1], 0, sizeof(double) * P.t);
	P.resid[0][0] = 1;
	P.resid[0][1] = -1;
	P.resid[2][0] = 2;
	P.resid[2][1] = 1;
	CHECK(fc_reconcile(FC_REC_WLS_VAR, &p, P.out, &info) == FC_ERR_BAD_ARGUMENT &&
		  info.reason == FC_REC_ZERO_VARIANCE && info.bad_node == 1, "wls_var zero variance");
	CHECK(fc_reconcile(FC_REC_MINT_SHRINK, &p, P.out, &info) == FC_ERR_BAD_ARGUMENT &&
		  info.reason == FC_REC_ZERO_VARIANCE && info.bad_node == 1, "mint zero variance");

	/* missing residuals */
	{
		double	   *r = P.resid[2];

		P.resid[2] = NULL;
		CHECK(fc_reconcile(FC_REC_MINT_SAMPLE, &p, P.out, &info) == FC_ERR_MISSING_VALUE &&
			  info.reason == FC_REC_NO_RESID && info.bad_node == 2, "mint missing residuals");
		P.resid[2] = r;
	}
	/* too few residuals */
	p.t = 1;
	P.resid[1][0] = 1;
	CHECK(fc_reconcile(FC_REC_MINT_SHRINK, &p, P.out, &info) == FC_ERR_TOO_SHORT &&
		  info.reason == FC_REC_TOO_FEW_RESID, "mint t=1");
	p.t = 2;
	/* MinT system too large */
	P.resid[1][1] = 3;
	p.max_agg = 0;
	{
		FcRecProblem q = p;

		q.max_agg = 1;
		CHECK(fc_reconcile(FC_REC_MINT_SHRINK, &q, P.out, &info) == FC_OK, "max_agg 1 is enough");
		P.parent[2] = 1;		/* chain: 2 aggregates */
		CHECK(fc_reconcile(FC_REC_MINT_SHRINK, &q, P.out, &info) == FC_ERR_BAD_ARGUMENT &&
			  info.reason == FC_REC_TOO_MANY_AGG, "max_agg exceeded");
		P.parent[2] = 0;
	}

	/* history of a leaf missing; root total zero */
	{
		double	   *hsave = P.hist[1];

		P.hist[1] = NULL;
		CHECK(fc_reconcile(FC_REC_TD_GSA, &p, P.out, &info) == FC_ERR_MISSING_VALUE &&
			  info.reason == FC_REC_NO_HISTORY && info.bad_node == 1, "td missing leaf history");
		P.hist[1] = hsave;
		memset(P.hist[0], 0, sizeof(double) * P.t);
		CHECK(fc_reconcile(FC_REC_TD_PHA, &p, P.out, &info) == FC_ERR_BAD_ARGUMENT &&
			  info.reason == FC_REC_ZERO_TOTAL && info.bad_node == 0, "td zero total");
		CHECK(fc_reconcile(FC_REC_TD_GSA, &p, P.out, &info) == FC_ERR_BAD_ARGUMENT &&
			  info.reason == FC_REC_ZERO_TOTAL, "td_gsa zero total");
	}

	/* sample covariance singular (t < n): falls back to shrinkage */
	{
		Prob		Q;
		FcRecProblem q;

		random_problem(&Q, 30, 2, 10, 0.0);
		fill_problem(&Q, &q);
		CHECK(fc_reconcile(FC_REC_MINT_SAMPLE, &q, Q.out, &info) == FC_OK && info.fell_back &&
			  info.lambda > 0.0, "mint_sample t < n falls back (lambda %g)", info.lambda);
		prob_free(&Q);
	}
	/* exactly collinear residuals with t >= n: singular, falls back */
	{
		int			t;

		prob_free(&P);
		prob_alloc(&P, 3, 1, 6);
		P.parent[0] = -1;
		P.parent[1] = 0;
		P.parent[2] = 0;
		P.yhat[0][0] = 100;
		P.yhat[0][1] = 30;
		P.yhat[0][2] = 50;
		for (t = 0; t < 6; t++)
		{
			P.resid[1][t] = nrand();
			P.resid[2][t] = nrand();
			P.resid[0][t] = P.resid[1][t] + P.resid[2][t];	/* coherent errors */
		}
		fill_problem(&P, &p);
		CHECK(fc_reconcile(FC_REC_MINT_SAMPLE, &p, P.out, &info) == FC_OK && info.fell_back,
			  "mint_sample with collinear residuals falls back");
		CHECK(coherence_error(&P, P.out[0]) < 1e-12, "fallback result coherent");
	}
	prob_free(&P);

	/* empty problem */
	memset(&p, 0, sizeof(p));
	CHECK(fc_reconcile(FC_REC_MINT_SHRINK, &p, NULL, &info) != FC_OK ||
		  info.reason == FC_REC_OK, "empty problem does not crash");
	CHECK(fc_reconcile(FC_REC_BU, &p, NULL, &info) == FC_OK, "empty bu ok");
}

static void
test_coherence_measure(void)
{
	Prob		P;
	FcRecCoherence c;

	small_tree(&P, 100.0, 30.0, 50.0);
	fc_rec_coherence(3, P.parent, P.yhat[0], &c);
	CHECK(c.n_parents == 1 && fabs(c.max_abs_gap - 20) < 1e-12 &&
		  fabs(c.max_rel_gap - 0.2) < 1e-12 && fabs(c.mean_rel_gap - 0.2) < 1e-12 &&
		  c.worst_node == 0, "coherence of (100; 30, 50): rel %g abs %g", c.max_rel_gap, c.max_abs_gap);
	P.yhat[0][0] = 80;
	fc_rec_coherence(3, P.parent, P.yhat[0], &c);
	CHECK(c.max_rel_gap == 0.0 && c.max_abs_gap == 0.0, "coherent input has zero gap");
	prob_free(&P);
}

/* Large random tree: time bu and wls_struct (not part of the checks). */
static int
run_bench(int n, int h)
{
	Prob		P;
	FcRecProblem p;
	FcRecInfo	info;
	int			i,
				k;
	clock_t		c0;

	P.n = n;
	P.h = h;
	P.t = 0;
	P.parent = malloc(sizeof(int) * n);
	P.yhat = malloc(sizeof(double *) * h);
	P.out = malloc(sizeof(double *) * h);
	/* 4 levels with fan-out 10, 100, ...: preorder-like parents */
	P.parent[0] = -1;
	for (i = 1; i < n; i++)
		P.parent[i] = i < 11 ? 0 : i < 111 ? 1 + (i - 11) / 10 : i < 1111 ? 11 + (i - 111) / 10 :
			111 + (int) ((long) (i - 1111) * 1000 / (n - 1111 + 1));
	for (k = 0; k < h; k++)
	{
		P.yhat[k] = malloc(sizeof(double) * n);
		P.out[k] = malloc(sizeof(double) * n);
		for (i = 0; i < n; i++)
			P.yhat[k][i] = 10.0 * urand();
	}
	memset(&p, 0, sizeof(p));
	p.n = n;
	p.parent = P.parent;
	p.h = h;
	p.yhat = (const double *const *) P.yhat;
	c0 = clock();
	fc_reconcile(FC_REC_BU, &p, P.out, &info);
	printf("bu         n=%d h=%d: %.3f s\n", n, h, (double) (clock() - c0) / CLOCKS_PER_SEC);
	c0 = clock();
	fc_reconcile(FC_REC_WLS_STRUCT, &p, P.out, &info);
	printf("wls_struct n=%d h=%d: %.3f s\n", n, h, (double) (clock() - c0) / CLOCKS_PER_SEC);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc > 3 && strcmp(argv[1], "--bench") == 0)
		return run_bench(atoi(argv[2]), atoi(argv[3]));

	test_closed_forms();
	test_bu_sum_of_leaves();
	test_in_place();
	test_coherence_all_methods();
	test_dense_comparison();
	test_lambda_paths();
	test_nonnegative_brute_force();
	test_nonnegative_mint_cap();
	test_bad_inputs();
	test_coherence_measure();
	printf("%d passed, %d failed\n", n_pass, n_fail);
	return n_fail > 0;
}
