/*
 * optim.c
 *	  Bounded Nelder-Mead simplex minimiser (see optim.h).
 *
 * The algorithm is the classical one of Nelder & Mead (1965) in the
 * formulation of Lagarias, Reeds, Wright & Wright (1998), with the
 * dimension-dependent coefficients of Gao & Han (2012), which keep the
 * method effective beyond ~10 dimensions.  Box bounds are handled by a
 * change of variables (as in D'Errico's fminsearchbnd): a coordinate with
 * two finite bounds is x = lo + (hi - lo) (1 + sin u) / 2, one with a single
 * bound x = lo + u^2 (or hi - u^2), so the simplex lives in an unbounded
 * space and cannot collapse onto a face of the box (projecting trial points
 * does that, and then the search stalls).  After convergence the search is
 * restarted from the best vertex with a fresh, smaller simplex until a
 * restart brings no improvement.
 */
#include <math.h>
#include <string.h>

#include "optim.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

void
fc_nm_options_init(FcNMOptions *opt, int dim)
{
	opt->max_eval = 200 * (dim > 0 ? dim : 1) + 200;
	opt->ftol_abs = 1e-10;
	opt->ftol_rel = 1e-8;
	opt->xtol_rel = 1e-4;
	opt->max_restarts = 2;
	opt->restart_shrink = 0.5;
}

#define BND_NONE 0
#define BND_BOTH 1
#define BND_LOW 2
#define BND_HIGH 3

typedef struct NMState
{
	FcObjective fn;
	void	   *ctx;
	int			dim;
	const double *lower;
	const double *upper;
	int		   *kind;			/* BND_* per coordinate */
	double	   *xbuf;			/* dim: the point in the user's space */
	int			nevals;
} NMState;

/* user space from search space */
static void
nm_to_x(const NMState *st, const double *u, double *x)
{
	int			i;

	for (i = 0; i < st->dim; i++)
	{
		switch (st->kind[i])
		{
			case BND_BOTH:
				{
					double		lo = st->lower[i],
								hi = st->upper[i];
					double		v = lo + (hi - lo) * 0.5 * (1.0 + sin(u[i]));

					x[i] = v < lo ? lo : (v > hi ? hi : v);
					break;
				}
			case BND_LOW:
				x[i] = st->lower[i] + u[i] * u[i];
				break;
			case BND_HIGH:
				x[i] = st->upper[i] - u[i] * u[i];
				break;
			default:
				x[i] = u[i];
		}
	}
}

/* search space from user space (x is projected into the box first) */
static double
nm_to_u1(const NMState *st, int i, double x)
{
	switch (st->kind[i])
	{
		case BND_BOTH:
			{
				double		lo = st->lower[i],
							hi = st->upper[i];
				double		r = hi > lo ? 2.0 * (x - lo) / (hi - lo) - 1.0 : 0.0;

				r = r < -1.0 ? -1.0 : (r > 1.0 ? 1.0 : r);
				return asin(r);
			}
		case BND_LOW:
			return x > st->lower[i] ? sqrt(x - st->lower[i]) : 0.0;
		case BND_HIGH:
			return x < st->upper[i] ? sqrt(st->upper[i] - x) : 0.0;
		default:
			return x;
	}
}

static double
nm_eval(NMState *st, const double *u)
{
	double		f;

	nm_to_x(st, u, st->xbuf);
	f = st->fn(st->xbuf, st->ctx);
	st->nevals++;
	if (isnan(f) || f > FC_OPTIM_PENALTY)
		f = FC_OPTIM_PENALTY;
	return f;
}

/*
 * Search-space step for coordinate i at the user point x: the change of u
 * that moves x by `step` towards the interior of the box.
 */
static double
nm_ustep(const NMState *st, int i, double x, double step)
{
	double		lo = st->lower ? st->lower[i] : -HUGE_VAL;
	double		hi = st->upper ? st->upper[i] : HUGE_VAL;
	double		u0,
				u1,
				xt;

	if (st->kind[i] == BND_NONE)
		return step;
	if (x < lo)
		x = lo;
	if (x > hi)
		x = hi;
	xt = (hi - x >= x - lo) ? x + step : x - step;
	if (xt > hi)
		xt = hi;
	if (xt < lo)
		xt = lo;
	u0 = nm_to_u1(st, i, x);
	u1 = nm_to_u1(st, i, xt);
	if (st->kind[i] != BND_BOTH)
	{
		/* u = +-sqrt(distance): step away from 0 in the sign of u0 */
		double		du = fabs(u1 - u0);

		return du > 0 ? du : 1e-3;
	}
	return u1 != u0 ? u1 - u0 : 0.1;
}

