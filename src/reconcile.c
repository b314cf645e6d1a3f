/*
 * reconcile.c
 *	  Hierarchical forecast reconciliation kernel: bottom-up, top-down (three
 *	  kinds of proportions), middle-out, OLS, WLS (structural and variance
 *	  scaling) and MinT (shrinkage and sample covariance), with an optional
 *	  non-negativity constraint on the bottom level.
 *
 * References:
 *	 Hyndman, Ahmed, Athanasopoulos & Shang (2011), "Optimal combination
 *	   forecasts for hierarchical time series", CSDA 55 (OLS).
 *	 Athanasopoulos, Ahmed & Hyndman (2009), "Hierarchical forecasts for
 *	   Australian domestic tourism", IJF 25 (top-down by forecast proportions).
 *	 Gross & Sohl (1990), "Disaggregation methods to expedite product line
 *	   forecasting", J. Forecasting 9 (historical proportions).
 *	 Wickramasuriya, Athanasopoulos & Hyndman (2019), "Optimal forecast
 *	   reconciliation for hierarchical and grouped time series through trace
 *	   minimization", JASA 114 (WLS, MinT).
 *	 Schafer & Strimmer (2005), "A shrinkage approach to large-scale covariance
 *	   matrix estimation", SAGMB 4 (shrinkage intensity).
 *	 Wickramasuriya, Turlach & Hyndman (2020), "Optimal non-negative forecast
 *	   reconciliation", Statistics and Computing 30.
 *
 * How the structure is exploited
 * ------------------------------
 * For a diagonal W (OLS, WLS) the projection
 *	   ytilde = S (S' W^-1 S)^-1 S' W^-1 yhat
 * minimises sum_v q_v (x_v - yhat_v)^2, q_v = 1/W_vv, over coherent x.  On a
 * tree this is a two-pass dynamic programme.  Bottom-up, the least cost of
 * the subtree of v as a function of v's total x is a_v (x - m_v)^2 + const:
 * a leaf has a = q, m = yhat; the children of an aggregate combine into
 * A (x - M)^2 with 1/A = sum 1/a_c and M = sum m_c (splitting a total x
 * among them optimally), and v's own term gives a_v = q_v + A,
 * m_v = (q_v yhat_v + A M) / a_v.  Top-down, the root total is m_root and
 * each child's total is m_c + (x - M) (1/a_c) / sum(1/a_c).  We carry the
 * compliance c = 1/a instead of a, so that a leaf fixed at zero (the
 * non-negative active set) is simply c = 0.
 *
 * MinT uses the constraint form: with U' = [I_agg  -C] (each aggregate minus
 * the sum of its leaves; U'S = 0),
 *	   ytilde = yhat - W U (U' W U)^-1 U' yhat,
 * where U' yhat are the coherence errors of the aggregates, so only an
 * n_agg x n_agg system is solved.  W is never formed: W v =
 * lambda D v + (1 - lambda) E'(E v)/T from the T x n residual matrix E, and
 * U'WU = lambda U'DU + (1 - lambda) (EU)'(EU)/T with EU computed by one
 * bottom-up pass over E.
 *
 * Every method ends by adding up the leaves (aggregate_up), so the result
 * is coherent to the rounding of those sums whatever the conditioning of
 * the system solved.
 */
#include <math.h>
#include <string.h>

#include "reconcile.h"

#define NONNEG_MAX_ITER 200
#define PG_INT32_MAX_LOCAL 0x7FFFFFFF
#define INTERRUPT_MASK 0xFFFF

static const char *const rec_method_names[FC_REC_METHOD_COUNT] = {
	[FC_REC_BU] = "bu",
	[FC_REC_TD_GSA] = "td_gsa",
	[FC_REC_TD_PHA] = "td_pha",
	[FC_REC_TD_FP] = "td_fp",
	[FC_REC_MO] = "mo",
	[FC_REC_OLS] = "ols",
	[FC_REC_WLS_STRUCT] = "wls_struct",
	[FC_REC_WLS_VAR] = "wls_var",
	[FC_REC_MINT_SHRINK] = "mint_shrink",
	[FC_REC_MINT_SAMPLE] = "mint_sample",
};

int
fc_rec_method_from_name(const char *name)
{
	int			i;

	for (i = 0; i < FC_REC_METHOD_COUNT; i++)
		if (strcmp(name, rec_method_names[i]) == 0)
			return i;
	return -1;
}

const char *
fc_rec_method_name(FcRecMethod m)
{
	if ((int) m < 0 || m >= FC_REC_METHOD_COUNT)
		return "unknown";
	return rec_method_names[m];
}

/* ---------- the tree ---------- */

typedef struct RecTree
{
	int32_t		n;
	const int32_t *parent;
	int32_t    *nchild;			/* number of children */
	int32_t    *depth;			/* root = 1 */
	int32_t    *nleaves;		/* leaves in the subtree (a leaf: 1) */
	int32_t    *agg_of;			/* node -> aggregate index, -1 for leaves */
	int32_t    *agg_node;		/* aggregate index -> node */
	int32_t		n_agg;
	int32_t		n_leaves;
	int32_t		max_depth;
} RecTree;

#define IS_LEAF(tr, i) ((tr)->nchild[i] == 0)

static bool
tree_init(RecTree *tr, int32_t n, const int32_t *parent)
{
	int32_t		i;

	memset(tr, 0, sizeof(*tr));
	tr->n = n;
	tr->parent = parent;
	if (n < 0)
		return false;
	for (i = 0; i < n; i++)
		if (parent[i] < -1 || parent[i] >= i)
			return false;

	tr->nchild = fc_alloc(sizeof(int32_t) * (n + 1));
	tr->depth = fc_alloc(sizeof(int32_t) * (n + 1));
	tr->nleaves = fc_alloc(sizeof(int32_t) * (n + 1));
	tr->agg_of = fc_alloc(sizeof(int32_t) * (n + 1));
	for (i = 0; i < n; i++)
	{
		int32_t		p = parent[i];

		if (p >= 0)
			tr->nchild[p]++;
		tr->depth[i] = p < 0 ? 1 : tr->depth[p] + 1;
		if (tr->depth[i] > tr->max_depth)
			tr->max_depth = tr->depth[i];
	}
	for (i = n - 1; i >= 0; i--)
	{
		if (tr->nchild[i] == 0)
		{
			tr->nleaves[i] = 1;
			tr->n_leaves++;
		}
		if (parent[i] >= 0)
			tr->nleaves[parent[i]] += tr->nleaves[i];
	}
	tr->n_agg = n - tr->n_leaves;
	tr->agg_node = fc_alloc(sizeof(int32_t) * (tr->n_agg + 1));
	tr->n_agg = 0;
	for (i = 0; i < n; i++)
	{
		if (tr->nchild[i] > 0)
		{
			tr->agg_of[i] = tr->n_agg;
			tr->agg_node[tr->n_agg++] = i;
		}
		else
			tr->agg_of[i] = -1;
	}
	return true;
}

