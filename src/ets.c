/*
 * ets.c
 *	  Exponential smoothing state-space models (ETS), estimation by maximum
 *	  likelihood, automatic form selection by AICc, and forecasts with
 *	  analytic prediction intervals.
 *
 * References: Hyndman, Koehler, Ord & Snyder, "Forecasting with Exponential
 * Smoothing: The State Space Approach", Springer 2008 (HKOS below);
 * Hyndman, Koehler, Snyder & Grose, IJF 18 (2002) 439-454.
 *
 * Model (error-correction form).  With r_t = y_t - yhat_t:
 *	 lp_t   = l_{t-1} + phi * b_{t-1}		   (phi = 1 undamped, b = 0 no trend)
 *	 yhat_t = lp_t, lp_t + s_{t-m}, lp_t * s_{t-m}	  (season N, A, M)
 *	 season N/A:  l_t = lp_t + alpha r_t,	 b_t = phi b_{t-1} + beta r_t,
 *				  s_t = s_{t-m} + gamma r_t
 *	 season M:	  l_t = lp_t + alpha r_t / s_{t-m},
 *				  b_t = phi b_{t-1} + beta r_t / s_{t-m},
 *				  s_t = s_{t-m} + gamma r_t / lp_t
 * These state updates are the same for additive and multiplicative errors
 * (e_t = r_t for A, e_t = r_t / yhat_t for M); the error type only changes
 * the likelihood.  Concentrating out the innovation variance, the quantity
 * minimised ("lik", as in R's forecast::ets) is
 *	 A error:  n log(sum r_t^2)
 *	 M error:  n log(sum e_t^2) + 2 sum log|yhat_t|
 * and loglik = -0.5 lik, aic = lik + 2k, bic = lik + log(n) k,
 * aicc = aic + 2k(k+1)/(n-k-1) with k = estimated parameters (smoothing
 * parameters and initial states) + 1, sigma2 = sum e_t^2 / (n - k + 1).
 *
 * Parameter space (R's bounds = "both"): 1e-4 <= alpha <= 0.9999,
 * 1e-4 <= beta <= alpha, 1e-4 <= gamma <= 1 - alpha, 0.8 <= phi <= 0.98,
 * and the forecastability region: all roots of the characteristic
 * polynomial of the discount matrix D = F - g w' (after removing the unit
 * root of the seasonal normalisation) inside the unit circle (HKOS ch. 10).
 * For the seasonal models that polynomial is, derived from
 * det(zI - F + g w') = det(zI - F) (1 + w'(zI - F)^{-1} g),
 *	 P(z) = (z - phi)(z^m - 1) + alpha (z - phi) S(z) + beta phi z S(z)
 *			+ gamma (z - phi),	 S(z) = 1 + z + ... + z^{m-1},
 * (without trend: z^m - 1 + alpha S(z) + gamma, i.e. P(z)/z at phi = beta = 0)
 * and is tested with the Schur-Cohn recursion in O(m^2).  For the
 * non-seasonal models the usual region is inside the admissible one.
 *
 * The optimiser works on (alpha, beta*, gamma*, phi, l0, b0, s_1..s_{m-1})
 * with beta = 1e-4 + beta* (alpha - 1e-4), gamma = 1e-4 + gamma* (1 - alpha
 * - 1e-4), beta*, gamma* in [0,1], so the usual region is a box; the last
 * initial seasonal state follows from the normalisation (sum 0 or sum m).
 * The data are divided by mean|y| inside the kernel (lik is corrected by
 * 2 n log(scale)) so that tolerances and steps are scale free.
 *
 * Estimation: BFGS (optim.c) on all of these at once, with exact gradients
 * of lik: reverse mode (an adjoint pass over the stored trajectory) for the
 * seasonal forms, forward sensitivities for the non-seasonal ones; each
 * evaluation is O(n) with the seasonal states in a circular buffer.  The
 * admissibility constraint enters as a barrier that is zero in the interior
 * (see ets_barrier) so the search can follow the boundary.  Starting points:
 * the heuristic of HKOS sec. 2.6.1 for the states and a small coordinate
 * grid for the smoothing parameters, one start with alpha < 0.4 and one
 * with alpha >= 0.4 for the seasonal forms (the likelihood is often bimodal
 * in alpha there); fc_ets_auto also offers the optimum of the additive-error
 * version of a form and of the undamped version of a damped form.
 */
#include <float.h>
#include <math.h>
#include <string.h>

#include "ets.h"
#include "optim.h"

#define ETS_LB		1e-4
#define ETS_UB		0.9999
#define ETS_PHI_LB	0.8
#define ETS_PHI_UB	0.98
#define ETS_YHAT_TOL 1e-10		/* relative to the data scale */
#define ETS_SSE_FLOOR 1e-200
#define ETS_BARRIER_U0 0.01		/* barrier active where some 1 - k^2 < this */

#ifndef M_PI
#define M_PI		3.14159265358979323846
#endif
#ifndef M_SQRT2
#define M_SQRT2		1.41421356237309504880
#endif

#define SEAS_N 0
#define SEAS_A 1
#define SEAS_M 2

#ifdef __GNUC__
#define ETS_INLINE static inline __attribute__((always_inline))
#else
#define ETS_INLINE static inline
#endif

/* Everything the objective needs; one per fit (no static state). */
typedef struct EtsSpec
{
	const double *y;			/* scaled data */
	int			n;
	int			m;				/* 1 without season */
	bool		errmul;
	bool		trend;
	bool		damped;
	int			season;			/* SEAS_* */
	/* optimiser layout: index into x, or -1 when fixed / absent */
	int			ia,
				ib,
				ig,
				ip,
				il,
				ibs,
				is;
	int			np;				/* optimiser dimension */
	double		fa,
				fb,
				fg,
				fp;				/* fixed values (when index is -1) */
	double		alo,
				ahi;			/* box for alpha */
	double	   *s;				/* m seasonal states (circular) */
	double	   *pa,
			   *pb;				/* 5 (m + 2) each: admissibility scratch */
	double	   *sb;				/* m: adjoints of the seasonal states */
	double		mu;				/* weight of the admissibility barrier */
	double	   *tr;				/* 5 n: trajectory for the gradient */
	double	   *x,
			   *x2,
			   *xb,
			   *step,
			   *lower,
			   *upper,
			   *grad,
			   *s0;				/* optimiser vectors (np), start states (m) */
	double	   *mem;			/* the one allocation holding all of the above */
} EtsSpec;

typedef struct EtsPar
{
	double		alpha,
				beta,
				gamma,
				phi;
} EtsPar;

/* Natural (scaled) values of all parameters and initial states. */
typedef struct EtsStart
{
	EtsPar		p;
	double		l0,
				b0;
	double	   *s0;				/* m entries */
} EtsStart;

/* ------------------------------------------------------------------ */

void
fc_ets_control_init(FcEtsControl *ctl)
{
	ctl->allow_mul_error = true;
	ctl->allow_damped = true;
	ctl->allow_trend = true;
	ctl->allow_season = true;
	ctl->allow_mul_season = true;
	ctl->allow_mul_error_trend_season = false;
	ctl->fixed_alpha = NAN;
	ctl->fixed_beta = NAN;
	ctl->fixed_gamma = NAN;
	ctl->fixed_phi = NAN;
	ctl->max_iter = 0;
}

void
fc_ets_form_name(FcEtsForm form, char *buf, size_t buflen)
{
	char		tmp[16];
	int			k = 0;

	tmp[k++] = 'E';
	tmp[k++] = 'T';
	tmp[k++] = 'S';
	tmp[k++] = '(';
	tmp[k++] = form.error;
	tmp[k++] = ',';
	tmp[k++] = form.trend;
	if (form.trend != 'N' && form.damped)
		tmp[k++] = 'd';
	tmp[k++] = ',';
	tmp[k++] = form.season;
	tmp[k++] = ')';
	tmp[k] = '\0';
	if (buf == NULL || buflen == 0)
		return;
	if ((size_t) k >= buflen)
		k = (int) buflen - 1;
	memcpy(buf, tmp, k);
	buf[k] = '\0';
}

static int
ets_nparams(FcEtsForm form, int m)
{
	int			np = 2;			/* alpha, l0 */

	if (form.trend == 'A')
		np += form.damped ? 3 : 2;
	if (form.season != 'N')
		np += m;				/* gamma, m - 1 free initial states */
	return np;
}

int
fc_ets_min_length(FcEtsForm form, int m)
{
	if (form.season == 'N')
		m = 1;
	/* as R's ets: needs n > number of parameters + 4 */
	return ets_nparams(form, m) + 5;
}

void
fc_ets_model_free(FcEtsModel *fit)
{
	if (fit && fit->season)
	{
		fc_free(fit->season);
		fit->season = NULL;
	}
	if (fit && fit->resid)
	{
		fc_free(fit->resid);
		fit->resid = NULL;
	}
}

/* ------------------------------------------------------------------ */
/* Admissibility */

/*
 * Admissibility test and barrier.  Returns false when the parameters are
 * not admissible.  Otherwise *B = sum_i log(u0 / u_i)^2 over the Schur-Cohn
 * reflection coefficients k_i of P(z) with u_i = 1 - k_i^2 < u0 (0 for
 * non-seasonal models and for parameters well inside the region).  B is
 * continuously differentiable, zero in the interior and tends to +inf at the
 * boundary of the admissible region; dB (if not NULL) receives its
 * derivatives with respect to alpha, beta, gamma, phi (forward mode through
 * the recursion).  The optimiser minimises lik + mu B, which lets gradient
 * steps slide along the boundary instead of stalling on the infeasible
 * penalty; the likelihood optimum is unchanged unless it lies within the
 * thin boundary layer, where mu is small enough to cost a negligible amount
 * of likelihood.  *umin receives min u_i.
 */