/*
 * One Nelder-Mead run from x (in: start, out: best).  s is workspace of
 * (dim+1)*dim, f of dim+1, w of 4*dim.  Returns the best value; *conv tells
 * whether the tolerances were met.
 */
static double
nm_run(NMState *st, double *x, const double *step,
	   const FcNMOptions *opt, int budget_end,
	   double *s, double *f, double *w, bool *conv)
{
	int			d = st->dim;
	int			i,
				j;
	double	   *sum = w,
			   *xr = w + d,
			   *xe = w + 2 * d,
			   *xc = w + 3 * d;
	double		chi,
				psi,
				sigma;

	if (d >= 3)
	{
		chi = 1.0 + 2.0 / d;
		psi = 0.75 - 1.0 / (2.0 * d);
		sigma = 1.0 - 1.0 / d;
	}
	else
	{
		chi = 2.0;
		psi = 0.5;
		sigma = 0.5;
	}

	/* initial simplex (x, step in search space) */
	memcpy(s, x, d * sizeof(double));
	f[0] = nm_eval(st, s);
	for (i = 1; i <= d; i++)
	{
		double	   *v = s + i * d;

		memcpy(v, x, d * sizeof(double));
		v[i - 1] += step[i - 1];
		f[i] = nm_eval(st, v);
	}
	for (j = 0; j < d; j++)
	{
		sum[j] = 0;
		for (i = 0; i <= d; i++)
			sum[j] += s[i * d + j];
	}

	*conv = false;
	for (;;)
	{
		int			il = 0,
					ih = 0,
					is;
		double		fr,
					fe,
					fc,
				   *vh;
		bool		small;

		fc_check_interrupts();

		/* best, worst and second worst */
		for (i = 1; i <= d; i++)
		{
			if (f[i] < f[il])
				il = i;
			if (f[i] > f[ih])
				ih = i;
		}
		if (ih == il)
			ih = (il == 0) ? 1 : 0;
		is = il;
		for (i = 0; i <= d; i++)
			if (i != ih && f[i] > f[is])
				is = i;

		/* convergence */
		if (f[ih] - f[il] <= opt->ftol_abs + opt->ftol_rel * fabs(f[il]))
		{
			small = true;
			for (i = 0; i <= d && small; i++)
			{
				const double *v = s + i * d;
				const double *b = s + il * d;

				for (j = 0; j < d; j++)
					if (fabs(v[j] - b[j]) > opt->xtol_rel * fabs(step[j]))
					{
						small = false;
						break;
					}
			}
			if (small || f[il] >= FC_OPTIM_PENALTY)
			{
				*conv = true;
				break;
			}
		}
		if (st->nevals >= budget_end)
			break;

		vh = s + ih * d;
		/* reflection through the centroid of the other vertices */
		for (j = 0; j < d; j++)
		{
			double		c = (sum[j] - vh[j]) / d;

			xr[j] = c + (c - vh[j]);
		}
		fr = nm_eval(st, xr);

		if (fr < f[il])
		{
			/* expansion */
			for (j = 0; j < d; j++)
			{
				double		c = (sum[j] - vh[j]) / d;

				xe[j] = c + chi * (c - vh[j]);
			}
			fe = nm_eval(st, xe);
			if (fe < fr)
			{
				memcpy(xc, xe, d * sizeof(double));
				fc = fe;
			}
			else
			{
				memcpy(xc, xr, d * sizeof(double));
				fc = fr;
			}
		}
		else if (fr < f[is])
		{
			memcpy(xc, xr, d * sizeof(double));
			fc = fr;
		}
		else
		{
			bool		outside = fr < f[ih];

			for (j = 0; j < d; j++)
			{
				double		c = (sum[j] - vh[j]) / d;

				xc[j] = outside ? c + psi * (xr[j] - c) : c + psi * (vh[j] - c);
			}
			fc = nm_eval(st, xc);
			if (!(outside ? fc <= fr : fc < f[ih]))
			{
				/* shrink towards the best vertex */
				const double *b = s + il * d;

				for (i = 0; i <= d; i++)
				{
					double	   *v = s + i * d;

					if (i == il)
						continue;
					for (j = 0; j < d; j++)
						v[j] = b[j] + sigma * (v[j] - b[j]);
					f[i] = nm_eval(st, v);
				}
				for (j = 0; j < d; j++)
				{
					sum[j] = 0;
					for (i = 0; i <= d; i++)
						sum[j] += s[i * d + j];
				}
				continue;
			}
		}
		/* replace the worst vertex by xc */
		for (j = 0; j < d; j++)
		{
			sum[j] += xc[j] - vh[j];
			vh[j] = xc[j];
		}
		f[ih] = fc;
	}

	/* best vertex out */
	{
		int			il = 0;

		for (i = 1; i <= d; i++)
			if (f[i] < f[il])
				il = i;
		memcpy(x, s + il * d, d * sizeof(double));
		return f[il];
	}
}