static void
tree_free(RecTree *tr)
{
	if (tr->nchild)
		fc_free(tr->nchild);
	if (tr->depth)
		fc_free(tr->depth);
	if (tr->nleaves)
		fc_free(tr->nleaves);
	if (tr->agg_of)
		fc_free(tr->agg_of);
	if (tr->agg_node)
		fc_free(tr->agg_node);
	memset(tr, 0, sizeof(*tr));
}

/*
 * Make y coherent from its leaves: every aggregate becomes the sum of its
 * children.  Children have larger indices than their parent, so a reverse
 * sweep has finished a node before it is added to its parent.
 */
static void
aggregate_up(const RecTree *tr, double *y)
{
	int32_t		i;

	for (i = 0; i < tr->n; i++)
		if (!IS_LEAF(tr, i))
			y[i] = 0.0;
	for (i = tr->n - 1; i >= 0; i--)
	{
		int32_t		p = tr->parent[i];

		if (p >= 0)
			y[p] += y[i];
		if ((i & INTERRUPT_MASK) == 0)
			fc_check_interrupts();
	}
}

/* Set-negative-to-zero on the leaves (for the heuristic methods). */
static void
clamp_leaves(const RecTree *tr, double *y)
{
	int32_t		i;

	for (i = 0; i < tr->n; i++)
		if (IS_LEAF(tr, i) && y[i] < 0.0)
			y[i] = 0.0;
}

static bool
all_finite(const double *y, int32_t n)
{
	int32_t		i;

	for (i = 0; i < n; i++)
		if (!isfinite(y[i]))
			return false;
	return true;
}

static inline double
nonneg(double v, bool on)
{
	return (on && v < 0.0) ? 0.0 : v;
}

/*
 * The base forecasts of step k.  out may be the very arrays of yhat (the
 * SQL face reconciles in place to halve its memory); then they are copied
 * to the scratch array first, because every method writes out[k] while it
 * still reads yhat[k].
 */
static const double *
step_in(const FcRecProblem *p, double *const *out, int32_t k, double *scratch)
{
	if (out[k] != p->yhat[k])
		return p->yhat[k];
	memcpy(scratch, p->yhat[k], sizeof(double) * p->n);
	return scratch;
}

/* ---------- bottom-up ---------- */

static FcStatus
rec_bu(const RecTree *tr, const FcRecProblem *p, double *const *out)
{
	int32_t		k;

	for (k = 0; k < p->h; k++)
	{
		if (out[k] != p->yhat[k])
			memcpy(out[k], p->yhat[k], sizeof(double) * tr->n);
		if (p->nonnegative)
			clamp_leaves(tr, out[k]);
		aggregate_up(tr, out[k]);
	}
	return FC_OK;
}

/* ---------- top-down by historical proportions ---------- */

static FcStatus
rec_td_hist(const RecTree *tr, FcRecMethod method, const FcRecProblem *p,
			double *const *out, FcRecInfo *info, double *scratch)
{
	int32_t		n = tr->n;
	int32_t		T = p->t;
	int32_t    *root;
	double	   *prop;
	double	   *rtot;			/* per root: T totals (rows of n_roots) */
	int32_t    *root_slot;
	int32_t		n_roots = 0;
	int32_t		i,
				k,
				t;
	FcStatus	st = FC_OK;

	root = fc_alloc(sizeof(int32_t) * (n + 1));
	root_slot = fc_alloc(sizeof(int32_t) * (n + 1));
	prop = fc_alloc(sizeof(double) * (n + 1));
	for (i = 0; i < n; i++)
	{
		root[i] = p->parent[i] < 0 ? i : root[p->parent[i]];
		root_slot[i] = -1;
		if (p->parent[i] < 0 && !IS_LEAF(tr, i))
			root_slot[i] = n_roots++;
	}

	/* every leaf below an aggregate root needs its history */
	for (i = 0; i < n; i++)
		if (IS_LEAF(tr, i) && p->parent[i] >= 0 &&
			(T < 1 || p->history == NULL || p->history[i] == NULL))
		{
			info->reason = FC_REC_NO_HISTORY;
			info->bad_node = i;
			st = FC_ERR_MISSING_VALUE;
			goto done;
		}

	/* totals of each root: its own history, else the sum of its leaves */
	rtot = fc_alloc(sizeof(double) * ((size_t) n_roots * (T > 0 ? T : 1) + 1));
	for (i = 0; i < n; i++)
	{
		int32_t		r = root[i];
		double	   *dst;

		if (root_slot[r] < 0)
			continue;
		dst = rtot + (size_t) root_slot[r] * T;
		if (i == r && p->history[r] != NULL)
			memcpy(dst, p->history[r], sizeof(double) * T);
		else if (IS_LEAF(tr, i) && p->history[r] == NULL)
			for (t = 0; t < T; t++)
				dst[t] += p->history[i][t];
	}

	for (i = 0; i < n; i++)
	{
		const double *hi;
		const double *R;
		double		acc = 0.0,
					racc = 0.0;
		int32_t		used = 0;

		if (!IS_LEAF(tr, i) || p->parent[i] < 0)
			continue;
		hi = p->history[i];
		R = rtot + (size_t) root_slot[root[i]] * T;
		if (method == FC_REC_TD_GSA)
		{
			/* mean of the ratios, over the periods with a non-zero total */
			for (t = 0; t < T; t++)
				if (R[t] != 0.0)
				{
					acc += hi[t] / R[t];
					used++;
				}
			prop[i] = used > 0 ? acc / used : NAN;
		}
		else
		{
			/* ratio of the means */
			for (t = 0; t < T; t++)
			{
				acc += hi[t];
				racc += R[t];
			}
			prop[i] = racc != 0.0 ? acc / racc : NAN;
		}
		if (isnan(prop[i]))
		{
			info->reason = FC_REC_ZERO_TOTAL;
			info->bad_node = root[i];
			st = FC_ERR_BAD_ARGUMENT;
			goto done_rtot;
		}
		if (!isfinite(prop[i]))
		{
			info->reason = FC_REC_NONFINITE;
			info->bad_node = i;
			st = FC_ERR_NONFINITE;
			goto done_rtot;
		}
		if ((i & INTERRUPT_MASK) == 0)
			fc_check_interrupts();
	}

	for (k = 0; k < p->h; k++)
	{
		const double *y = step_in(p, out, k, scratch);
		double	   *o = out[k];

		for (i = 0; i < n; i++)
		{
			if (!IS_LEAF(tr, i))
				continue;
			if (p->parent[i] < 0)
				o[i] = nonneg(y[i], p->nonnegative);	/* a lone root */
			else
				o[i] = prop[i] * nonneg(y[root[i]], p->nonnegative);
		}
		if (p->nonnegative)
			clamp_leaves(tr, o);
		aggregate_up(tr, o);
	}

done_rtot:
	fc_free(rtot);
done:
	fc_free(root);
	fc_free(root_slot);
	fc_free(prop);
	return st;
}