static bool
ets_barrier_pass(const EtsSpec *sp, const EtsPar *p, double *B, double *dB,
				 double *umin)
{
	int			m = sp->m,
				d,
				i,
				q;
	double		alpha = p->alpha,
				beta = p->beta,
				gamma = p->gamma,
				phi = p->phi;
	double	   *a = sp->pa,
			   *b = sp->pb,
			   *t;
	double		c,
				dc[4],
				acc = 0.0;
	bool		nophi = !sp->trend;
	int			nd = dB ? 4 : 0;

	/* a[i * 5 + 0] is the coefficient, a[i * 5 + 1..4] its derivatives */
	*B = 0.0;
	if (dB)
		dB[0] = dB[1] = dB[2] = dB[3] = 0.0;
	if (sp->season == SEAS_N)
		return true;			/* usual region is inside the admissible one */
	if (nophi)
	{
		/*
		 * Without a slope state the polynomial is (z^m - 1) + alpha S(z) +
		 * gamma; it equals P(z) / z for phi = beta = 0.
		 */
		phi = 0.0;
		beta = 0.0;
	}
	/* quick necessary condition: |constant| < 1 */
	if (!(fabs(phi * (1.0 - alpha - gamma)) < 1.0))
		return false;

	/* coefficients of P(z), degree m + 1, see the header comment */
	c = alpha * (1.0 - phi) + beta * phi;
	dc[0] = 1.0 - phi;
	dc[1] = phi;
	dc[2] = 0.0;
	dc[3] = beta - alpha;
	for (i = 1; i <= m; i++)
	{
		a[i * 5] = c;
		for (q = 0; q < nd; q++)
			a[i * 5 + 1 + q] = dc[q];
	}
	a[5] += gamma - 1.0;
	if (nd)
		a[5 + 3] += 1.0;
	a[0] = phi * (1.0 - alpha - gamma);
	a[1] = -phi;
	a[2] = 0.0;
	a[3] = -phi;
	a[4] = 1.0 - alpha - gamma;
	a[m * 5] = alpha + beta * phi - phi;	/* m >= 2 here */
	a[m * 5 + 1] = 1.0;
	a[m * 5 + 2] = phi;
	a[m * 5 + 3] = 0.0;
	a[m * 5 + 4] = beta - 1.0;
	a[(m + 1) * 5] = 1.0;
	for (q = 0; q < 4; q++)
		a[(m + 1) * 5 + 1 + q] = 0.0;
	if (nophi)
	{
		/* phi and beta are constants here */
		for (i = 0; i <= m + 1; i++)
			a[i * 5 + 2] = a[i * 5 + 4] = 0.0;
	}

	/* Schur-Cohn step-down; the leading coefficient stays 1 */
	for (d = m + 1; d > 0; d--)
	{
		double		k = a[0],
					dk[4],
					lead,
					dlead[4],
					om;

		for (q = 0; q < nd; q++)
			dk[q] = a[1 + q];
		if (!(fabs(k) < 1.0))
			return false;
		om = 1.0 - k * k;
		if (om < *umin)
			*umin = om;
		if (om < ETS_BARRIER_U0)
		{
			double		lg = log(ETS_BARRIER_U0 / om);

			acc += lg * lg;
			for (q = 0; q < nd; q++)
				dB[q] += 4.0 * lg * k * dk[q] / om;
		}
		for (i = 0; i < d; i++)
		{
			double	   *ai1 = a + (i + 1) * 5,
					   *ar = a + (d - 1 - i) * 5,
					   *bi = b + i * 5;

			bi[0] = ai1[0] - k * ar[0];
			for (q = 0; q < nd; q++)
				bi[1 + q] = ai1[1 + q] - dk[q] * ar[0] - k * ar[1 + q];
		}
		lead = b[(d - 1) * 5];
		if (!(lead > 0))
			return false;
		for (q = 0; q < nd; q++)
			dlead[q] = b[(d - 1) * 5 + 1 + q];
		for (i = 0; i < d; i++)
		{
			double	   *bi = b + i * 5;

			bi[0] /= lead;
			for (q = 0; q < nd; q++)
				bi[1 + q] = (bi[1 + q] - bi[0] * dlead[q]) / lead;
		}
		t = a;
		a = b;
		b = t;
	}
	*B = acc;
	return true;
}

/*
 * The barrier proper: one pass without derivatives, and a second one with
 * them only when the parameters are near the boundary (otherwise B = 0).
 */
static bool
ets_barrier(const EtsSpec *sp, const EtsPar *p, double *B, double *dB)
{
	double		umin = 1.0;
	int			m = sp->m,
				d,
				i;
	double		alpha = p->alpha,
				beta = p->beta,
				gamma = p->gamma,
				phi = p->phi,
				c,
				acc = 0.0;
	double	   *a = sp->pa,
			   *b = sp->pb,
			   *t;

	*B = 0.0;
	if (dB)
		dB[0] = dB[1] = dB[2] = dB[3] = 0.0;
	if (sp->season == SEAS_N)
		return true;
	if (!sp->trend)
	{
		phi = 0.0;
		beta = 0.0;
	}
	if (!(fabs(phi * (1.0 - alpha - gamma)) < 1.0))
		return false;

	/* fast pass without derivatives on contiguous coefficients */
	c = alpha * (1.0 - phi) + beta * phi;
	a[0] = phi * (1.0 - alpha - gamma);
	for (i = 1; i <= m; i++)
		a[i] = c;
	a[1] += gamma - 1.0;
	a[m] = alpha + beta * phi - phi;
	a[m + 1] = 1.0;
	for (d = m + 1; d > 0; d--)
	{
		double		k = a[0],
					om,
					inv;

		if (!(fabs(k) < 1.0))
			return false;
		om = 1.0 - k * k;
		if (om < umin)
			umin = om;
		if (om < ETS_BARRIER_U0)
		{
			double		lg = log(ETS_BARRIER_U0 / om);

			acc += lg * lg;
		}
		/* leading coefficient of the reduced polynomial: 1 - k^2 */
		inv = 1.0 / om;
		for (i = 0; i < d; i++)
			b[i] = (a[i + 1] - k * a[d - 1 - i]) * inv;
		t = a;
		a = b;
		b = t;
	}
	*B = acc;
	if (dB && umin < ETS_BARRIER_U0)
		return ets_barrier_pass(sp, p, B, dB, &umin);
	return true;
}

/* ------------------------------------------------------------------ */
/* The filter */

static void
ets_decode(const EtsSpec *sp, const double *x, EtsPar *p)
{
	double		alpha = sp->ia >= 0 ? x[sp->ia] : sp->fa;

	p->alpha = alpha;
	if (sp->trend)
	{
		if (sp->ib >= 0)
		{
			double		lo = alpha < ETS_LB ? alpha : ETS_LB;

			p->beta = lo + x[sp->ib] * (alpha - lo);
		}
		else
			p->beta = sp->fb;
	}
	else
		p->beta = 0.0;
	if (sp->season != SEAS_N)
	{
		if (sp->ig >= 0)
		{
			double		hi = 1.0 - alpha < ETS_UB ? 1.0 - alpha : ETS_UB;
			double		lo = hi < ETS_LB ? hi : ETS_LB;

			p->gamma = lo + x[sp->ig] * (hi - lo);
		}
		else
			p->gamma = sp->fg;
	}
	else
		p->gamma = 0.0;
	if (sp->damped)
		p->phi = sp->ip >= 0 ? x[sp->ip] : sp->fp;
	else
		p->phi = 1.0;
}

/*
 * The state update of one step, shared by the filter and the gradient's
 * forward pass: level, slope and this step's seasonal state from the
 * predicted level lp, seasonal sv and the innovation r (relative to sv in
 * the multiplicative-season forms).
 */
static inline void
ets_update(int season, double alpha, double beta, double gamma, double phi,
		   double lp, double sv, double r, double *l, double *b, double *s)
{
	if (season == SEAS_M)
	{
		double		rs = r / sv;

		*l = lp + alpha * rs;
		*b = phi * *b + beta * rs;
		*s = sv + gamma * r / lp;
	}
	else
	{
		*l = lp + alpha * r;
		*b = phi * *b + beta * r;
		if (season == SEAS_A)
			*s = sv + gamma * r;
	}
}

/* inverse of ets_decode for the smoothing parameters */
static void
ets_encode(const EtsSpec *sp, const EtsPar *p, double *x)
{
	double		alpha = p->alpha;

	if (sp->ia >= 0)
	{
		if (alpha < sp->alo)
			alpha = sp->alo;
		if (alpha > sp->ahi)
			alpha = sp->ahi;
		x[sp->ia] = alpha;
	}
	if (sp->ib >= 0)
	{
		double		lo = alpha < ETS_LB ? alpha : ETS_LB;
		double		v = alpha - lo > 1e-12 ? (p->beta - lo) / (alpha - lo) : 0.0;

		x[sp->ib] = v < 0 ? 0 : (v > 1 ? 1 : v);
	}
	if (sp->ig >= 0)
	{
		double		hi = 1.0 - alpha < ETS_UB ? 1.0 - alpha : ETS_UB;
		double		lo = hi < ETS_LB ? hi : ETS_LB;
		double		v = hi - lo > 1e-12 ? (p->gamma - lo) / (hi - lo) : 0.0;

		x[sp->ig] = v < 0 ? 0 : (v > 1 ? 1 : v);
	}
	if (sp->ip >= 0)
	{
		double		v = p->phi;

		x[sp->ip] = v < ETS_PHI_LB ? ETS_PHI_LB : (v > ETS_PHI_UB ? ETS_PHI_UB : v);
	}
}