/* search-space start and steps for a (re)start at user point xb */
static void
nm_setup(const NMState *st, const double *xb, const double *step, double scale,
		 double *u, double *ustep)
{
	int			i;

	for (i = 0; i < st->dim; i++)
	{
		u[i] = nm_to_u1(st, i, xb[i]);
		ustep[i] = nm_ustep(st, i, xb[i], step[i] * scale);
	}
}

FcStatus
fc_nelder_mead(FcObjective fn, void *ctx, int dim, double *x,
			   const double *step, const double *lower, const double *upper,
			   const FcNMOptions *opt, FcNMResult *res)
{
	NMState		st;
	double	   *s,
			   *f,
			   *w,
			   *xb,
			   *u,
			   *ustep;
	double		fbest,
				scale = 1.0;
	bool		conv = false;
	int			restarts = 0,
				i;

	memset(res, 0, sizeof(*res));
	if (dim < 1 || fn == NULL || x == NULL || step == NULL || opt == NULL)
		return FC_ERR_BAD_ARGUMENT;

	st.fn = fn;
	st.ctx = ctx;
	st.dim = dim;
	st.lower = lower;
	st.upper = upper;
	st.nevals = 0;

	s = (double *) fc_alloc(sizeof(double) * ((size_t) (dim + 1) * dim + (dim + 1) + 8 * dim));
	f = s + (size_t) (dim + 1) * dim;
	w = f + dim + 1;
	xb = w + 4 * dim;
	u = xb + dim;
	ustep = u + dim;
	st.xbuf = ustep + dim;
	st.kind = (int *) fc_alloc(sizeof(int) * dim);
	for (i = 0; i < dim; i++)
	{
		bool		hl = lower && isfinite(lower[i]);
		bool		hh = upper && isfinite(upper[i]);

		st.kind[i] = hl && hh ? BND_BOTH : (hl ? BND_LOW : (hh ? BND_HIGH : BND_NONE));
		xb[i] = x[i];
		if (hl && xb[i] < lower[i])
			xb[i] = lower[i];
		if (hh && xb[i] > upper[i])
			xb[i] = upper[i];
	}

	nm_setup(&st, xb, step, scale, u, ustep);
	fbest = nm_run(&st, u, ustep, opt, opt->max_eval, s, f, w, &conv);
	nm_to_x(&st, u, xb);
	while (restarts < opt->max_restarts && st.nevals < opt->max_eval &&
		   fbest < FC_OPTIM_PENALTY)
	{
		double		fnew;
		bool		c2;

		scale *= opt->restart_shrink;
		restarts++;
		nm_setup(&st, xb, step, scale, u, ustep);
		fnew = nm_run(&st, u, ustep, opt, opt->max_eval, s, f, w, &c2);
		if (fnew < fbest)
		{
			bool		improved = fbest - fnew >
			opt->ftol_abs + opt->ftol_rel * fabs(fbest);

			fbest = fnew;
			nm_to_x(&st, u, xb);
			conv = c2;
			if (!improved)
				break;
		}
		else
			break;
	}
	memcpy(x, xb, dim * sizeof(double));
	fc_free(st.kind);
	fc_free(s);

	res->fmin = fbest;
	res->nevals = st.nevals;
	res->restarts = restarts;
	res->converged = conv;
	return fbest < FC_OPTIM_PENALTY ? FC_OK : FC_ERR_NUMERICAL;
}

/* ------------------------------------------------------------------ */
/* BFGS */

void
fc_bfgs_options_init(FcBfgsOptions *opt)
{
	opt->max_iter = 200;
	opt->max_eval = 1000;
	opt->ftol_abs = 1e-8;
	opt->ftol_rel = 1e-10;
	opt->gtol = 1e-6;
	opt->lazy_grad = false;
}

typedef struct BfgsState
{
	NMState		nm;				/* bounds and transform */
	FcObjectiveGrad fg;
	double	   *gx;				/* gradient in user space */
} BfgsState;