/*
 * ---------- top-down by forecast proportions, middle-out ----------
 *
 * Nodes at depth `from` keep their base forecast; each deeper node gets its
 * parent's value times its share of the base forecasts of its siblings
 * (an equal share when those add up to zero); shallower nodes come from
 * adding up.  from = 1 is td_fp.
 */
static FcStatus
rec_fp_split(const RecTree *tr, const FcRecProblem *p, int32_t from,
			 double *const *out, double *scratch)
{
	int32_t		n = tr->n;
	double	   *csum = fc_alloc(sizeof(double) * (n + 1));
	int32_t		i,
				k;

	for (k = 0; k < p->h; k++)
	{
		const double *y = step_in(p, out, k, scratch);
		double	   *o = out[k];
		bool		nn = p->nonnegative;

		for (i = 0; i < n; i++)
			csum[i] = 0.0;
		for (i = 0; i < n; i++)
			if (p->parent[i] >= 0)
				csum[p->parent[i]] += nonneg(y[i], nn);
		for (i = 0; i < n; i++)
		{
			int32_t		d = tr->depth[i];
			int32_t		par = p->parent[i];

			if (d < from)
				o[i] = 0.0;		/* set by aggregate_up */
			else if (d == from)
				o[i] = nonneg(y[i], nn);
			else if (csum[par] != 0.0)
				o[i] = o[par] * (nonneg(y[i], nn) / csum[par]);
			else
				o[i] = o[par] / tr->nchild[par];
			if ((i & INTERRUPT_MASK) == 0)
				fc_check_interrupts();
		}
		if (nn)
			clamp_leaves(tr, o);
		aggregate_up(tr, o);
	}
	fc_free(csum);
	return FC_OK;
}

static FcStatus
rec_mo(const RecTree *tr, const FcRecProblem *p, double *const *out,
	   FcRecInfo *info, double *scratch)
{
	int32_t		i;

	if (p->level < 1 || p->level > tr->max_depth)
	{
		info->reason = FC_REC_LEVEL_RANGE;
		info->bad_value = tr->max_depth;
		return FC_ERR_BAD_ARGUMENT;
	}
	for (i = 0; i < tr->n; i++)
		if (IS_LEAF(tr, i) && tr->depth[i] < p->level)
		{
			info->reason = FC_REC_LEAF_ABOVE_LEVEL;
			info->bad_node = i;
			info->bad_value = tr->depth[i];
			return FC_ERR_BAD_ARGUMENT;
		}
	return rec_fp_split(tr, p, p->level, out, scratch);
}

/* ---------- OLS / WLS: the tree dynamic programme ---------- */

typedef struct DpWork
{
	double	   *m;				/* centre of each node's cost-to-go */
	double	   *c;				/* compliance 1/a of each node */
	double	   *M;				/* sum of the children's m */
	double	   *C;				/* sum of the children's c */
	double	   *g;				/* gradient accumulator (non-negative) */
} DpWork;

/*
 * min sum_v q_v (x_v - y_v)^2 over coherent x, with the leaves flagged in
 * `fixed` held at zero.  x receives every node's total.
 */
static void
dp_solve(const RecTree *tr, const double *q, const double *y,
		 const bool *fixed, double *x, DpWork *w)
{
	int32_t		n = tr->n;
	const int32_t *parent = tr->parent;
	double	   *m = w->m,
			   *c = w->c,
			   *M = w->M,
			   *C = w->C;
	int32_t		i;

	for (i = 0; i < n; i++)
	{
		M[i] = 0.0;
		C[i] = 0.0;
	}
	for (i = n - 1; i >= 0; i--)
	{
		int32_t		p = parent[i];

		if (IS_LEAF(tr, i))
		{
			if (fixed != NULL && fixed[i])
			{
				m[i] = 0.0;
				c[i] = 0.0;
			}
			else
			{
				m[i] = y[i];
				c[i] = 1.0 / q[i];
			}
		}
		else
		{
			double		Cc = C[i];
			double		den = q[i] * Cc + 1.0;

			/* a_v = q_v + 1/Cc, m_v = (q_v y_v + M/Cc) / a_v, c_v = 1/a_v */
			m[i] = (q[i] * y[i] * Cc + M[i]) / den;
			c[i] = Cc / den;
		}
		if (p >= 0)
		{
			M[p] += m[i];
			C[p] += c[i];
		}
		if ((i & INTERRUPT_MASK) == 0)
			fc_check_interrupts();
	}
	for (i = 0; i < n; i++)
	{
		int32_t		p = parent[i];

		if (p < 0)
			x[i] = m[i];
		else if (C[p] > 0.0)
			x[i] = m[i] + (x[p] - M[p]) * (c[i] / C[p]);
		else
			x[i] = m[i];
	}
}