/*
 * Run the recursions over the data.  s holds the m initial seasonal states
 * (s[j] applies to observation j) and is updated in place; *l, *b likewise.
 * Returns the sum of squared errors e_t (relative for M error) and, through
 * *slog, sum log|yhat_t| (M error only) and through *sse_abs the sum of
 * squared r_t; resid (optional) receives e_t.  Returns -1 on failure.
 */
ETS_INLINE double
ets_filter_t(const double *y, int n, int m, bool errmul, int season,
			 const EtsPar *p, double *lp_, double *bp_, double *s,
			 double *slog, double *sse_abs, double *resid)
{
	double		alpha = p->alpha,
				beta = p->beta,
				gamma = p->gamma,
				phi = p->phi;
	double		l = *lp_,
				b = *bp_;
	double		sse = 0.0,
				sabs = 0.0,
				logsum = 0.0,
				prod = 1.0;
	int			t,
				j = 0,
				blk = 0;

	for (t = 0; t < n; t++)
	{
		double		lp = l + phi * b;
		double		sv = 0.0,
					yhat,
					r;

		if (season == SEAS_A)
		{
			sv = s[j];
			yhat = lp + sv;
		}
		else if (season == SEAS_M)
		{
			sv = s[j];
			yhat = lp * sv;
		}
		else
			yhat = lp;
		r = y[t] - yhat;
		if (errmul)
		{
			double		e;

			if (!(fabs(yhat) >= ETS_YHAT_TOL))
				return -1.0;
			e = r / yhat;
			sse += e * e;
			prod *= fabs(yhat);
			if (++blk == 8)
			{
				logsum += log(prod);
				prod = 1.0;
				blk = 0;
			}
			if (resid)
			{
				resid[t] = e;
				sabs += r * r;
			}
		}
		else
		{
			sse += r * r;
			if (resid)
				resid[t] = r;
		}
		ets_update(season, alpha, beta, gamma, phi, lp, sv, r, &l, &b, &s[j]);
		if (++j == m)
			j = 0;
	}
	if (errmul)
	{
		logsum += log(prod);
		*slog = logsum;
		*sse_abs = resid ? sabs : 0.0;
	}
	else
	{
		*slog = 0.0;
		*sse_abs = sse;
	}
	*lp_ = l;
	*bp_ = b;
	return sse;
}

static double
ets_filter(const EtsSpec *sp, const EtsPar *p, double *l, double *b,
		   double *s, double *slog, double *sse_abs, double *resid)
{
	const double *y = sp->y;
	int			n = sp->n,
				m = sp->m;

	if (sp->errmul)
	{
		switch (sp->season)
		{
			case SEAS_A:
				return ets_filter_t(y, n, m, true, SEAS_A, p, l, b, s, slog, sse_abs, resid);
			case SEAS_M:
				return ets_filter_t(y, n, m, true, SEAS_M, p, l, b, s, slog, sse_abs, resid);
			default:
				return ets_filter_t(y, n, m, true, SEAS_N, p, l, b, s, slog, sse_abs, resid);
		}
	}
	switch (sp->season)
	{
		case SEAS_A:
			return ets_filter_t(y, n, m, false, SEAS_A, p, l, b, s, slog, sse_abs, resid);
		case SEAS_M:
			return ets_filter_t(y, n, m, false, SEAS_M, p, l, b, s, slog, sse_abs, resid);
		default:
			return ets_filter_t(y, n, m, false, SEAS_N, p, l, b, s, slog, sse_abs, resid);
	}
}

/* Unpack initial states from x into l, b, s (returns false if invalid). */
static bool
ets_init_states(const EtsSpec *sp, const double *x, double *l, double *b, double *s)
{
	*l = x[sp->il];
	*b = sp->trend ? x[sp->ibs] : 0.0;
	if (sp->season != SEAS_N)
	{
		int			m = sp->m,
					j;
		double		sum = 0.0;

		for (j = 0; j < m - 1; j++)
		{
			s[j] = x[sp->is + j];
			sum += s[j];
		}
		s[m - 1] = (sp->season == SEAS_A ? 0.0 : (double) m) - sum;
		if (sp->season == SEAS_M)
		{
			for (j = 0; j < m; j++)
				if (!(s[j] > 0.0))
					return false;
		}
	}
	return true;
}

/* lik (scaled data, without the 2 n log(scale) constant) */
static double
ets_lik_from(const EtsSpec *sp, double sse, double slog)
{
	if (sse < ETS_SSE_FLOOR)
		sse = ETS_SSE_FLOOR;
	return sp->n * log(sse) + (sp->errmul ? 2.0 * slog : 0.0);
}

static double
ets_objective(const double *x, void *ctx)
{
	const EtsSpec *sp = (const EtsSpec *) ctx;
	EtsPar		p;
	double		l,
				b,
				slog,
				sabs,
				sse,
				lik,
				bar;

	ets_decode(sp, x, &p);
	if (!ets_barrier(sp, &p, &bar, NULL))
		return FC_OPTIM_PENALTY;
	if (!ets_init_states(sp, x, &l, &b, sp->s))
		return FC_OPTIM_PENALTY;
	sse = ets_filter(sp, &p, &l, &b, sp->s, &slog, &sabs, NULL);
	if (!(sse >= 0.0))
		return FC_OPTIM_PENALTY;
	lik = ets_lik_from(sp, sse, slog);
	if (!isfinite(lik))
		return FC_OPTIM_PENALTY;
	return lik + sp->mu * bar;
}

/* ------------------------------------------------------------------ */
/* Starting values (HKOS sec. 2.6.1) */

/*
 * Initial level, slope and seasonal states by classical decomposition of the
 * first (up to three) cycles and a regression on the first max(10, 2m)
 * seasonally adjusted values.  work: n doubles.
 */
static void
ets_heuristic(const double *y, int n, int m, int season, bool trend,
			  bool need_positive, double *l0, double *b0, double *s0,
			  double *work)
{
	int			j,
				t,
				maxn;
	double	   *ya = work;

	if (season != SEAS_N)
	{
		int			cycles = n / m;

		for (j = 0; j < m; j++)
			s0[j] = 0.0;
		if (cycles >= 2)
		{
			int			L = (cycles > 3 ? 3 : cycles) * m;
			int			half = m / 2;
			int			lo = half,
						hi = L - half;	/* centred MA defined on [lo, hi) */
			double		norm = 0.0;

			/* per-season sums of detrended values, counts in ya[] */
			for (j = 0; j < m; j++)
				ya[j] = 0.0;
			for (t = lo; t < hi; t++)
			{
				double		f = 0.0;
				int			k;

				if (m % 2 == 0)
				{
					f = 0.5 * (y[t - half] + y[t + half]);
					for (k = t - half + 1; k < t + half; k++)
						f += y[k];
				}
				else
				{
					for (k = t - half; k <= t + half; k++)
						f += y[k];
				}
				f /= m;
				if (season == SEAS_A)
					s0[t % m] += y[t] - f;
				else
					s0[t % m] += (f != 0.0) ? y[t] / f : 1.0;
				ya[t % m] += 1.0;
			}
			for (j = 0; j < m; j++)
			{
				s0[j] = ya[j] > 0 ? s0[j] / ya[j] : (season == SEAS_A ? 0.0 : 1.0);
				norm += s0[j];
			}
			norm /= m;
			for (j = 0; j < m; j++)
			{
				if (season == SEAS_A)
					s0[j] -= norm;
				else
					s0[j] = norm != 0.0 ? s0[j] / norm : 1.0;
			}
		}
		else
		{
			/* one cycle: deviations from its mean */
			double		mean = 0.0;
			int			len = n < m ? n : m;

			for (t = 0; t < len; t++)
				mean += y[t];
			mean /= len;
			for (j = 0; j < m; j++)
			{
				double		v = j < len ? y[j] : mean;

				s0[j] = season == SEAS_A ? v - mean : (mean != 0.0 ? v / mean : 1.0);
			}
		}
		if (season == SEAS_M)
		{
			/* keep the factors positive and normalised */
			double		sum = 0.0;

			for (j = 0; j < m; j++)
			{
				if (!(s0[j] > 0.05))
					s0[j] = 0.05;
				sum += s0[j];
			}
			for (j = 0; j < m; j++)
				s0[j] *= m / sum;
		}
		for (t = 0; t < n; t++)
			ya[t] = season == SEAS_A ? y[t] - s0[t % m] : y[t] / s0[t % m];
	}
	else
		memcpy(ya, y, n * sizeof(double));

	maxn = 2 * m > 10 ? 2 * m : 10;
	if (maxn > n)
		maxn = n;
	if (trend && maxn >= 2)
	{
		double		mt = 0.0,
					my = 0.0,
					sxx = 0.0,
					sxy = 0.0;

		for (t = 0; t < maxn; t++)
		{
			mt += t + 1;
			my += ya[t];
		}
		mt /= maxn;
		my /= maxn;
		for (t = 0; t < maxn; t++)
		{
			sxx += (t + 1 - mt) * (t + 1 - mt);
			sxy += (t + 1 - mt) * (ya[t] - my);
		}
		*b0 = sxy / sxx;
		*l0 = my - *b0 * mt;
		if (need_positive && !(*l0 > 0.0))
		{
			*l0 = ya[0] > 0 ? ya[0] : my;
			*b0 = 0.0;
		}
	}
	else
	{
		double		my = 0.0;

		for (t = 0; t < maxn; t++)
			my += ya[t];
		*l0 = my / maxn;
		*b0 = 0.0;
	}
}