/* f and gradient in search space u */
static double
bfgs_eval(BfgsState *bs, const double *u, double *gu)
{
	NMState    *st = &bs->nm;
	double		f;
	int			i;

	nm_to_x(st, u, st->xbuf);
	f = bs->fg(st->xbuf, gu ? bs->gx : NULL, st->ctx);
	st->nevals++;
	if (isnan(f) || f >= FC_OPTIM_PENALTY)
		return FC_OPTIM_PENALTY;
	if (gu)
	{
		for (i = 0; i < st->dim; i++)
		{
			double		d;

			switch (st->kind[i])
			{
				case BND_BOTH:
					d = 0.5 * (st->upper[i] - st->lower[i]) * cos(u[i]);
					break;
				case BND_LOW:
					d = 2.0 * u[i];
					break;
				case BND_HIGH:
					d = -2.0 * u[i];
					break;
				default:
					d = 1.0;
			}
			gu[i] = bs->gx[i] * d;
			if (!isfinite(gu[i]))
				return FC_OPTIM_PENALTY;
		}
	}
	return f;
}

FcStatus
fc_bfgs(FcObjectiveGrad fn, void *ctx, int dim, double *x,
		const double *step, const double *lower, const double *upper,
		const FcBfgsOptions *opt, FcNMResult *res)
{
	BfgsState	bs;
	NMState    *st = &bs.nm;
	double	   *mem,
			   *H,
			   *u,
			   *g,
			   *un,
			   *gn,
			   *dir,
			   *sv,
			   *yv,
			   *hy,
			   *us;
	double		f;
	int			i,
				j,
				iter,
				small = 0;
	bool		conv = false,
				stalled = false;

	memset(res, 0, sizeof(*res));
	if (dim < 1 || fn == NULL || x == NULL || step == NULL || opt == NULL)
		return FC_ERR_BAD_ARGUMENT;

	st->fn = NULL;
	st->ctx = ctx;
	st->dim = dim;
	st->lower = lower;
	st->upper = upper;
	st->nevals = 0;
	bs.fg = fn;

	mem = (double *) fc_alloc(sizeof(double) * ((size_t) dim * dim + 11 * (size_t) dim));
	H = mem;
	u = H + (size_t) dim * dim;
	g = u + dim;
	un = g + dim;
	gn = un + dim;
	dir = gn + dim;
	sv = dir + dim;
	yv = sv + dim;
	hy = yv + dim;
	us = hy + dim;
	st->xbuf = us + dim;
	bs.gx = st->xbuf + dim;
	st->kind = (int *) fc_alloc(sizeof(int) * dim);

	for (i = 0; i < dim; i++)
	{
		bool		hl = lower && isfinite(lower[i]);
		bool		hh = upper && isfinite(upper[i]);
		double		xi = x[i];

		st->kind[i] = hl && hh ? BND_BOTH : (hl ? BND_LOW : (hh ? BND_HIGH : BND_NONE));
		if (hl && xi < lower[i])
			xi = lower[i];
		if (hh && xi > upper[i])
			xi = upper[i];
		u[i] = nm_to_u1(st, i, xi);
		us[i] = fabs(nm_ustep(st, i, xi, step[i]));
		/* the transform is flat at the bounds: start slightly inside */
		if (st->kind[i] == BND_BOTH)
		{
			double		lim = 0.5 * M_PI - 0.02;

			if (u[i] > lim)
				u[i] = lim;
			if (u[i] < -lim)
				u[i] = -lim;
		}
		else if (st->kind[i] != BND_NONE && fabs(u[i]) < 1e-4)
			u[i] = 1e-4;
		if (!(us[i] > 0))
			us[i] = 1e-3;
	}

	f = bfgs_eval(&bs, u, g);
	if (f >= FC_OPTIM_PENALTY)
	{
		fc_free(st->kind);
		fc_free(mem);
		res->fmin = f;
		res->nevals = st->nevals;
		return FC_ERR_NUMERICAL;
	}
	/* H0 = diag(us^2) */
	for (i = 0; i < dim * dim; i++)
		H[i] = 0.0;
	for (i = 0; i < dim; i++)
		H[i * dim + i] = us[i] * us[i];

	for (iter = 0; iter < opt->max_iter && st->nevals < opt->max_eval; iter++)
	{
		double		slope = 0.0,
					t = 1.0,
					fn_ = FC_OPTIM_PENALTY,
					maxr = 0.0,
					ys = 0.0,
					yhy = 0.0;
		bool		accepted = false;

		fc_check_interrupts();
		/* direction */
		for (i = 0; i < dim; i++)
		{
			double		acc = 0.0;

			for (j = 0; j < dim; j++)
				acc -= H[i * dim + j] * g[j];
			dir[i] = acc;
			slope += acc * g[i];
		}
		if (!(slope < 0.0))
		{
			/* not a descent direction: reset to the scaled gradient */
			for (i = 0; i < dim * dim; i++)
				H[i] = 0.0;
			slope = 0.0;
			for (i = 0; i < dim; i++)
			{
				H[i * dim + i] = us[i] * us[i];
				dir[i] = -us[i] * us[i] * g[i];
				slope += dir[i] * g[i];
			}
			if (!(slope < 0.0))
			{
				conv = true;
				break;
			}
		}
		/* keep steps within ~ a few scale units per coordinate */
		for (i = 0; i < dim; i++)
			if (fabs(dir[i]) / us[i] > maxr)
				maxr = fabs(dir[i]) / us[i];
		if (maxr > 10.0)
			t = 10.0 / maxr;

		/* Armijo backtracking */
		while (st->nevals < opt->max_eval)
		{
			for (i = 0; i < dim; i++)
				un[i] = u[i] + t * dir[i];
			fn_ = bfgs_eval(&bs, un, opt->lazy_grad ? NULL : gn);
			if (fn_ < FC_OPTIM_PENALTY && fn_ <= f + 1e-4 * t * slope &&
				opt->lazy_grad)
			{
				/* gradient at the accepted point (not counted again) */
				double		fg = bfgs_eval(&bs, un, gn);

				st->nevals--;
				if (fg >= FC_OPTIM_PENALTY)
					fn_ = FC_OPTIM_PENALTY; /* as if infeasible */
			}
			if (fn_ < FC_OPTIM_PENALTY && fn_ <= f + 1e-4 * t * slope)
			{
				accepted = true;
				break;
			}
			if (fn_ >= FC_OPTIM_PENALTY)
				t *= 0.2;
			else
			{
				/* minimiser of the quadratic through f, slope and fn_ */
				double		den = 2.0 * (fn_ - f - slope * t);
				double		tq = den > 0 ? -slope * t * t / den : 0.5 * t;

				t = tq < 0.1 * t ? 0.1 * t : (tq > 0.5 * t ? 0.5 * t : tq);
			}
			if (t * maxr < 1e-10 && t < 1e-10)
				break;
		}
		if (!accepted)
		{
			conv = true;		/* no progress possible along the direction */
			stalled = true;
			break;
		}

		/* BFGS update of H with s = un - u, y = gn - g */
		for (i = 0; i < dim; i++)
		{
			sv[i] = un[i] - u[i];
			yv[i] = gn[i] - g[i];
			ys += sv[i] * yv[i];
		}
		for (i = 0; i < dim; i++)
		{
			double		acc = 0.0;

			for (j = 0; j < dim; j++)
				acc += H[i * dim + j] * yv[j];
			hy[i] = acc;
			yhy += yv[i] * acc;
		}
		/* curvature condition (skip the update when it fails) */
		if (ys > 1e-300)
		{
			double		rho = 1.0 / ys;
			double		coef = (1.0 + yhy * rho) * rho;

			for (i = 0; i < dim; i++)
				for (j = 0; j < dim; j++)
					H[i * dim + j] += coef * sv[i] * sv[j] -
						rho * (hy[i] * sv[j] + sv[i] * hy[j]);
		}

		/* convergence */
		{
			double		df = f - fn_;
			double		gmax = 0.0;

			memcpy(u, un, dim * sizeof(double));
			memcpy(g, gn, dim * sizeof(double));
			f = fn_;
			for (i = 0; i < dim; i++)
				if (fabs(g[i] * us[i]) > gmax)
					gmax = fabs(g[i] * us[i]);
			if (gmax <= opt->gtol)
			{
				conv = true;
				break;
			}
			if (df <= opt->ftol_abs + opt->ftol_rel * fabs(f))
			{
				if (++small >= 2)
				{
					conv = true;
					break;
				}
			}
			else
				small = 0;
		}
	}

	nm_to_x(st, u, x);
	fc_free(st->kind);
	fc_free(mem);
	res->fmin = f;
	res->nevals = st->nevals;
	res->restarts = iter;		/* for BFGS: iterations */
	res->converged = conv;
	res->stalled = stalled;
	return FC_OK;
}