static FcStatus
rec_wls(const RecTree *tr, FcRecMethod method, const FcRecProblem *p,
		double *const *out, FcRecInfo *info, double *scratch)
{
	int32_t		n = tr->n;
	double	   *q = fc_alloc(sizeof(double) * (n + 1));
	DpWork		w;
	bool	   *fixed = NULL;
	int32_t		i,
				k;
	FcStatus	st = FC_OK;

	for (i = 0; i < n; i++)
	{
		double		var;

		switch (method)
		{
			case FC_REC_OLS:
				var = 1.0;
				break;
			case FC_REC_WLS_STRUCT:
				var = tr->nleaves[i];
				break;
			default:			/* FC_REC_WLS_VAR */
				if (p->node_var != NULL)
					var = p->node_var[i];
				else if (p->resid != NULL && p->resid[i] != NULL && p->t > 0)
				{
					int32_t		t;

					var = 0.0;
					for (t = 0; t < p->t; t++)
						var += p->resid[i][t] * p->resid[i][t];
					var /= p->t;
				}
				else
				{
					info->reason = FC_REC_NO_RESID;
					info->bad_node = i;
					st = FC_ERR_MISSING_VALUE;
					goto done;
				}
				break;
		}
		if (!isfinite(var))
		{
			info->reason = FC_REC_NONFINITE;
			info->bad_node = i;
			st = FC_ERR_NONFINITE;
			goto done;
		}
		if (!(var > 0.0))
		{
			info->reason = FC_REC_ZERO_VARIANCE;
			info->bad_node = i;
			st = FC_ERR_BAD_ARGUMENT;
			goto done;
		}
		q[i] = 1.0 / var;
	}

	w.m = fc_alloc(sizeof(double) * (n + 1));
	w.c = fc_alloc(sizeof(double) * (n + 1));
	w.M = fc_alloc(sizeof(double) * (n + 1));
	w.C = fc_alloc(sizeof(double) * (n + 1));
	w.g = fc_alloc(sizeof(double) * (n + 1));
	if (p->nonnegative)
		fixed = fc_alloc(sizeof(bool) * (n + 1));

	for (k = 0; k < p->h; k++)
	{
		const double *y = step_in(p, out, k, scratch);
		double	   *x = out[k];

		if (!p->nonnegative)
			dp_solve(tr, q, y, NULL, x, &w);
		else
		{
			/*
			 * Active set on the leaves: fix the negative ones at zero and
			 * re-solve; when none is negative, release the fixed leaf whose
			 * gradient says the cost falls if it grows (the KKT multiplier
			 * of b_j >= 0 is d cost / d b_j = 2 sum over j and its
			 * ancestors of q_v (x_v - y_v)).
			 */
			double		scale = 0.0;
			int32_t		it;
			bool		converged = false;

			for (i = 0; i < n; i++)
			{
				fixed[i] = false;
				if (fabs(y[i]) * q[i] > scale)
					scale = fabs(y[i]) * q[i];
			}
			for (it = 0; it < NONNEG_MAX_ITER; it++)
			{
				bool		changed = false;
				int32_t		worst = -1;
				double		worst_g = -1e-10 * (scale + 1e-300);

				dp_solve(tr, q, y, fixed, x, &w);
				info->nonneg_iterations++;
				for (i = 0; i < n; i++)
					if (IS_LEAF(tr, i) && !fixed[i] && x[i] < 0.0)
					{
						fixed[i] = true;
						changed = true;
					}
				if (changed)
					continue;
				for (i = 0; i < n; i++)
				{
					int32_t		par = tr->parent[i];

					w.g[i] = (par >= 0 ? w.g[par] : 0.0) + q[i] * (x[i] - y[i]);
					if (IS_LEAF(tr, i) && fixed[i] && w.g[i] < worst_g)
					{
						worst_g = w.g[i];
						worst = i;
					}
				}
				if (worst < 0)
				{
					converged = true;
					break;
				}
				/*
				 * Never reached in 200,000 random trees: with a diagonal W
				 * fixing all negative leaves at once seems never to
				 * overshoot.  Kept so that the result is the KKT point
				 * whatever the case.
				 */
				fixed[worst] = false;
			}
			if (!converged)
				info->nonneg_unconverged++;
			clamp_leaves(tr, x);
		}
		aggregate_up(tr, x);
	}

	fc_free(w.m);
	fc_free(w.c);
	fc_free(w.M);
	fc_free(w.C);
	fc_free(w.g);
	if (fixed)
		fc_free(fixed);
done:
	fc_free(q);
	return st;
}

/* ---------- dense helpers for MinT (row-major, lower Cholesky) ---------- */

/*
 * In-place Cholesky A = L L' of the n x n row-major matrix a (lower triangle
 * read and written).  False when a pivot is not positive or is below
 * rel_tol times the largest diagonal entry (numerically singular).
 */
static bool
chol_decomp(double *a, int32_t n, double rel_tol)
{
	double		dmax = 0.0;
	int32_t		i,
				j,
				k;

	for (i = 0; i < n; i++)
		if (a[(size_t) i * n + i] > dmax)
			dmax = a[(size_t) i * n + i];
	if (!(dmax > 0.0) || !isfinite(dmax))
		return n == 0;
	for (j = 0; j < n; j++)
	{
		double	   *rj = a + (size_t) j * n;
		double		d = rj[j];

		for (k = 0; k < j; k++)
			d -= rj[k] * rj[k];
		if (!(d > rel_tol * dmax) || !isfinite(d))
			return false;
		d = sqrt(d);
		rj[j] = d;
		for (i = j + 1; i < n; i++)
		{
			double	   *ri = a + (size_t) i * n;
			double		s = ri[j];

			for (k = 0; k < j; k++)
				s -= ri[k] * rj[k];
			ri[j] = s / d;
		}
		if ((j & 63) == 0)
			fc_check_interrupts();
	}
	return true;
}