/* ------------------------------------------------------------------ */
/* Fitting one form */

typedef struct EtsData
{
	double	   *y;				/* scaled copy */
	int			n;
	int			m;				/* season length as given */
	double		scale;
	bool		positive;
	double		dsd;			/* sd of first differences (scaled) */
	double	   *work;			/* n doubles */
} EtsData;

static FcStatus
ets_check_form(FcEtsForm form, int m)
{
	if (form.error != 'A' && form.error != 'M')
		return FC_ERR_BAD_ARGUMENT;
	if (form.trend != 'N' && form.trend != 'A')
		return FC_ERR_BAD_ARGUMENT;
	if (form.season != 'N' && form.season != 'A' && form.season != 'M')
		return FC_ERR_BAD_ARGUMENT;
	if (form.trend == 'N' && form.damped)
		return FC_ERR_BAD_ARGUMENT;
	if (form.error == 'A' && form.season == 'M')
		return FC_ERR_BAD_ARGUMENT;
	if (form.season != 'N' && m < 2)
		return FC_ERR_BAD_ARGUMENT;
	return FC_OK;
}

static FcStatus
ets_data_init(EtsData *d, const double *y, int n, int m)
{
	int			t;
	double		s = 0.0,
				dm = 0.0,
				dv = 0.0;

	if (y == NULL || n < 1 || m < 1)
		return FC_ERR_BAD_ARGUMENT;
	for (t = 0; t < n; t++)
	{
		if (!isfinite(y[t]))
			return FC_ERR_NONFINITE;
		s += fabs(y[t]);
	}
	d->n = n;
	d->m = m;
	d->scale = s / n;
	if (!(d->scale > 0.0) || !isfinite(d->scale))
		d->scale = 1.0;
	d->y = (double *) fc_alloc(sizeof(double) * 2 * (size_t) n);
	d->work = d->y + n;
	d->positive = true;
	for (t = 0; t < n; t++)
	{
		d->y[t] = y[t] / d->scale;
		if (!(y[t] > 0.0))
			d->positive = false;
	}
	for (t = 1; t < n; t++)
		dm += d->y[t] - d->y[t - 1];
	dm = n > 1 ? dm / (n - 1) : 0.0;
	for (t = 1; t < n; t++)
		dv += (d->y[t] - d->y[t - 1] - dm) * (d->y[t] - d->y[t - 1] - dm);
	d->dsd = n > 2 ? sqrt(dv / (n - 2)) : 0.0;
	if (!(d->dsd > 1e-6))
		d->dsd = 1e-6 + 0.01;
	return FC_OK;
}

static void
ets_data_free(EtsData *d)
{
	if (d->y)
		fc_free(d->y);
	d->y = NULL;
}

/*
 * Set up the objective for one form: parameter layout, bounds, scratch.
 * Allocates sp->mem (free with ets_spec_free).
 */
static FcStatus
ets_spec_init(EtsSpec *sp, const EtsData *d, FcEtsForm form,
			  const FcEtsControl *ctl)
{
	int			m = form.season == 'N' ? 1 : d->m;
	int			n = d->n;
	int			np = 0,
				j;

	memset(sp, 0, sizeof(*sp));
	sp->y = d->y;
	sp->n = n;
	sp->m = m;
	sp->errmul = form.error == 'M';
	sp->trend = form.trend == 'A';
	sp->damped = sp->trend && form.damped;
	sp->season = form.season == 'A' ? SEAS_A : (form.season == 'M' ? SEAS_M : SEAS_N);
	sp->fa = ctl->fixed_alpha;
	sp->fb = ctl->fixed_beta;
	sp->fg = ctl->fixed_gamma;
	sp->fp = ctl->fixed_phi;

	/* fixed parameters: validate and lay out the optimiser vector */
	sp->ia = sp->ib = sp->ig = sp->ip = sp->ibs = sp->is = -1;
	sp->alo = ETS_LB;
	sp->ahi = ETS_UB;
	if (isnan(sp->fa))
		sp->ia = np++;
	else if (!(sp->fa >= 0.0 && sp->fa <= 1.0))
		return FC_ERR_BAD_ARGUMENT;
	if (sp->trend)
	{
		if (isnan(sp->fb))
			sp->ib = np++;
		else if (!(sp->fb >= 0.0 && sp->fb <= 1.0) ||
				 (sp->ia < 0 && sp->fb > sp->fa))
			return FC_ERR_BAD_ARGUMENT;
		else if (sp->fb > sp->alo)
			sp->alo = sp->fb;
	}
	if (sp->season != SEAS_N)
	{
		if (isnan(sp->fg))
			sp->ig = np++;
		else if (!(sp->fg >= 0.0 && sp->fg <= 1.0) ||
				 (sp->ia < 0 && sp->fg > 1.0 - sp->fa))
			return FC_ERR_BAD_ARGUMENT;
		else if (1.0 - sp->fg < sp->ahi)
			sp->ahi = 1.0 - sp->fg;
	}
	if (sp->damped)
	{
		if (isnan(sp->fp))
			sp->ip = np++;
		else if (!(sp->fp > 0.0 && sp->fp <= 1.0))
			return FC_ERR_BAD_ARGUMENT;
	}
	if (sp->ia >= 0 && sp->alo > sp->ahi)
		return FC_ERR_BAD_ARGUMENT;
	sp->il = np++;
	if (sp->trend)
		sp->ibs = np++;
	if (sp->season != SEAS_N)
	{
		sp->is = np;
		np += m - 1;
	}
	sp->np = np;

	sp->mem = (double *) fc_alloc(sizeof(double) *
								  (size_t) (8 * np + 13 * m + 24 + 5 * (size_t) n));
	sp->x = sp->mem;
	sp->x2 = sp->x + np;
	sp->xb = sp->x2 + np;
	sp->step = sp->xb + np;
	sp->lower = sp->step + np;
	sp->upper = sp->lower + np;
	sp->grad = sp->upper + np;
	sp->s0 = sp->grad + np;
	sp->s = sp->s0 + m;
	sp->sb = sp->s + m;
	sp->pa = sp->sb + m;
	sp->pb = sp->pa + 5 * (m + 2);
	sp->tr = sp->pb + 5 * (m + 2);
	sp->mu = 0.01;

	for (j = 0; j < np; j++)
	{
		sp->lower[j] = -HUGE_VAL;
		sp->upper[j] = HUGE_VAL;
	}
	if (sp->ia >= 0)
	{
		sp->lower[sp->ia] = sp->alo;
		sp->upper[sp->ia] = sp->ahi;
		sp->step[sp->ia] = 0.1;
	}
	if (sp->ib >= 0)
	{
		sp->lower[sp->ib] = 0.0;
		sp->upper[sp->ib] = 1.0;
		sp->step[sp->ib] = 0.1;
	}
	if (sp->ig >= 0)
	{
		sp->lower[sp->ig] = 0.0;
		sp->upper[sp->ig] = 1.0;
		sp->step[sp->ig] = 0.1;
	}
	if (sp->ip >= 0)
	{
		sp->lower[sp->ip] = ETS_PHI_LB;
		sp->upper[sp->ip] = ETS_PHI_UB;
		sp->step[sp->ip] = 0.02;
	}
	return FC_OK;
}

static void
ets_spec_free(EtsSpec *sp)
{
	if (sp->mem)
		fc_free(sp->mem);
	sp->mem = NULL;
}

/*
 * Forward pass with a stored trajectory and backward (adjoint) pass for one
 * (error, season) combination; inlined with constant arguments so that each
 * combination gets its own branch-free loop.  Returns lik (without barrier)
 * and the derivatives with respect to alpha, beta, gamma, phi (d[0..3]),
 * l0 (*dl), b0 (*db) and the m initial seasonal states (sp->sb), or -1 when
 * the recursion fails.
 */
