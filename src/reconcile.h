/*
 * reconcile.h
 *	  Hierarchical forecast reconciliation over a tree (or forest) of series.
 *
 * Plain-array kernel: no fmgr, no Datums, memory from fc_alloc (fc_port.h).
 *
 * The hierarchy is given by parent indices in topological order: node i has
 * parent[i] < i, or parent[i] = -1 for a root.  A node without children is
 * a leaf, i.e. a bottom-level series; a node with children is an aggregate
 * whose coherent value is the sum of its children.  Leaves may sit at any
 * depth (unbalanced trees) and there may be several roots (a forest).
 * Depth is counted as ltree's nlevel: a root has depth 1.
 *
 * The summing matrix S is never formed.  Bottom-up, top-down, middle-out,
 * OLS and both WLS methods are linear in the number of nodes per step (WLS
 * and OLS by a two-pass dynamic programme over the tree); MinT solves one
 * n_agg x n_agg system, with the covariance applied through the residual
 * matrix, never formed.
 *
 * Layouts:
 *	 yhat, out	h arrays (one per forecast step) of n values: yhat[k][i]
 *	 resid		n pointers, each to t residuals of that node (in-sample
 *				one-step errors, aligned in time across nodes)
 *	 history	n pointers, each to t observations (NULL where not given)
 *	 node_var	n residual variances (alternative to resid for wls_var)
 */
#ifndef FC_RECONCILE_H
#define FC_RECONCILE_H

#include "fc_port.h"

typedef enum FcRecMethod
{
	FC_REC_BU = 0,				/* bottom-up */
	FC_REC_TD_GSA,				/* top-down, average historical proportions */
	FC_REC_TD_PHA,				/* top-down, proportions of historical averages */
	FC_REC_TD_FP,				/* top-down, forecast proportions */
	FC_REC_MO,					/* middle-out at a level */
	FC_REC_OLS,					/* W = I */
	FC_REC_WLS_STRUCT,			/* W = diag(number of leaves below) */
	FC_REC_WLS_VAR,				/* W = diag(residual variances) */
	FC_REC_MINT_SHRINK,			/* W = Schafer-Strimmer shrinkage covariance */
	FC_REC_MINT_SAMPLE,			/* W = sample covariance of the residuals */
	FC_REC_METHOD_COUNT
} FcRecMethod;

/* What a method reads besides the base forecasts. */
#define FC_REC_NEEDS_RESID(m)	((m) == FC_REC_WLS_VAR || (m) == FC_REC_MINT_SHRINK || (m) == FC_REC_MINT_SAMPLE)
#define FC_REC_NEEDS_HISTORY(m) ((m) == FC_REC_TD_GSA || (m) == FC_REC_TD_PHA)

typedef struct FcRecProblem
{
	int32_t		n;				/* number of nodes */
	const int32_t *parent;		/* n parent indices, parent[i] < i or -1 */
	int32_t		h;				/* number of forecast steps */
	const double *const *yhat;	/* h arrays of n base forecasts */
	int32_t		t;				/* length of each resid / history series */
	const double *const *resid; /* n series (wls_var, mint_*) */
	const double *node_var;		/* n variances (wls_var; used when resid NULL) */
	const double *const *history;	/* n series or NULL (td_gsa, td_pha) */
	int32_t		level;			/* middle-out level (depth), >= 1 */
	bool		nonnegative;	/* constrain the bottom level to >= 0 */
	int32_t		max_agg;		/* MinT: largest n_agg accepted (0 = default) */
} FcRecProblem;

/* Why a kernel call failed: more precise than the FcStatus. */
typedef enum FcRecReason
{
	FC_REC_OK = 0,
	FC_REC_BAD_STRUCTURE,		/* parent[i] >= i, n < 0, ... (caller bug) */
	FC_REC_LEVEL_RANGE,			/* mo: level deeper than the tree / < 1 */
	FC_REC_LEAF_ABOVE_LEVEL,	/* mo: a leaf shallower than the level */
	FC_REC_NO_HISTORY,			/* td: history of a leaf missing */
	FC_REC_ZERO_TOTAL,			/* td: history of a root is zero throughout */
	FC_REC_NO_RESID,			/* residuals of a node missing */
	FC_REC_ZERO_VARIANCE,		/* residuals of a node are all zero */
	FC_REC_TOO_FEW_RESID,		/* t < 2 */
	FC_REC_TOO_MANY_AGG,		/* MinT system larger than max_agg */
	FC_REC_NOT_PD,				/* MinT: U'WU not positive definite */
	FC_REC_NONFINITE			/* NaN/Inf in the input or the result */
} FcRecReason;

typedef struct FcRecInfo
{
	FcRecReason reason;			/* set when the status is not FC_OK */
	int32_t		bad_node;		/* node the reason refers to, or -1 */
	int32_t		bad_value;		/* depth of that node, max depth, ... */
	double		lambda;			/* MinT: shrinkage intensity used */
	bool		fell_back;		/* mint_sample: covariance singular, shrunk */
	int32_t		n_agg;			/* number of aggregate nodes */
	int32_t		n_leaves;		/* number of leaves */
	int32_t		nonneg_iterations;	/* active-set iterations, all steps */
	int32_t		nonneg_unconverged; /* steps whose active set hit the cap */
} FcRecInfo;

/* Largest MinT system (aggregates) accepted when max_agg is 0. */
#define FC_REC_MAX_AGG_DEFAULT 8000

/*
 * Non-negative MinT holds leaves at zero through extra constraints: exact
 * while n_agg + (leaves held at zero) stays within this size; beyond it the
 * remaining negative leaves of that step are set to zero (and the step is
 * counted in nonneg_unconverged).
 */
#define FC_REC_NONNEG_MAX_SYSTEM 1000

/* Method name <-> code ("bu", "td_gsa", ...); -1 when unknown. */
extern int	fc_rec_method_from_name(const char *name);
extern const char *fc_rec_method_name(FcRecMethod m);

/*
 * Reconcile: out (h arrays of n, allocated by the caller) receives coherent
 * forecasts; out may be the very arrays of p->yhat (in place).  Every aggregate of out equals the sum of its children as
 * computed by adding up the leaves (the last step of every method), so the
 * result is coherent to rounding of those sums.
 */
extern FcStatus fc_reconcile(FcRecMethod method, const FcRecProblem *p,
							 double *const *out, FcRecInfo *info);

/*
 * Coherence of one step's values y (n): for every aggregate v, the gap
 * g = y[v] - sum of y over v's children, and the relative gap
 * |g| / max(|y[v]|, sum |y[child]|) (0 when both are 0).
 */
typedef struct FcRecCoherence
{
	int32_t		n_parents;
	double		max_rel_gap;
	double		mean_rel_gap;
	double		max_abs_gap;
	int32_t		worst_node;		/* aggregate with the largest relative gap */
} FcRecCoherence;

extern void fc_rec_coherence(int32_t n, const int32_t *parent,
							 const double *y, FcRecCoherence *res);

/*
 * Schafer-Strimmer shrinkage intensity towards the diagonal for n series of
 * t residuals (uncentred second moments, as Wickramasuriya et al. 2019 and
 * R's hts::MinT), in O(t n min(t, n)) time without an n x n matrix.
 * Exposed for the unit tests.
 */
extern double fc_rec_shrink_lambda(int32_t n, int32_t t, const double *const *e,
								   const double *var);

#endif							/* FC_RECONCILE_H */