/* Solve L L' x = b in place. */
static void
chol_solve(const double *l, int32_t n, double *b)
{
	int32_t		i,
				k;

	for (i = 0; i < n; i++)
	{
		const double *ri = l + (size_t) i * n;
		double		s = b[i];

		for (k = 0; k < i; k++)
			s -= ri[k] * b[k];
		b[i] = s / ri[i];
	}
	for (i = n - 1; i >= 0; i--)
	{
		double		s = b[i];

		for (k = i + 1; k < n; k++)
			s -= l[(size_t) k * n + i] * b[k];
		b[i] = s / l[(size_t) i * n + i];
	}
}

static double
dot(const double *a, const double *b, int32_t n)
{
	double		s = 0.0;
	int32_t		i;

	for (i = 0; i < n; i++)
		s += a[i] * b[i];
	return s;
}

/* ---------- shrinkage intensity ---------- */

double
fc_rec_shrink_lambda(int32_t n, int32_t T, const double *const *e,
					 const double *var)
{
	double	   *xs;
	double	   *rowsq;
	double		Q = 0.0,
				F = 0.0,
				diag2 = 0.0,
				num,
				den,
				lambda;
	int32_t		i,
				s,
				t;

	if (n < 2 || T < 2)
		return 1.0;

	/* standardised residuals, node-major */
	xs = fc_alloc(sizeof(double) * (size_t) n * T);
	rowsq = fc_alloc(sizeof(double) * (T + 1));
	for (i = 0; i < n; i++)
	{
		double		sd = sqrt(var[i]);
		double	   *xi = xs + (size_t) i * T;
		double		gii = 0.0;

		for (t = 0; t < T; t++)
		{
			double		v = e[i][t] / sd;

			xi[t] = v;
			rowsq[t] += v * v;
			Q -= v * v * v * v;
			gii += v * v;
		}
		diag2 += gii * gii;
	}
	/* Q = sum_{i != j} sum_t xs_ti^2 xs_tj^2 */
	for (t = 0; t < T; t++)
		Q += rowsq[t] * rowsq[t];

	/* F = sum_{i != j} G_ij^2, G = Xs' Xs; ||G||_F = ||Xs Xs'||_F */
	if (T <= n)
	{
		double	   *K = fc_alloc(sizeof(double) * (size_t) T * T);
		double		fro = 0.0;

		for (i = 0; i < n; i++)
		{
			const double *xi = xs + (size_t) i * T;

			for (s = 0; s < T; s++)
			{
				double		v = xi[s];
				double	   *Ks = K + (size_t) s * T;

				if (v == 0.0)
					continue;
				for (t = s; t < T; t++)
					Ks[t] += v * xi[t];
			}
			if ((i & 255) == 0)
				fc_check_interrupts();
		}
		for (s = 0; s < T; s++)
		{
			fro += K[(size_t) s * T + s] * K[(size_t) s * T + s];
			for (t = s + 1; t < T; t++)
				fro += 2.0 * K[(size_t) s * T + t] * K[(size_t) s * T + t];
		}
		F = fro - diag2;
		fc_free(K);
	}
	else
	{
		int32_t		j;

		for (i = 0; i < n; i++)
		{
			for (j = i + 1; j < n; j++)
			{
				double		g = dot(xs + (size_t) i * T, xs + (size_t) j * T, T);

				F += 2.0 * g * g;
			}
			fc_check_interrupts();
		}
	}
	if (F < 0.0)
		F = 0.0;

	num = (Q - F / T) / ((double) T * (T - 1));
	den = F / ((double) T * T);
	if (den > 0.0)
		lambda = num / den;
	else
		lambda = 1.0;
	if (!(lambda > 0.0))
		lambda = isnan(lambda) ? 1.0 : 0.0;
	if (lambda > 1.0)
		lambda = 1.0;

	fc_free(xs);
	fc_free(rowsq);
	return lambda;
}

/* ---------- MinT ---------- */

typedef struct MintCtx
{
	const RecTree *tr;
	int32_t		T;
	const double *const *e;		/* n residual series */
	double	   *D;				/* n variances */
	double		lambda;			/* 0 for the sample covariance */
	double	   *EU;				/* n_agg x T */
	double	   *M;				/* n_agg x n_agg, then its Cholesky factor */
	double	   *M0;				/* unfactored copy (non-negative only) */
	/* scratch */
	double	   *ls;				/* n */
	double	   *u;				/* n */
	double	   *acc;			/* n */
	double	   *Eu;				/* T */
	double	   *z;				/* n_agg + n_leaves */
} MintCtx;

/* r = U'y: each aggregate minus the sum of its leaves. */
static void
mint_coherence_errors(const MintCtx *mc, const double *y, double *r)
{
	const RecTree *tr = mc->tr;
	int32_t		i;

	for (i = 0; i < tr->n; i++)
		mc->ls[i] = IS_LEAF(tr, i) ? y[i] : 0.0;
	for (i = tr->n - 1; i >= 0; i--)
		if (tr->parent[i] >= 0)
			mc->ls[tr->parent[i]] += mc->ls[i];
	for (i = 0; i < tr->n_agg; i++)
	{
		int32_t		v = tr->agg_node[i];

		r[i] = y[v] - mc->ls[v];
	}
}

/* u = U z (z has n_agg entries). */
static void
mint_apply_U(const MintCtx *mc, const double *z, double *u)
{
	const RecTree *tr = mc->tr;
	int32_t		i;

	for (i = 0; i < tr->n; i++)
	{
		int32_t		p = tr->parent[i];
		double		up = p >= 0 ? mc->acc[p] : 0.0;

		if (IS_LEAF(tr, i))
		{
			u[i] = -up;
			mc->acc[i] = up;
		}
		else
		{
			u[i] = z[tr->agg_of[i]];
			mc->acc[i] = up + u[i];
		}
	}
}