ETS_INLINE double
ets_grad_t(EtsSpec *sp, const EtsPar *p, double l, double b,
		   bool errmul, int season, double *d, double *dl, double *db)
{
	const double *y = sp->y;
	int			n = sp->n,
				m = sp->m,
				t,
				j,
				blk = 0;
	double		alpha = p->alpha,
				beta = p->beta,
				gamma = p->gamma,
				phi = p->phi;
	double		sse = 0.0,
				slog = 0.0,
				prod = 1.0,
				lik,
				dS,
				Lb = 0.0,
				Bb = 0.0,
				ab = 0.0,
				bb = 0.0,
				gb = 0.0,
				pb = 0.0;
	double	   *s = sp->s,
			   *Sb = sp->sb;
	double	   *T_lp = sp->tr,
			   *T_b = T_lp + n,
			   *T_s = T_b + n,
			   *T_r = T_s + n,
			   *T_iy = T_r + n;

	j = 0;
	for (t = 0; t < n; t++)
	{
		double		lp = l + phi * b;
		double		sv = season != SEAS_N ? s[j] : 0.0;
		double		yhat = season == SEAS_M ? lp * sv : lp + sv;
		double		r = y[t] - yhat;

		if (errmul)
		{
			double		iy,
						e;

			if (!(fabs(yhat) >= ETS_YHAT_TOL))
				return -1.0;
			iy = 1.0 / yhat;
			e = r * iy;
			sse += e * e;
			prod *= fabs(yhat);
			if (++blk == 8)
			{
				slog += log(prod);
				prod = 1.0;
				blk = 0;
			}
			T_iy[t] = iy;
		}
		else
			sse += r * r;
		T_lp[t] = lp;
		T_b[t] = b;
		T_s[t] = sv;
		T_r[t] = r;
		ets_update(season, alpha, beta, gamma, phi, lp, sv, r, &l, &b, &s[j]);
		if (++j == m)
			j = 0;
	}
	if (errmul)
		slog += log(prod);
	lik = ets_lik_from(sp, sse, slog);
	if (!isfinite(lik))
		return -1.0;

	/* backward pass */
	dS = sse > ETS_SSE_FLOOR ? 2.0 * n / sse : 0.0;
	if (season != SEAS_N)
		for (j = 0; j < m; j++)
			Sb[j] = 0.0;
	j = (n - 1) % m;
	for (t = n - 1; t >= 0; t--)
	{
		double		lp = T_lp[t],
					bo = T_b[t],
					r = T_r[t];
		double		fr,
					fy,
					rb,
					yb,
					lpb;

		if (errmul)
		{
			double		iy = T_iy[t],
						e = r * iy;

			fr = dS * e * iy;
			fy = (2.0 - dS * e * e) * iy;
		}
		else
		{
			fr = dS * r;
			fy = 0.0;
		}
		if (season == SEAS_M)
		{
			double		sv = T_s[t],
						Sn = Sb[j],
						isv = 1.0 / sv,
						ilp = 1.0 / lp,
						q = r * isv,
						qb = Lb * alpha + Bb * beta;

			ab += Lb * q;
			bb += Bb * q;
			gb += Sn * r * ilp;
			rb = qb * isv + Sn * gamma * ilp + fr;
			yb = fy - rb;
			Sb[j] = Sn + yb * lp - qb * q * isv;
			lpb = Lb - Sn * gamma * r * ilp * ilp + yb * sv;
		}
		else if (season == SEAS_A)
		{
			double		Sn = Sb[j];

			ab += Lb * r;
			bb += Bb * r;
			gb += Sn * r;
			rb = Lb * alpha + Bb * beta + Sn * gamma + fr;
			yb = fy - rb;
			Sb[j] = Sn + yb;
			lpb = Lb + yb;
		}
		else
		{
			ab += Lb * r;
			bb += Bb * r;
			rb = Lb * alpha + Bb * beta + fr;
			yb = fy - rb;
			lpb = Lb + yb;
		}
		pb += (lpb + Bb) * bo;
		Bb = phi * (lpb + Bb);
		Lb = lpb;
		if (season != SEAS_N)
			j = (j == 0) ? m - 1 : j - 1;
	}
	d[0] = ab;
	d[1] = bb;
	d[2] = gb;
	d[3] = pb;
	*dl = Lb;
	*db = Bb;
	return lik;
}

/*
 * Gradient by forward sensitivities, for the non-seasonal forms: the
 * derivatives of (l, b) with respect to alpha, beta, phi, l0, b0 are carried
 * along the recursion.  Their chains are independent of each other and of
 * the main one, so this single pass costs little more than the objective
 * itself (reverse mode needs a second, sequential pass).  Same outputs as
 * ets_grad_t.  The sensitivities are scalars (not arrays) so that they stay
 * in registers.
 */
ETS_INLINE double
ets_grad_fwd_t(EtsSpec *sp, const EtsPar *p, double l, double b,
			   bool errmul, bool trend, double *d, double *dl0, double *db0)
{
	const double *y = sp->y;
	int			n = sp->n,
				t,
				blk = 0;
	double		alpha = p->alpha,
				beta = p->beta,
				phi = p->phi,
				oma = 1.0 - p->alpha;
	double		sse = 0.0,
				slog = 0.0,
				prod = 1.0,
				lik;

	/* d l / d q and d b / d q for q = alpha, l0, beta, phi, b0 */
	double		La = 0,
				Ll = 1,
				Lb = 0,
				Lp = 0,
				Lb0 = 0;
	double		Ba = 0,
				Bl = 0,
				Bb = 0,
				Bp = 0,
				Bb0 = 1;

	/* accumulated d(sum e^2)/dq (A*) and d(sum log|yhat|)/dq (G*) */
	double		Aa = 0,
				Al = 0,
				Ab = 0,
				Ap = 0,
				Ab0 = 0;
	double		Ga = 0,
				Gl = 0,
				Gb = 0,
				Gp = 0,
				Gb0 = 0;

	for (t = 0; t < n; t++)
	{
		double		lp = l + phi * b;
		double		r = y[t] - lp;
		double		w,
					iy = 0.0;
		double		Pa,
					Pl,
					Pb = 0,
					Pp = 0,
					Pb0 = 0;

		if (trend)
		{
			Pa = La + phi * Ba;
			Pl = Ll + phi * Bl;
			Pb = Lb + phi * Bb;
			Pp = Lp + phi * Bp + b;
			Pb0 = Lb0 + phi * Bb0;
		}
		else
		{
			Pa = La;
			Pl = Ll;
		}
		if (errmul)
		{
			double		e;

			if (!(fabs(lp) >= ETS_YHAT_TOL))
				return -1.0;
			iy = 1.0 / lp;
			e = r * iy;
			sse += e * e;
			prod *= fabs(lp);
			if (++blk == 8)
			{
				slog += log(prod);
				prod = 1.0;
				blk = 0;
			}
			w = -2.0 * e * (1.0 + e) * iy;
			Ga += iy * Pa;
			Gl += iy * Pl;
			if (trend)
			{
				Gb += iy * Pb;
				Gp += iy * Pp;
				Gb0 += iy * Pb0;
			}
		}
		else
		{
			sse += r * r;
			w = -2.0 * r;
		}
		Aa += w * Pa;
		Al += w * Pl;
		La = oma * Pa + r;
		Ll = oma * Pl;
		if (trend)
		{
			Ab += w * Pb;
			Ap += w * Pp;
			Ab0 += w * Pb0;
			Lb = oma * Pb;
			Lp = oma * Pp;
			Lb0 = oma * Pb0;
			Ba = phi * Ba - beta * Pa;
			Bl = phi * Bl - beta * Pl;
			Bb = phi * Bb - beta * Pb + r;
			Bp = phi * Bp - beta * Pp + b;
			Bb0 = phi * Bb0 - beta * Pb0;
		}
		l = lp + alpha * r;
		b = phi * b + beta * r;
	}
	if (errmul)
		slog += log(prod);
	lik = ets_lik_from(sp, sse, slog);
	if (!isfinite(lik))
		return -1.0;
	{
		double		dS = sse > ETS_SSE_FLOOR ? n / sse : 0.0;
		double		g2 = errmul ? 2.0 : 0.0;

		d[0] = dS * Aa + g2 * Ga;
		*dl0 = dS * Al + g2 * Gl;
		d[1] = trend ? dS * Ab + g2 * Gb : 0.0;
		d[2] = 0.0;
		d[3] = trend ? dS * Ap + g2 * Gp : 0.0;
		*db0 = trend ? dS * Ab0 + g2 * Gb0 : 0.0;
	}
	return lik;
}

/*
 * Objective and its gradient (reverse mode through the recursions, O(n)).
 */
static double
ets_objective_grad(const double *x, double *grad, void *ctx)
{
	EtsSpec    *sp = (EtsSpec *) ctx;
	int			m = sp->m,
				j;
	EtsPar		p;
	double		l,
				b,
				lik,
				bar,
				dbar[4],
				dp[4],
				dl = 0.0,
				db = 0.0;
	double	   *Sb = sp->sb;

	if (grad == NULL)
		return ets_objective(x, ctx);
	ets_decode(sp, x, &p);
	if (!ets_barrier(sp, &p, &bar, dbar))
		return FC_OPTIM_PENALTY;
	if (!ets_init_states(sp, x, &l, &b, sp->s))
		return FC_OPTIM_PENALTY;
	if (sp->season == SEAS_N)
	{
		if (sp->errmul)
			lik = sp->trend ?
				ets_grad_fwd_t(sp, &p, l, b, true, true, dp, &dl, &db) :
				ets_grad_fwd_t(sp, &p, l, b, true, false, dp, &dl, &db);
		else
			lik = sp->trend ?
				ets_grad_fwd_t(sp, &p, l, b, false, true, dp, &dl, &db) :
				ets_grad_fwd_t(sp, &p, l, b, false, false, dp, &dl, &db);
	}
	else if (sp->errmul)
	{
		if (sp->season == SEAS_M)
			lik = ets_grad_t(sp, &p, l, b, true, SEAS_M, dp, &dl, &db);
		else
			lik = ets_grad_t(sp, &p, l, b, true, SEAS_A, dp, &dl, &db);
	}
	else
	{
		if (sp->season == SEAS_A)
			lik = ets_grad_t(sp, &p, l, b, false, SEAS_A, dp, &dl, &db);
		else if (sp->season == SEAS_M)
			lik = ets_grad_t(sp, &p, l, b, false, SEAS_M, dp, &dl, &db);
		else
			lik = ets_grad_t(sp, &p, l, b, false, SEAS_N, dp, &dl, &db);
	}
	if (lik == -1.0)
		return FC_OPTIM_PENALTY;

	/* barrier */
	for (j = 0; j < 4; j++)
		dp[j] += sp->mu * dbar[j];
	lik += sp->mu * bar;

	/* chain rule to the optimiser's coordinates */
	for (j = 0; j < sp->np; j++)
		grad[j] = 0.0;
	grad[sp->il] = dl;
	if (sp->trend)
		grad[sp->ibs] = db;
	if (sp->season != SEAS_N)
		for (j = 0; j < m - 1; j++)
			grad[sp->is + j] = Sb[j] - Sb[m - 1];
	if (sp->ia >= 0)
	{
		double		ga = dp[0];

		if (sp->ib >= 0)
			ga += dp[1] * x[sp->ib];
		if (sp->ig >= 0)
			ga -= dp[2] * x[sp->ig];
		grad[sp->ia] = ga;
	}
	if (sp->ib >= 0)
	{
		double		lo = p.alpha < ETS_LB ? p.alpha : ETS_LB;

		grad[sp->ib] = dp[1] * (p.alpha - lo);
	}
	if (sp->ig >= 0)
	{
		double		hi = 1.0 - p.alpha < ETS_UB ? 1.0 - p.alpha : ETS_UB;
		double		lo = hi < ETS_LB ? hi : ETS_LB;

		grad[sp->ig] = dp[2] * (hi - lo);
	}
	if (sp->ip >= 0)
		grad[sp->ip] = dp[3];
	return lik;
}

