/*
 * optim.h
 *	  Derivative-free minimisation for the forecasting kernels.
 *
 * fc_nelder_mead() is a Nelder-Mead simplex minimiser with box bounds
 * (trial points are projected onto the box), adaptive coefficients for
 * higher dimensions (Gao & Han 2012), per-coordinate initial steps and
 * restarts from the best vertex to escape premature collapse of the simplex.
 * Constraints other than boxes are expressed by the objective returning a
 * large value (>= FC_OPTIM_PENALTY / 10 counts as infeasible).
 *
 * Plain C, no static state, memory from fc_alloc, polls
 * fc_check_interrupts() once per iteration.
 */
#ifndef FC_OPTIM_H
#define FC_OPTIM_H

#include "fc_port.h"

#define FC_OPTIM_PENALTY 1e100

typedef double (*FcObjective) (const double *x, void *ctx);

typedef struct FcNMOptions
{
	int			max_eval;		/* total objective evaluations, incl. restarts */
	double		ftol_abs;		/* converged when f_worst - f_best <= */
	double		ftol_rel;		/*	 ftol_abs + ftol_rel * |f_best| ... */
	double		xtol_rel;		/* ... and every vertex within xtol_rel * step
								 * of the best one (per coordinate) */
	int			max_restarts;	/* restarts from the best point (0 = none) */
	double		restart_shrink; /* step multiplier for restarts (e.g. 0.5) */
} FcNMOptions;

typedef struct FcNMResult
{
	double		fmin;			/* best objective value */
	int			nevals;			/* objective evaluations used */
	int			restarts;		/* restarts performed */
	bool		converged;		/* tolerance met (not stopped by budget) */
	bool		stalled;		/* BFGS: stopped because no step along the
								 * search direction was acceptable (e.g. at
								 * the edge of the feasible region) */
} FcNMResult;

/* Reasonable defaults: 200*dim evaluations, ftol 1e-8 rel + 1e-10 abs. */
extern void fc_nm_options_init(FcNMOptions *opt, int dim);

/*
 * Minimise fn over the box [lower, upper] (either may be NULL = unbounded;
 * entries may be +-HUGE_VAL).  x holds the start on entry (projected into
 * the box) and the best point on return.  step[i] > 0 is the initial simplex
 * edge along coordinate i (taken towards the interior if the point is near
 * a bound).  Returns FC_OK (also when stopped by the evaluation budget; see
 * res->converged), FC_ERR_BAD_ARGUMENT for dim < 1, or
 * FC_ERR_NUMERICAL if no finite, feasible point was found.
 */
extern FcStatus fc_nelder_mead(FcObjective fn, void *ctx, int dim, double *x,
							   const double *step, const double *lower,
							   const double *upper, const FcNMOptions *opt,
							   FcNMResult *res);

/*
 * Objective with gradient: returns f(x) and, when grad is not NULL, stores
 * the gradient.  Infeasible points return >= FC_OPTIM_PENALTY (grad unused).
 */
typedef double (*FcObjectiveGrad) (const double *x, double *grad, void *ctx);

typedef struct FcBfgsOptions
{
	int			max_iter;		/* quasi-Newton iterations */
	int			max_eval;		/* objective+gradient evaluations */
	double		ftol_abs;		/* stop when two successive iterations each */
	double		ftol_rel;		/*	 improve f by <= ftol_abs + ftol_rel |f| */
	double		gtol;			/* ... or max_i |g_i step_i| <= gtol */
	bool		lazy_grad;		/* false (default): every point is evaluated
								 * with its gradient.  true: line-search trial
								 * points are evaluated without (grad = NULL)
								 * and the gradient is asked for only at the
								 * accepted point, by a second call at the
								 * same x (the objective may cache f).  Same
								 * iterates, fewer gradients. */
} FcBfgsOptions;

extern void fc_bfgs_options_init(FcBfgsOptions *opt);

/*
 * Quasi-Newton (BFGS, inverse-Hessian form, Armijo backtracking) over the
 * box [lower, upper] with the same change of variables as fc_nelder_mead;
 * step[i] gives the scale of coordinate i (used for the initial inverse
 * Hessian and the gradient test).  Same return conventions as
 * fc_nelder_mead; res->nevals counts evaluations.
 */
extern FcStatus fc_bfgs(FcObjectiveGrad fn, void *ctx, int dim, double *x,
						const double *step, const double *lower,
						const double *upper, const FcBfgsOptions *opt,
						FcNMResult *res);

#endif							/* FC_OPTIM_H */