/* wu = W u = lambda D u + (1 - lambda) E'(E u)/T. */
static void
mint_apply_W(const MintCtx *mc, const double *u, double *wu)
{
	const RecTree *tr = mc->tr;
	int32_t		T = mc->T;
	int32_t		i,
				t;

	for (t = 0; t < T; t++)
		mc->Eu[t] = 0.0;
	for (i = 0; i < tr->n; i++)
	{
		const double *ei = mc->e[i];
		double		ui = u[i];

		if (ui != 0.0)
			for (t = 0; t < T; t++)
				mc->Eu[t] += ui * ei[t];
	}
	for (i = 0; i < tr->n; i++)
		wu[i] = mc->lambda * mc->D[i] * u[i] +
			(1.0 - mc->lambda) * dot(mc->e[i], mc->Eu, T) / T;
}

/* Build U'WU into mc->M (full symmetric) for the current lambda. */
static void
mint_build_M(MintCtx *mc)
{
	const RecTree *tr = mc->tr;
	int32_t		na = tr->n_agg;
	int32_t		T = mc->T;
	double	   *LD = mc->ls;	/* reuse: leaf sums of D */
	int32_t		a,
				b,
				i;

	/* sample part (EU)'(EU)/T */
	for (a = 0; a < na; a++)
	{
		const double *ea = mc->EU + (size_t) a * T;

		for (b = 0; b <= a; b++)
		{
			double		s = (1.0 - mc->lambda) * dot(ea, mc->EU + (size_t) b * T, T) / T;

			mc->M[(size_t) a * na + b] = s;
			mc->M[(size_t) b * na + a] = s;
		}
		if ((a & 15) == 0)
			fc_check_interrupts();
	}
	if (mc->lambda == 0.0)
		return;

	/* diagonal part U'DU: D_a on the diagonal + leaf sums of D shared */
	for (i = 0; i < tr->n; i++)
		LD[i] = IS_LEAF(tr, i) ? mc->D[i] : 0.0;
	for (i = tr->n - 1; i >= 0; i--)
		if (tr->parent[i] >= 0)
			LD[tr->parent[i]] += LD[i];
	for (b = 0; b < na; b++)
	{
		int32_t		v = tr->agg_node[b];
		double		s = mc->lambda * LD[v];
		int32_t		anc;

		mc->M[(size_t) b * na + b] += mc->lambda * mc->D[v] + s;
		for (anc = tr->parent[v]; anc >= 0; anc = tr->parent[anc])
		{
			a = tr->agg_of[anc];
			mc->M[(size_t) a * na + b] += s;
			mc->M[(size_t) b * na + a] += s;
		}
	}
}

/*
 * One step with the leaves in `fixed` (count nf, listed in fl) held at
 * zero: solve the system [U E_F]' W [U E_F] lam = [U'y; y_F] by a fresh
 * Cholesky (nf > 0) or the factor of U'WU (nf = 0); x = y - W [U E_F] lam.
 * mult receives the multipliers of the fixed leaves.  False when the
 * system is singular.
 */
static bool
mint_step(MintCtx *mc, const double *y, const int32_t *fl, int32_t nf,
		  double *x, double *mult)
{
	const RecTree *tr = mc->tr;
	int32_t		na = tr->n_agg;
	int32_t		N = na + nf;
	double	   *rhs = mc->z;
	int32_t		i,
				f,
				g;

	mint_coherence_errors(mc, y, rhs);
	if (nf == 0)
		chol_solve(mc->M, na, rhs);
	else
	{
		double	   *A = fc_alloc(sizeof(double) * (size_t) N * N);
		int32_t		T = mc->T;
		double		w1 = (1.0 - mc->lambda) / T;
		int32_t		a;
		bool		ok;

		/*
		 * [U E_F]' W [U E_F], lower triangle: U'WU (kept unfactored in
		 * M0), then for each fixed leaf j the column U'W e_j =
		 * (1-lambda)/T (EU)' e_j - lambda D_j (at j's aggregate
		 * ancestors), and W_jk = (1-lambda)/T e_j'e_k + lambda D_j [j=k].
		 */
		for (a = 0; a < na; a++)
			memcpy(A + (size_t) a * N, mc->M0 + (size_t) a * na, sizeof(double) * na);
		for (f = 0; f < nf; f++)
		{
			int32_t		j = fl[f];
			const double *ej = mc->e[j];
			double	   *row = A + (size_t) (na + f) * N;
			int32_t		anc;

			for (a = 0; a < na; a++)
				row[a] = w1 * dot(mc->EU + (size_t) a * T, ej, T);
			for (anc = tr->parent[j]; anc >= 0; anc = tr->parent[anc])
				row[tr->agg_of[anc]] -= mc->lambda * mc->D[j];
			for (g = 0; g <= f; g++)
				row[na + g] = w1 * dot(ej, mc->e[fl[g]], T) +
					(g == f ? mc->lambda * mc->D[j] : 0.0);
			rhs[na + f] = y[j];
		}
		ok = chol_decomp(A, N, 1e-13);
		if (ok)
			chol_solve(A, N, rhs);
		fc_free(A);
		if (!ok)
			return false;
	}

	mint_apply_U(mc, rhs, mc->u);
	for (f = 0; f < nf; f++)
	{
		mc->u[fl[f]] += rhs[na + f];
		mult[f] = rhs[na + f];
	}
	mint_apply_W(mc, mc->u, x);
	for (i = 0; i < tr->n; i++)
		x[i] = y[i] - x[i];
	return true;
}