/*
 * Run the optimiser from sp->x (result in sp->x): BFGS on the likelihood
 * plus barrier, restarted with a fresh Hessian (up to 3 times) only when a
 * run stalls or runs out of iterations.  The evaluation budget is
 * ctl->max_iter when set, else 100 per coordinate + 400.
 */
static FcStatus
ets_optimise(EtsSpec *sp, const FcEtsControl *ctl, FcNMResult *res)
{
	FcBfgsOptions bo;
	FcNMResult	r2;
	FcStatus	st;
	int			budget = ctl->max_iter > 0 ? ctl->max_iter : 100 * sp->np + 400;
	int			used = 0,
				round,
				maxround = 4;

	fc_bfgs_options_init(&bo);
	bo.ftol_abs = 1e-6;
	bo.ftol_rel = 1e-10;
	bo.gtol = 1e-5;
	memset(res, 0, sizeof(*res));
	res->fmin = FC_OPTIM_PENALTY;
	for (round = 0; round < maxround && used < budget; round++)
	{
		double		fprev = res->fmin;

		bo.max_eval = budget - used;
		bo.max_iter = bo.max_eval;
		st = fc_bfgs(ets_objective_grad, sp, sp->np, sp->x, sp->step,
					 sp->lower, sp->upper, &bo, &r2);
		used += r2.nevals;
		if (st != FC_OK)
			return round == 0 ? st : FC_OK;
		res->fmin = r2.fmin;
		res->nevals = used;
		res->restarts += r2.restarts;
		res->converged = r2.converged;
		/* restart (fresh Hessian) only after a stall or no convergence */
		if (r2.converged && !r2.stalled)
			break;
		if (round > 0 && fprev - r2.fmin < 1e-4)
			break;
	}
	return FC_OK;
}

/* Put a starting point (natural scaled values) into x. */
static void
ets_put_start(const EtsSpec *sp, const EtsPar *p, double l0, double b0,
			  const double *s0, double *x)
{
	int			j;

	ets_encode(sp, p, x);
	x[sp->il] = l0;
	if (sp->trend)
		x[sp->ibs] = b0;
	if (sp->season != SEAS_N)
		for (j = 0; j < sp->m - 1; j++)
			x[sp->is + j] = s0[j];
}

/*
 * Fit one form on prepared data.  The optimiser starts from the best (by
 * the objective) of the heuristic start (HKOS 2.6.1, with a small grid over
 * alpha) and the nwarm given starting points (natural scaled units, e.g.
 * the optimum of a related form already fitted).  On success *out is filled
 * (out->season allocated) and, if best_out is given, the optimum is stored
 * there (its s0 must have room for m values).
 */
static FcStatus
ets_fit_scaled(const EtsData *d, FcEtsForm form, const FcEtsControl *ctl,
			   const EtsStart *const *warm, int nwarm,
			   FcEtsModel *out, EtsStart *best_out)
{
	EtsSpec		sp;
	int			m,
				n = d->n,
				np,
				j;
	double	   *x,
			   *step,
			   *s0;
	double		l0,
				b0;
	int			nstart;
	EtsPar		p;
	FcNMResult	res;
	FcStatus	st;

	if ((st = ets_spec_init(&sp, d, form, ctl)) != FC_OK)
		return st;
	m = sp.m;
	np = sp.np;
	x = sp.x;
	step = sp.step;
	s0 = sp.s0;

	/* heuristic starting point */
	ets_heuristic(d->y, n, m, sp.season, sp.trend,
				  sp.errmul || sp.season == SEAS_M, &l0, &b0, s0, d->work);
	p.alpha = 0.2;
	p.beta = 0.02;
	p.gamma = 0.05;
	p.phi = 0.97;
	ets_put_start(&sp, &p, l0, b0, s0, x);

	/* initial steps (scale of each coordinate) */
	step[sp.il] = 0.5 * d->dsd;
	if (sp.trend)
		step[sp.ibs] = 0.05 * d->dsd;
	if (sp.season != SEAS_N)
	{
		double		sstep = sp.season == SEAS_A ? 0.25 * d->dsd :
		0.25 * d->dsd / (fabs(l0) > 1e-3 ? fabs(l0) : 1e-3);

		if (sp.season == SEAS_M && sstep > 0.05)
			sstep = 0.05;
		for (j = 0; j < m - 1; j++)
			step[sp.is + j] = sstep;
	}

	/*
	 * Starting points: the heuristic one with a small grid over the
	 * smoothing parameters, and the given related fits.  The likelihood is
	 * often bimodal in alpha (a smooth level or one that follows the data),
	 * so the best start with alpha < 0.4 and the best with alpha >= 0.4 are
	 * both kept, and the optimiser is run from each.
	 */
	{
		static const double ga[] = {0.02, 0.1, 0.3, 0.5, 0.8, 0.98};
		static const double gb[] = {0.01, 0.1, 0.5, 0.95};
		static const double gg[] = {0.05, 0.3, 0.8};
		static const double gp[] = {0.9, 0.98};
		double	   *xw = sp.grad;	/* free until the optimiser runs */
		double		fside[2];
		int			side,
					k,
					c;

		/*
		 * The two sides: alpha < 0.4 / >= 0.4, or for the non-seasonal
		 * trend forms beta* < 0.5 / >= 0.5 (a slowly or a quickly adapting
		 * slope; beta = alpha is a common optimum there).  For each side a
		 * coordinate search over the grid: alpha, then beta*, gamma*, phi,
		 * one at a time.
		 */
		int			sidevar = (sp.season == SEAS_N && sp.ib >= 0) ? sp.ib : sp.ia;
		double		thr = (sidevar >= 0 && sidevar == sp.ib) ? 0.5 : 0.4;

		memcpy(sp.x2, x, np * sizeof(double));	/* heuristic start */
		for (side = 0; side < 2; side++)
		{
			double	   *xs = side ? sp.x2 : x;
			double		fs;

			fside[side] = FC_OPTIM_PENALTY;
			if (sidevar < 0 && side == 1)
				break;
			if (sidevar >= 0)
				xs[sidevar] = side ? (sidevar == sp.ib ? 0.95 : 0.5) :
					(sidevar == sp.ib ? 0.1 : 0.1);
			if (sidevar == sp.ia && sidevar >= 0)
				xs[sidevar] = xs[sidevar] < sp.alo ? sp.alo :
					(xs[sidevar] > sp.ahi ? sp.ahi : xs[sidevar]);
			fs = ets_objective(xs, &sp);
			for (c = 0; c < 4; c++)
			{
				int			idx = c == 0 ? sp.ia : c == 1 ? sp.ib : c == 2 ? sp.ig : sp.ip;
				const double *vals = c == 0 ? ga : c == 1 ? gb : c == 2 ? gg : gp;
				int			nv = c == 0 ? 6 : c == 1 ? 4 : c == 2 ? 3 : 2;

				if (idx < 0)
					continue;
				memcpy(xw, xs, np * sizeof(double));
				for (k = 0; k < nv; k++)
				{
					double		f,
								v = vals[k];

					if (idx == sidevar && (v >= thr) != (side == 1))
						continue;
					if (idx == sp.ia)
						v = v < sp.alo ? sp.alo : (v > sp.ahi ? sp.ahi : v);
					xw[idx] = v;
					f = ets_objective(xw, &sp);
					if (f < fs)
					{
						fs = f;
						xs[idx] = v;
					}
				}
			}
			fside[side] = fs;
		}

		/* related fits */
		for (k = 0; k < nwarm; k++)
		{
			const EtsStart *ws = warm[k];
			double		f,
						av;

			if (ws == NULL)
				continue;
			ets_put_start(&sp, &ws->p, ws->l0, sp.trend ? ws->b0 : 0.0,
						  ws->s0, xw);
			f = ets_objective(xw, &sp);
			av = sidevar >= 0 ? xw[sidevar] : 0.0;
			side = sidevar >= 0 && av >= thr;
			if (f < fside[side])
			{
				fside[side] = f;
				memcpy(side ? sp.x2 : x, xw, np * sizeof(double));
			}
		}
		nstart = 0;
		if (fside[0] < FC_OPTIM_PENALTY)
			nstart++;
		if (fside[1] < FC_OPTIM_PENALTY)
		{
			if (nstart == 0)
				memcpy(x, sp.x2, np * sizeof(double));
			else if (fside[1] < fside[0])
			{
				/* run the better one first */
				memcpy(xw, x, np * sizeof(double));
				memcpy(x, sp.x2, np * sizeof(double));
				memcpy(sp.x2, xw, np * sizeof(double));
			}
			nstart++;
		}
		if (nstart == 0)
			nstart = 1;			/* let the optimiser report the failure */
		/*
		 * The non-seasonal forms start from the better of the two sides
		 * only: a second run doubles their cost (they dominate the time on
		 * long non-seasonal series) for little gain.
		 */
		if (sp.season == SEAS_N)
			nstart = 1;
	}

	st = ets_optimise(&sp, ctl, &res);
	if (nstart > 1)
	{
		FcNMResult	res2;

		memcpy(sp.xb, x, np * sizeof(double));
		memcpy(x, sp.x2, np * sizeof(double));
		if (ets_optimise(&sp, ctl, &res2) == FC_OK &&
			(st != FC_OK || res2.fmin < res.fmin))
		{
			res.fmin = res2.fmin;
			st = FC_OK;
		}
		else
			memcpy(x, sp.xb, np * sizeof(double));
		res.nevals += res2.nevals;
	}
	if (st != FC_OK)
	{
		ets_spec_free(&sp);
		return FC_ERR_NUMERICAL;
	}

	/* final pass: states, residual statistics */
	{
		double		l,
					b,
					slog,
					sabs,
					sse,
					lik,
					sc = d->scale;
		int			k = np + 1;

		ets_decode(&sp, x, &p);
		if (!ets_init_states(&sp, x, &l, &b, sp.s))
		{
			ets_spec_free(&sp);
			return FC_ERR_NUMERICAL;
		}
		if (best_out)
		{
			best_out->p = p;
			best_out->l0 = l;
			best_out->b0 = b;
			if (best_out->s0 && sp.season != SEAS_N)
				memcpy(best_out->s0, sp.s, m * sizeof(double));
		}
		out->init_level = l * sc;
		out->init_slope = b * sc;
		sse = ets_filter(&sp, &p, &l, &b, sp.s, &slog, &sabs, d->work);
		if (!(sse >= 0.0))
		{
			ets_spec_free(&sp);
			return FC_ERR_NUMERICAL;
		}
		lik = ets_lik_from(&sp, sse, slog) + 2.0 * n * log(sc);
		if (!isfinite(lik))
		{
			ets_spec_free(&sp);
			return FC_ERR_NUMERICAL;
		}
		out->form = form;
		out->form.damped = sp.damped;
		out->m = m;
		out->n = n;
		out->alpha = p.alpha;
		out->beta = sp.trend ? p.beta : 0.0;
		out->gamma = sp.season != SEAS_N ? p.gamma : 0.0;
		out->phi = sp.damped ? p.phi : 1.0;
		out->level = l * sc;
		out->slope = b * sc;
		out->season = (double *) fc_alloc(sizeof(double) * m);
		for (j = 0; j < m; j++)
		{
			double		v = sp.season == SEAS_N ? 0.0 : sp.s[(n + j) % m];

			out->season[j] = sp.season == SEAS_A ? v * sc : v;
		}
		/* response residuals y - yhat, from e_t (relative for M error) */
		out->resid = (double *) fc_alloc(sizeof(double) * n);
		for (j = 0; j < n; j++)
		{
			double		e = d->work[j];

			out->resid[j] = sp.errmul ? sp.y[j] * e / (1.0 + e) * sc : e * sc;
		}
		out->nparam = np;
		out->sigma2 = n > np ? sse / (n - np) : NAN;
		if (!sp.errmul)
			out->sigma2 *= sc * sc;
		out->mse = sabs / n * sc * sc;
		out->loglik = -0.5 * lik;
		out->aic = lik + 2.0 * k;
		out->bic = lik + log((double) n) * k;
		out->aicc = n - k - 1 > 0 ? out->aic + 2.0 * k * (k + 1) / (double) (n - k - 1) : HUGE_VAL;
	}
	ets_spec_free(&sp);
	return FC_OK;
}