static FcStatus
rec_mint(const RecTree *tr, FcRecMethod method, const FcRecProblem *p,
		 double *const *out, FcRecInfo *info, double *scratch)
{
	MintCtx		mc;
	int32_t		n = tr->n;
	int32_t		na = tr->n_agg;
	int32_t		T = p->t;
	int32_t		max_agg = p->max_agg > 0 ? p->max_agg : FC_REC_MAX_AGG_DEFAULT;
	int32_t		i,
				k,
				t;
	int32_t    *fl = NULL;
	double	   *mult = NULL;
	bool	   *fixed = NULL;
	bool	   *infeas = NULL;
	FcStatus	st = FC_OK;

	memset(&mc, 0, sizeof(mc));
	mc.tr = tr;
	mc.T = T;
	mc.e = p->resid;

	for (i = 0; i < n; i++)
		if (p->resid == NULL || p->resid[i] == NULL)
		{
			info->reason = FC_REC_NO_RESID;
			info->bad_node = i;
			return FC_ERR_MISSING_VALUE;
		}
	if (T < 2)
	{
		info->reason = FC_REC_TOO_FEW_RESID;
		info->bad_value = T;
		return FC_ERR_TOO_SHORT;
	}
	if (na > max_agg)
	{
		info->reason = FC_REC_TOO_MANY_AGG;
		info->bad_value = max_agg;
		return FC_ERR_BAD_ARGUMENT;
	}

	mc.D = fc_alloc(sizeof(double) * (n + 1));
	for (i = 0; i < n; i++)
	{
		double		s = 0.0;

		for (t = 0; t < T; t++)
			s += p->resid[i][t] * p->resid[i][t];
		s /= T;
		if (!isfinite(s))
		{
			info->reason = FC_REC_NONFINITE;
			info->bad_node = i;
			st = FC_ERR_NONFINITE;
			goto done;
		}
		if (!(s > 0.0))
		{
			info->reason = FC_REC_ZERO_VARIANCE;
			info->bad_node = i;
			st = FC_ERR_BAD_ARGUMENT;
			goto done;
		}
		mc.D[i] = s;
	}

	mc.ls = fc_alloc(sizeof(double) * (n + 1));
	mc.u = fc_alloc(sizeof(double) * (n + 1));
	mc.acc = fc_alloc(sizeof(double) * (n + 1));
	mc.Eu = fc_alloc(sizeof(double) * (T + 1));
	mc.z = fc_alloc(sizeof(double) * ((size_t) n + 1));
	mc.EU = fc_alloc(sizeof(double) * ((size_t) na * T + 1));
	mc.M = fc_alloc(sizeof(double) * ((size_t) na * na + 1));

	/* EU: column a = e_a - sum of e over the leaves of a */
	for (i = n - 1; i >= 0; i--)
	{
		int32_t		par = tr->parent[i];
		const double *src;
		double	   *dst;

		if (par < 0)
			continue;
		src = IS_LEAF(tr, i) ? p->resid[i] : mc.EU + (size_t) tr->agg_of[i] * T;
		dst = mc.EU + (size_t) tr->agg_of[par] * T;
		for (t = 0; t < T; t++)
			dst[t] += src[t];
	}
	for (k = 0; k < na; k++)
	{
		const double *ea = p->resid[tr->agg_node[k]];
		double	   *dst = mc.EU + (size_t) k * T;

		for (t = 0; t < T; t++)
			dst[t] = ea[t] - dst[t];
	}

	/* the covariance estimator */
	if (method == FC_REC_MINT_SAMPLE)
	{
		bool		singular = T < n;

		if (!singular)
		{
			/* T >= n: the n x n sample covariance is small enough to test */
			double	   *S = fc_alloc(sizeof(double) * (size_t) n * n);
			int32_t		j;

			for (i = 0; i < n; i++)
				for (j = 0; j <= i; j++)
					S[(size_t) i * n + j] = dot(p->resid[i], p->resid[j], T) / T;
			singular = !chol_decomp(S, n, 1e-10);
			fc_free(S);
		}
		if (!singular)
		{
			mc.lambda = 0.0;
			mint_build_M(&mc);
			if (p->nonnegative)
			{
				mc.M0 = fc_alloc(sizeof(double) * ((size_t) na * na + 1));
				memcpy(mc.M0, mc.M, sizeof(double) * na * na);
			}
			singular = !chol_decomp(mc.M, na, 1e-13);
			if (singular && mc.M0)
			{
				fc_free(mc.M0);
				mc.M0 = NULL;
			}
		}
		if (singular)
		{
			info->fell_back = true;
			method = FC_REC_MINT_SHRINK;
		}
	}
	if (method == FC_REC_MINT_SHRINK)
	{
		mc.lambda = fc_rec_shrink_lambda(n, T, p->resid, mc.D);
		mint_build_M(&mc);
		if (p->nonnegative)
		{
			mc.M0 = fc_alloc(sizeof(double) * ((size_t) na * na + 1));
			memcpy(mc.M0, mc.M, sizeof(double) * na * na);
		}
		if (!chol_decomp(mc.M, na, 1e-13))
		{
			info->reason = FC_REC_NOT_PD;
			info->lambda = mc.lambda;
			st = FC_ERR_NUMERICAL;
			goto done;
		}
	}
	info->lambda = mc.lambda;

	if (p->nonnegative)
	{
		fl = fc_alloc(sizeof(int32_t) * (tr->n_leaves + 1));
		mult = fc_alloc(sizeof(double) * (tr->n_leaves + 1));
		fixed = fc_alloc(sizeof(bool) * (n + 1));
		infeas = fc_alloc(sizeof(bool) * (n + 1));
	}

	for (k = 0; k < p->h; k++)
	{
		const double *y = step_in(p, out, k, scratch);
		double	   *x = out[k];

		if (!p->nonnegative)
		{
			mint_step(&mc, y, NULL, 0, x, NULL);
		}
		else
		{
			/*
			 * Block principal pivoting (Portugal, Judice & Vicente 1994;
			 * Kim & Park 2011) over the leaves: the extra constraints
			 * y_j = 0 for the fixed leaves join U'y = 0; a free leaf below
			 * zero is infeasible, and so is a fixed leaf whose multiplier
			 * is positive (the cost falls as it grows; Wickramasuriya,
			 * Turlach & Hyndman 2020).  All infeasible leaves swap sides
			 * at once while their number falls (or for 3 more tries), then
			 * only the last one (the backup rule that makes it finite).
			 */
			int32_t		nf = 0,
						it,
						best = PG_INT32_MAX_LOCAL,
						backup = 3;
			bool		converged = false;
			double		scale = 1e-300;

			for (i = 0; i < n; i++)
			{
				fixed[i] = false;
				infeas[i] = false;
				if (fabs(y[i]) > scale)
					scale = fabs(y[i]);
			}
			for (it = 0; it < NONNEG_MAX_ITER; it++)
			{
				int32_t		ninf = 0,
							last = -1,
							f;

				/* a dense system of n_agg + nf: past the cap, set to zero */
				if (na + nf > FC_REC_NONNEG_MAX_SYSTEM)
					break;
				if (!mint_step(&mc, y, fl, nf, x, mult))
					break;		/* singular active set: keep the last x */
				info->nonneg_iterations++;
				for (i = 0; i < n; i++)
					if (IS_LEAF(tr, i) && !fixed[i] && x[i] < -1e-12 * scale)
					{
						infeas[i] = true;
						ninf++;
						last = i;
					}
				for (f = 0; f < nf; f++)
				{
					/* on the scale of y: W_jj * multiplier, W_jj = D_j */
					if (mult[f] * mc.D[fl[f]] > 1e-10 * scale)
					{
						infeas[fl[f]] = true;
						ninf++;
						if (fl[f] > last)
							last = fl[f];
					}
				}
				if (ninf == 0)
				{
					converged = true;
					break;
				}
				if (ninf < best || backup > 0)
				{
					if (ninf < best)
					{
						best = ninf;
						backup = 3;
					}
					else
						backup--;
					for (i = 0; i < n; i++)
						if (infeas[i])
						{
							fixed[i] = !fixed[i];
							infeas[i] = false;
						}
				}
				else
				{
					for (i = 0; i < n; i++)
						infeas[i] = false;
					fixed[last] = !fixed[last];
				}
				nf = 0;
				for (i = 0; i < n; i++)
					if (fixed[i])
						fl[nf++] = i;
			}
			if (!converged)
				info->nonneg_unconverged++;
			clamp_leaves(tr, x);
		}
		aggregate_up(tr, x);
	}

done:
	if (fl)
		fc_free(fl);
	if (mult)
		fc_free(mult);
	if (fixed)
		fc_free(fixed);
	if (infeas)
		fc_free(infeas);
	if (mc.D)
		fc_free(mc.D);
	if (mc.ls)
		fc_free(mc.ls);
	if (mc.u)
		fc_free(mc.u);
	if (mc.acc)
		fc_free(mc.acc);
	if (mc.Eu)
		fc_free(mc.Eu);
	if (mc.z)
		fc_free(mc.z);
	if (mc.EU)
		fc_free(mc.EU);
	if (mc.M)
		fc_free(mc.M);
	if (mc.M0)
		fc_free(mc.M0);
	return st;
}