FcStatus
fc_ets_fit_form(const double *y, int n, int m, FcEtsForm form,
				const FcEtsControl *ctl, FcEtsModel *out)
{
	EtsData		d;
	FcEtsControl defctl;
	FcStatus	st;

	if (out == NULL)
		return FC_ERR_BAD_ARGUMENT;
	memset(out, 0, sizeof(*out));
	if (form.trend == 'N')
		form.damped = false;
	if ((st = ets_check_form(form, m)) != FC_OK)
		return st;
	if (ctl == NULL)
	{
		fc_ets_control_init(&defctl);
		ctl = &defctl;
	}
	memset(&d, 0, sizeof(d));
	if ((st = ets_data_init(&d, y, n, m)) != FC_OK)
		return st;
	if ((form.error == 'M' || form.season == 'M') && !d.positive)
		st = FC_ERR_NONPOSITIVE;
	else if (n < fc_ets_min_length(form, m))
		st = FC_ERR_TOO_SHORT;
	else
		st = ets_fit_scaled(&d, form, ctl, NULL, 0, out, NULL);
	ets_data_free(&d);
	return st;
}

FcStatus
fc_ets_fit_candidates(const double *y, int n, int m, const FcEtsControl *ctl,
					  FcEtsModel *fits, int *nfits)
{
	EtsData		d;
	FcEtsControl defctl;
	FcStatus	st;
	static const char errs[] = {'A', 'M'};
	static const char seas[] = {'N', 'A', 'M'};
	int			ie,
				it,
				is,
				i;
	bool		any_short = false;
	EtsStart	starts[18];		/* optimum per (season, error, trend) */
	bool		fitted[18];
	double	   *sbuf;

	if (fits == NULL || nfits == NULL)
		return FC_ERR_BAD_ARGUMENT;
	*nfits = 0;
	if (ctl == NULL)
	{
		fc_ets_control_init(&defctl);
		ctl = &defctl;
	}
	memset(&d, 0, sizeof(d));
	if ((st = ets_data_init(&d, y, n, m)) != FC_OK)
		return st;
	sbuf = (double *) fc_alloc(sizeof(double) * 18 * (size_t) m);
	for (i = 0; i < 18; i++)
	{
		starts[i].s0 = sbuf + (size_t) i * m;
		fitted[i] = false;
	}

	/*
	 * Order: season N, A, M; within a season A then M error; within an
	 * error trend N, A, Ad.  Each fit may start from the optimum of the
	 * same form with additive error, or (damped) of the undamped form,
	 * when that is better than the heuristic start.
	 */
	for (is = 0; is < 3; is++)
		for (ie = 0; ie < 2; ie++)
			for (it = 0; it < 3; it++)
			{
				FcEtsForm	form;
				FcEtsModel	cand;
				const EtsStart *warm[2];
				EtsStart	damp_from;
				int			slot = is * 6 + ie * 3 + it;

				form.error = errs[ie];
				form.trend = it == 0 ? 'N' : 'A';
				form.damped = it == 2;
				form.season = seas[is];
				if (form.error == 'M' && !(ctl->allow_mul_error && d.positive))
					continue;
				if (form.trend != 'N' && !ctl->allow_trend)
					continue;
				if (form.damped && !ctl->allow_damped)
					continue;
				if (form.season != 'N' && !(ctl->allow_season && m > 1))
					continue;
				if (form.season == 'M' && !(ctl->allow_mul_season && d.positive))
					continue;
				if (ets_check_form(form, m) != FC_OK)
					continue;
				if (form.error == 'M' && form.trend == 'A' && !form.damped &&
					form.season != 'N' && !ctl->allow_mul_error_trend_season)
					continue;
				if (n < fc_ets_min_length(form, m))
				{
					any_short = true;
					continue;
				}
				warm[0] = warm[1] = NULL;
				if (ie == 1 && fitted[slot - 3])
					warm[0] = &starts[slot - 3];
				if (it == 2 && fitted[slot - 1])
				{
					damp_from = starts[slot - 1];
					damp_from.p.phi = ETS_PHI_UB;
					warm[1] = &damp_from;
				}
				memset(&cand, 0, sizeof(cand));
				if (ets_fit_scaled(&d, form, ctl, warm, 2, &cand, &starts[slot]) != FC_OK)
					continue;
				fitted[slot] = true;
				fits[(*nfits)++] = cand;
			}
	fc_free(sbuf);
	ets_data_free(&d);
	if (*nfits == 0)
		return any_short ? FC_ERR_TOO_SHORT : FC_ERR_NO_ADMISSIBLE_MODEL;
	return FC_OK;
}

FcStatus
fc_ets_auto(const double *y, int n, int m, const FcEtsControl *ctl,
			FcEtsModel *out)
{
	FcEtsModel	fits[FC_ETS_MAX_FORMS];
	int			nfits,
				best = 0,
				i;
	FcStatus	st;

	if (out == NULL)
		return FC_ERR_BAD_ARGUMENT;
	memset(out, 0, sizeof(*out));
	st = fc_ets_fit_candidates(y, n, m, ctl, fits, &nfits);
	if (st != FC_OK)
		return st;
	/* the first of equal AICc wins: candidates come in order of complexity */
	for (i = 1; i < nfits; i++)
		if (fits[i].aicc < fits[best].aicc)
			best = i;
	for (i = 0; i < nfits; i++)
		if (i != best)
			fc_ets_model_free(&fits[i]);
	*out = fits[best];
	return FC_OK;
}

/* ------------------------------------------------------------------ */
/* Forecasts */

/* Standard normal quantile by safeguarded Newton iteration on erfc. */
static double
ets_qnorm(double p)
{
	double		lo = -40.0,
				hi = 40.0,
				z = 0.0;
	int			it;

	for (it = 0; it < 200; it++)
	{
		double		F = 0.5 * erfc(-z / M_SQRT2) - p;
		double		dens = exp(-0.5 * z * z) / sqrt(2.0 * M_PI);
		double		zn;

		if (F > 0)
			hi = z;
		else
			lo = z;
		zn = dens > 1e-300 ? z - F / dens : 0.5 * (lo + hi);
		if (!(zn > lo && zn < hi))
			zn = 0.5 * (lo + hi);
		if (fabs(zn - z) < 1e-14 * (1.0 + fabs(z)))
		{
			z = zn;
			break;
		}
		z = zn;
	}
	return z;
}

/*
 * Class 3 (M,N,M  M,A,M  M,Ad,M): exact mean and variance of y_{n+k} under
 * Gaussian innovations.  Write the non-seasonal states x_t = (l_t, b_t); then
 * x_t = (F + e_t g w') x_{t-1} and y_{n+k} = w'x_{n+k-1} S (1 + e_{n+k}) with
 * S = s_{n+k-m(q+1)} prod_{i=1..q} (1 + gamma e_{n+k-im}), q = (k-1) div m.
 * Since the innovations are independent, the first and second moments
 * propagate exactly through 2x2 recursions:
 *	 m_j = (F + [special] gamma sigma2 G) m_{j-1}
 *	 P_j = c1 F P F' + [special] 2 gamma sigma2 (G P F' + F P G') + c2 G P G'
 * with G = g w', c1 = 1 + gamma^2 sigma2, c2 = sigma2 + 3 gamma^2 sigma2^2 at
 * the steps j = k - im ("special") and c1 = 1, c2 = sigma2 elsewhere.  Then
 * E y = s w'm, E y^2 = (1 + sigma2) s^2 w'P w.  For k > m the mean is
 * slightly above the point forecast (R's forecast.ets reports this mean).
 * Returns the variance; *mean receives the mean.
 */
static double
ets_class3(const FcEtsModel *fit, int k, double *mean)
{
	double		F[4],
				G[4],
				w[2],
				g[2],
				mv[2],
				P[4];
	double		s2 = fit->sigma2,
				gam = fit->gamma,
				sv = fit->season[(k - 1) % fit->m],
				e1,
				e2;
	bool		trend = fit->form.trend == 'A';
	double		phi = trend ? (fit->form.damped ? fit->phi : 1.0) : 0.0;
	int			j,
				r,
				c,
				q;

	F[0] = 1.0;
	F[1] = phi;
	F[2] = 0.0;
	F[3] = phi;
	w[0] = 1.0;
	w[1] = phi;
	g[0] = fit->alpha;
	g[1] = trend ? fit->beta : 0.0;
	for (r = 0; r < 2; r++)
		for (c = 0; c < 2; c++)
			G[r * 2 + c] = g[r] * w[c];
	mv[0] = fit->level;
	mv[1] = trend ? fit->slope : 0.0;
	for (r = 0; r < 2; r++)
		for (c = 0; c < 2; c++)
			P[r * 2 + c] = mv[r] * mv[c];

	for (j = 1; j < k; j++)
	{
		bool		special = (k - j) % fit->m == 0;
		double		c1 = special ? 1.0 + gam * gam * s2 : 1.0;
		double		c2 = special ? s2 + 3.0 * gam * gam * s2 * s2 : s2;
		double		cx = special ? 2.0 * gam * s2 : 0.0;
		double		FP[4],
					GP[4],
					nm[2],
					NP[4];

		for (r = 0; r < 2; r++)
			nm[r] = F[r * 2] * mv[0] + F[r * 2 + 1] * mv[1] +
				(special ? gam * s2 * (G[r * 2] * mv[0] + G[r * 2 + 1] * mv[1]) : 0.0);
		mv[0] = nm[0];
		mv[1] = nm[1];
		for (r = 0; r < 2; r++)
			for (c = 0; c < 2; c++)
			{
				FP[r * 2 + c] = F[r * 2] * P[c] + F[r * 2 + 1] * P[2 + c];
				GP[r * 2 + c] = G[r * 2] * P[c] + G[r * 2 + 1] * P[2 + c];
			}
		for (r = 0; r < 2; r++)
			for (c = 0; c < 2; c++)
			{
				double		fpf = 0.0,
							gpf = 0.0,
							fpg = 0.0,
							gpg = 0.0;

				for (q = 0; q < 2; q++)
				{
					fpf += FP[r * 2 + q] * F[c * 2 + q];
					gpf += GP[r * 2 + q] * F[c * 2 + q];
					fpg += FP[r * 2 + q] * G[c * 2 + q];
					gpg += GP[r * 2 + q] * G[c * 2 + q];
				}
				NP[r * 2 + c] = c1 * fpf + cx * (gpf + fpg) + c2 * gpg;
			}
		memcpy(P, NP, sizeof(P));
	}
	e1 = sv * (w[0] * mv[0] + w[1] * mv[1]);
	e2 = (1.0 + s2) * sv * sv *
		(w[0] * w[0] * P[0] + 2.0 * w[0] * w[1] * P[1] + w[1] * w[1] * P[3]);
	*mean = e1;
	return e2 - e1 * e1;
}

FcStatus
fc_ets_forecast(const FcEtsModel *fit, int h, double level, uint64_t seed,
				double *mean, double *lo, double *hi)
{
	int			m,
				k,
				j;
	double		phi,
				phik = 1.0,
				cumphi = 0.0,
				csum,
				z = 0.0,
			   *c,
			   *theta,
			   *var;
	bool		errmul;
	char		season;

	(void) seed;				/* every supported form has analytic intervals */
	if (fit == NULL || mean == NULL || h < 1 || fit->season == NULL)
		return FC_ERR_BAD_ARGUMENT;
	if ((lo || hi) && !(level > 0.0 && level < 1.0))
		return FC_ERR_BAD_ARGUMENT;
	m = fit->m > 0 ? fit->m : 1;
	season = fit->form.season;
	errmul = fit->form.error == 'M';
	phi = fit->form.trend == 'A' ? (fit->form.damped ? fit->phi : 1.0) : 0.0;

	c = (double *) fc_alloc(sizeof(double) * 3 * (size_t) h);
	theta = c + h;
	var = theta + h;

	/* point forecasts */
	for (k = 1; k <= h; k++)
	{
		double		lp;

		if (fit->form.trend == 'A')
		{
			phik *= phi;
			cumphi += phik;		/* phi + ... + phi^k */
			lp = fit->level + cumphi * fit->slope;
		}
		else
			lp = fit->level;
		if (season == 'A')
			mean[k - 1] = lp + fit->season[(k - 1) % m];
		else if (season == 'M')
			mean[k - 1] = lp * fit->season[(k - 1) % m];
		else
			mean[k - 1] = lp;
	}

	/* class 3: forecast means (differ from the above for k > m) and variances */
	if (errmul && season == 'M')
		for (k = 1; k <= h; k++)
		{
			/* O(k) per step: a long horizon must stay cancellable */
			fc_check_interrupts();
			var[k - 1] = ets_class3(fit, k, mean + k - 1);
		}

	if (lo == NULL && hi == NULL)
	{
		fc_free(c);
		return FC_OK;
	}

	/* c_j = alpha + beta (phi + ... + phi^j) + gamma [j = 0 mod m] */
	phik = 1.0;
	cumphi = 0.0;
	for (j = 1; j < h; j++)
	{
		double		cj = fit->alpha;

		if (fit->form.trend == 'A')
		{
			phik *= phi;
			cumphi += phik;
			cj += fit->beta * cumphi;
		}
		if (season == 'A' && j % m == 0)
			cj += fit->gamma;
		c[j] = cj;
	}
	z = ets_qnorm(0.5 + 0.5 * level);

	csum = 1.0;
	for (k = 1; k <= h; k++)
	{
		double		v;

		if (!errmul)
		{
			/* class 1: sigma2 (1 + sum_{j<k} c_j^2), a running sum */
			if (k > 1)
				csum += c[k - 1] * c[k - 1];
			v = fit->sigma2 * csum;
		}
		else if (season != 'M')
		{
			/*
			 * class 2: theta_k = mu_k^2 + sigma2 sum_{j<k} c_j^2 theta_{k-j},
			 * v_k = (1 + sigma2) theta_k - mu_k^2
			 */
			double		mu = mean[k - 1];
			double		acc = mu * mu;
			double		s2 = fit->sigma2;

			fc_check_interrupts();	/* a convolution: O(h^2) in all */
			for (j = 1; j < k; j++)
				acc += s2 * c[j] * c[j] * theta[k - j - 1];
			theta[k - 1] = acc;
			v = (1.0 + s2) * acc - mu * mu;
		}
		else
			v = var[k - 1];
		if (!(v >= 0.0))
			v = 0.0;
		if (lo)
			lo[k - 1] = mean[k - 1] - z * sqrt(v);
		if (hi)
			hi[k - 1] = mean[k - 1] + z * sqrt(v);
	}
	fc_free(c);
	return FC_OK;
}