/* ---------- entry points ---------- */

FcStatus
fc_reconcile(FcRecMethod method, const FcRecProblem *p, double *const *out,
			 FcRecInfo *info)
{
	RecTree		tr;
	FcStatus	st;
	int32_t		k;
	double	   *scratch;

	memset(info, 0, sizeof(*info));
	info->bad_node = -1;
	if (p->h < 0 || (p->h > 0 && (p->yhat == NULL || out == NULL)) ||
		(int) method < 0 || method >= FC_REC_METHOD_COUNT)
	{
		info->reason = FC_REC_BAD_STRUCTURE;
		return FC_ERR_BAD_ARGUMENT;
	}
	if (!tree_init(&tr, p->n, p->parent))
	{
		tree_free(&tr);
		info->reason = FC_REC_BAD_STRUCTURE;
		return FC_ERR_BAD_ARGUMENT;
	}
	info->n_agg = tr.n_agg;
	info->n_leaves = tr.n_leaves;

	for (k = 0; k < p->h; k++)
		if (!all_finite(p->yhat[k], p->n))
		{
			info->reason = FC_REC_NONFINITE;
			tree_free(&tr);
			return FC_ERR_NONFINITE;
		}

	scratch = fc_alloc(sizeof(double) * ((size_t) p->n + 1));
	switch (method)
	{
		case FC_REC_BU:
			st = rec_bu(&tr, p, out);
			break;
		case FC_REC_TD_GSA:
		case FC_REC_TD_PHA:
			st = rec_td_hist(&tr, method, p, out, info, scratch);
			break;
		case FC_REC_TD_FP:
			st = rec_fp_split(&tr, p, 1, out, scratch);
			break;
		case FC_REC_MO:
			st = rec_mo(&tr, p, out, info, scratch);
			break;
		case FC_REC_OLS:
		case FC_REC_WLS_STRUCT:
		case FC_REC_WLS_VAR:
			st = rec_wls(&tr, method, p, out, info, scratch);
			break;
		default:
			st = rec_mint(&tr, method, p, out, info, scratch);
			break;
	}
	fc_free(scratch);

	if (st == FC_OK)
		for (k = 0; k < p->h; k++)
			if (!all_finite(out[k], p->n))
			{
				info->reason = FC_REC_NONFINITE;
				st = FC_ERR_NONFINITE;
				break;
			}
	tree_free(&tr);
	return st;
}

void
fc_rec_coherence(int32_t n, const int32_t *parent, const double *y,
				 FcRecCoherence *res)
{
	double	   *csum = fc_alloc(sizeof(double) * (n + 1));
	double	   *cabs = fc_alloc(sizeof(double) * (n + 1));
	bool	   *isagg = fc_alloc(sizeof(bool) * (n + 1));
	double		total = 0.0;
	int32_t		i;

	memset(res, 0, sizeof(*res));
	res->worst_node = -1;
	for (i = 0; i < n; i++)
		if (parent[i] >= 0)
		{
			csum[parent[i]] += y[i];
			cabs[parent[i]] += fabs(y[i]);
			isagg[parent[i]] = true;
		}
	for (i = 0; i < n; i++)
	{
		double		gap,
					den,
					rel;

		if (!isagg[i])
			continue;
		gap = fabs(y[i] - csum[i]);
		den = fabs(y[i]) > cabs[i] ? fabs(y[i]) : cabs[i];
		rel = den > 0.0 ? gap / den : 0.0;
		res->n_parents++;
		total += rel;
		if (gap > res->max_abs_gap)
			res->max_abs_gap = gap;
		if (rel > res->max_rel_gap || res->worst_node < 0)
		{
			res->max_rel_gap = rel;
			res->worst_node = i;
		}
	}
	res->mean_rel_gap = res->n_parents > 0 ? total / res->n_parents : 0.0;
	fc_free(csum);
	fc_free(cabs);
	fc_free(isagg);
}
