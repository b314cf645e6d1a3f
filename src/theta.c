/*
 * theta.c
 *	  Standard and optimised Theta method (see theta.h).
 *
 * Estimation.  Both variants have one nonlinear parameter, alpha; the other
 * unknowns enter the one-step errors linearly and are profiled out exactly:
 *
 *	 standard:	e_t = u_t - c_t l_0
 *	 optimised: e_t = u_t - c_t l_0 - w D_t,	 w = 1 - 1/theta in [0, 1)
 *
 * where u_t are the errors of the recursion started from l_0 = 0,
 * c_t = (1 - alpha)^{t-1} and D_t = c_t A + (1 - (1-alpha)^t) / alpha B.
 * For a given alpha the best l_0 (and w) is a linear least-squares problem
 * (with the box on w handled by clamping and re-solving for l_0), so the
 * in-sample SSE becomes a function of alpha alone.  It is minimised by a
 * grid over [1e-4, 0.9999] followed by golden-section search in the bracket
 * around the best grid point; the SSE is recomputed directly (second pass)
 * to avoid cancellation.  The series is centred on its mean first (both
 * models are shift-equivariant), which keeps the normal equations well
 * conditioned for series far from zero.
 */
#include "fc_port.h"

#include <math.h>

#include <gsl/gsl_cdf.h>

#include "season.h"
#include "theta.h"

#define ALPHA_LO 1e-4
#define ALPHA_HI 0.9999
#define W_MAX (1.0 - 1e-6)		/* theta < 1e6 */
#define PACK_TAG 7346.0			/* "THETA" on a phone keypad, roughly */
#define PACK_VERSION 1.0
#define PACK_HEADER 14

void
fc_theta_control_init(FcThetaControl *ctl)
{
	ctl->variant = FC_THETA_STANDARD;
	ctl->season = FC_THETA_SEASON_TEST;
	ctl->fixed_alpha = NAN;
	ctl->fixed_theta = NAN;
}

void
fc_theta_model_free(FcThetaModel *fit)
{
	if (fit->season)
		fc_free(fit->season);
	fit->season = NULL;
}

/* ------------------------------------------------------------------ */
/* classical multiplicative decomposition */

FcStatus
fc_theta_mult_indices(const double *y, int n, int m, double *idx)
{
	int			periods,
				half,
				t,
				j;
	double	   *fig;
	int		   *cnt;
	double		mean;

	if (m < 2 || n < 2 * m)
		return FC_ERR_TOO_SHORT;
	for (t = 0; t < n; t++)
		if (!(y[t] > 0.0))
			return FC_ERR_NONPOSITIVE;
	fig = fc_alloc(sizeof(double) * m);
	cnt = fc_alloc(sizeof(int) * m);
	periods = n / m;
	half = m / 2;

	/*
	 * Centred moving average: order m for odd m, 2 x m (end weights 1/2)
	 * for even m; defined for half <= t < n - half.  Only the first
	 * `periods` whole periods enter the seasonal means (as R's decompose).
	 */
	for (t = half; t < n - half && t < periods * m; t++)
	{
		double		s = 0.0;

		if (m % 2 == 1)
		{
			for (j = -half; j <= half; j++)
				s += y[t + j];
			s /= m;
		}
		else
		{
			s = 0.5 * (y[t - half] + y[t + half]);
			for (j = -half + 1; j <= half - 1; j++)
				s += y[t + j];
			s /= m;
		}
		fig[t % m] += y[t] / s;
		cnt[t % m]++;
	}
	mean = 0.0;
	for (j = 0; j < m; j++)
	{
		if (cnt[j] == 0)
		{
			fc_free(fig);
			fc_free(cnt);
			return FC_ERR_TOO_SHORT;
		}
		fig[j] /= cnt[j];
		mean += fig[j];
	}
	mean /= m;
	for (t = 0; t < n; t++)
		idx[t] = fig[t % m] / mean;
	fc_free(fig);
	fc_free(cnt);
	return FC_OK;
}

/* ------------------------------------------------------------------ */
/* profiled least squares for a given alpha */

typedef struct ThetaCtx
{
	const double *z;			/* centred, adjusted series */
	int			n;
	bool		optimised;
	double		A,
				B;				/* regression line of z, t = 1..n */
	double		fixed_w;		/* NaN = estimate */
	bool		fixed_l0;		/* l_0 = z_1 (short-series rule) */
} ThetaCtx;

/* D_t for 1-based t */
static inline double
drift_term(double alpha, double ct, double ct1, double A, double B)
{
	/* ct = (1-alpha)^{t-1}, ct1 = (1-alpha)^t */
	return ct * A + (1.0 - ct1) / alpha * B;
}

/*
 * For the given alpha, find l0 (and w) and return the SSE; *l0_out and
 * *w_out receive them.
 */
static double
profile_sse(const ThetaCtx *cx, double alpha, double *l0_out, double *w_out)
{
	const double *z = cx->z;
	int			n = cx->n;
	double		l = 0.0,
				ct = 1.0,
				scc = 0.0,
				scd = 0.0,
				sdd = 0.0,
				suc = 0.0,
				sud = 0.0,
				l0,
				w,
				sse;
	int			t;

	fc_check_interrupts();
	for (t = 0; t < n; t++)
	{
		double		u = z[t] - l;
		double		ct1 = ct * (1.0 - alpha);
		double		d = cx->optimised ? drift_term(alpha, ct, ct1, cx->A, cx->B) : 0.0;

		scc += ct * ct;
		scd += ct * d;
		sdd += d * d;
		suc += u * ct;
		sud += u * d;
		l += alpha * u;
		ct = ct1;
	}
	w = 0.0;
	if (cx->fixed_l0)
		l0 = z[0];
	else if (!cx->optimised)
		l0 = suc / scc;
	else if (!isnan(cx->fixed_w))
	{
		w = cx->fixed_w;
		l0 = (suc - w * scd) / scc;
	}
	else
	{
		double		det = scc * sdd - scd * scd;

		if (det > 1e-12 * scc * sdd)
		{
			l0 = (sdd * suc - scd * sud) / det;
			w = (scc * sud - scd * suc) / det;
		}
		else
		{
			/* D collinear with c (no slope): w is not identified */
			w = 0.5;
			l0 = (suc - w * scd) / scc;
		}
		if (w < 0.0 || w > W_MAX)
		{
			w = w < 0.0 ? 0.0 : W_MAX;
			l0 = (suc - w * scd) / scc;
		}
	}

	/* second pass: the SSE itself */
	l = l0;
	ct = 1.0;
	sse = 0.0;
	for (t = 0; t < n; t++)
	{
		double		ct1 = ct * (1.0 - alpha);
		double		mu = l + (w != 0.0 ? w * drift_term(alpha, ct, ct1, cx->A, cx->B) : 0.0);
		double		e = z[t] - mu;

		sse += e * e;
		l += alpha * (z[t] - l);
		ct = ct1;
	}
	*l0_out = l0;
	*w_out = w;
	return sse;
}

static double
minimise_alpha(const ThetaCtx *cx, double *alpha_out)
{
	static const double grid[] = {
		1e-4, 1e-3, 0.005, 0.01, 0.02, 0.035, 0.05, 0.075, 0.1, 0.13, 0.16,
		0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75,
		0.8, 0.85, 0.9, 0.95, 0.98, 0.9999
	};
	const int	ng = (int) (sizeof(grid) / sizeof(grid[0]));
	double		best = HUGE_VAL,
				l0,
				w,
				a,
				b,
				x1,
				x2,
				f1,
				f2;
	int			ib = 0,
				i,
				it;
	const double gr = 0.6180339887498949;

	for (i = 0; i < ng; i++)
	{
		double		f = profile_sse(cx, grid[i], &l0, &w);

		if (f < best)
		{
			best = f;
			ib = i;
		}
	}
	a = grid[ib > 0 ? ib - 1 : 0];
	b = grid[ib < ng - 1 ? ib + 1 : ng - 1];
	x1 = b - gr * (b - a);
	x2 = a + gr * (b - a);
	f1 = profile_sse(cx, x1, &l0, &w);
	f2 = profile_sse(cx, x2, &l0, &w);
	for (it = 0; it < 100 && (b - a) > 1e-9 * (1.0 + fabs(a)); it++)
	{
		if (f1 <= f2)
		{
			b = x2;
			x2 = x1;
			f2 = f1;
			x1 = b - gr * (b - a);
			f1 = profile_sse(cx, x1, &l0, &w);
		}
		else
		{
			a = x1;
			x1 = x2;
			f1 = f2;
			x2 = a + gr * (b - a);
			f2 = profile_sse(cx, x2, &l0, &w);
		}
	}
	/* keep the better of the bracket's best and the grid's best */
	*alpha_out = grid[ib];
	if (f1 <= f2 && f1 < best)
	{
		*alpha_out = x1;
		best = f1;
	}
	else if (f2 < f1 && f2 < best)
	{
		*alpha_out = x2;
		best = f2;
	}
	if (cx->fixed_l0)
	{
		/* the short-series rule searches [0, 1] (alpha 0 taken as 1e-10) */
		double		f = profile_sse(cx, 1e-10, &l0, &w);

		if (f < best)
		{
			best = f;
			*alpha_out = 1e-10;
		}
		f = profile_sse(cx, 1.0, &l0, &w);
		if (f < best)
		{
			best = f;
			*alpha_out = 1.0;
		}
	}
	return best;
}

/* ------------------------------------------------------------------ */

static void
line_fit(const double *x, int n, double *A, double *B)
{
	double		tbar = 0.5 * (n + 1),
				xbar = 0.0,
				sxy = 0.0,
				stt;
	int			t;

	for (t = 0; t < n; t++)
		xbar += x[t];
	xbar /= n;
	for (t = 0; t < n; t++)
		sxy += (t + 1 - tbar) * (x[t] - xbar);
	stt = (double) n * ((double) n * n - 1.0) / 12.0;
	*B = sxy / stt;
	*A = xbar - *B * tbar;
}

FcStatus
fc_theta_fit(const double *y, int n, int m, const FcThetaControl *ctl_in,
			 FcThetaModel *out, double *resid)
{
	FcThetaControl ctl;
	double	   *idx = NULL;
	double	   *x,
			   *z;
	double		k,
				alpha,
				l0c,
				w,
				l,
				ct,
				sse,
				ses_sse;
	bool		seasonal = false;
	int			t,
				np;
	ThetaCtx	cx;
	FcStatus	st;

	out->season = NULL;
	if (ctl_in)
		ctl = *ctl_in;
	else
		fc_theta_control_init(&ctl);
	if (y == NULL || m < 1 ||
		(ctl.variant != FC_THETA_STANDARD && ctl.variant != FC_THETA_OPTIMISED) ||
		(ctl.season != FC_THETA_SEASON_TEST && ctl.season != FC_THETA_SEASON_NONE &&
		 ctl.season != FC_THETA_SEASON_FORCE))
		return FC_ERR_BAD_ARGUMENT;
	if (!isnan(ctl.fixed_alpha) && !(ctl.fixed_alpha > 0.0 && ctl.fixed_alpha <= 1.0))
		return FC_ERR_BAD_ARGUMENT;
	if (!isnan(ctl.fixed_theta) && !(ctl.fixed_theta >= 1.0 && isfinite(ctl.fixed_theta)))
		return FC_ERR_BAD_ARGUMENT;
	if (n < FC_THETA_MIN_LENGTH)
		return FC_ERR_TOO_SHORT;
	for (t = 0; t < n; t++)
		if (!isfinite(y[t]))
			return FC_ERR_NONFINITE;

	/* seasonal adjustment */
	if (m > 1 && ctl.season != FC_THETA_SEASON_NONE)
	{
		double		ratio;
		bool		want;

		if (ctl.season == FC_THETA_SEASON_FORCE)
			want = (n >= 2 * m);
		else
			want = fc_season_test(y, n, m, &ratio);
		if (want)
		{
			idx = fc_alloc(sizeof(double) * n);
			st = fc_theta_mult_indices(y, n, m, idx);
			if (st == FC_OK)
			{
				seasonal = true;
				for (t = 0; t < m; t++)
					if (!(fabs(idx[t]) >= 1e-4) || !isfinite(idx[t]))
						seasonal = false;
			}
			if (!seasonal)
			{
				fc_free(idx);
				idx = NULL;
			}
		}
	}

	x = fc_alloc(sizeof(double) * n);
	z = fc_alloc(sizeof(double) * n);
	for (t = 0; t < n; t++)
		x[t] = seasonal ? y[t] / idx[t] : y[t];
	k = 0.0;
	for (t = 0; t < n; t++)
		k += x[t];
	k /= n;
	for (t = 0; t < n; t++)
		z[t] = x[t] - k;
	if (!isfinite(k))
	{
		fc_free(x);
		fc_free(z);
		if (idx)
			fc_free(idx);
		return FC_ERR_NONFINITE;
	}

	cx.z = z;
	cx.n = n;
	cx.optimised = (ctl.variant == FC_THETA_OPTIMISED);
	line_fit(z, n, &cx.A, &cx.B);
	cx.fixed_w = isnan(ctl.fixed_theta) ? NAN : 1.0 - 1.0 / ctl.fixed_theta;
	cx.fixed_l0 = !cx.optimised && n <= FC_THETA_SHORT;
	if (!isnan(ctl.fixed_alpha))
	{
		alpha = ctl.fixed_alpha;
		profile_sse(&cx, alpha, &l0c, &w);
	}
	else
	{
		minimise_alpha(&cx, &alpha);
		profile_sse(&cx, alpha, &l0c, &w);
	}

	/* back to the original units (see the header comment on centring) */
	out->variant = ctl.variant;
	out->n = n;
	out->m = m;
	out->seasonal = seasonal;
	out->alpha = alpha;
	out->intercept = cx.A + k;
	out->slope = cx.B;
	if (cx.optimised)
	{
		out->theta = 1.0 / (1.0 - w);
		out->init_level = l0c + k * (1.0 - w);
	}
	else
	{
		w = 0.0;
		out->theta = 2.0;
		out->init_level = l0c + k;
	}

	/* final pass on the adjusted series: level, residuals, statistics */
	l = out->init_level;
	ct = 1.0;
	sse = 0.0;
	ses_sse = 0.0;
	for (t = 0; t < n; t++)
	{
		double		ct1 = ct * (1.0 - alpha);
		double		mu;

		if (cx.optimised)
			mu = l + w * drift_term(alpha, ct, ct1, out->intercept, out->slope);
		else
			mu = l + 0.5 * out->slope * (1.0 - ct) / alpha;
		sse += (x[t] - mu) * (x[t] - mu);
		ses_sse += (x[t] - l) * (x[t] - l);
		if (resid)
			resid[t] = y[t] - (seasonal ? mu * idx[t] : mu);
		l += alpha * (x[t] - l);
		ct = ct1;
	}
	out->level = l;
	out->mse = sse / n;
	np = 1 + (isnan(ctl.fixed_alpha) ? 1 : 0) +
		(cx.optimised && isnan(ctl.fixed_theta) ? 1 : 0);
	if (cx.fixed_l0)
		out->sigma2 = ses_sse / n;
	else if (n > np)
		out->sigma2 = (cx.optimised ? sse : ses_sse) / (n - np);
	else
		out->sigma2 = NAN;

	if (seasonal)
	{
		out->season = fc_alloc(sizeof(double) * m);
		for (t = 0; t < m; t++)
			out->season[t] = idx[(n + t) % m];
	}
	fc_free(x);
	fc_free(z);
	if (idx)
		fc_free(idx);
	if (!isfinite(out->level) || !isfinite(out->mse) || !isfinite(out->init_level))
	{
		fc_theta_model_free(out);
		return FC_ERR_NONFINITE;
	}
	return FC_OK;
}

/* ------------------------------------------------------------------ */

FcStatus
fc_theta_forecast(const FcThetaModel *fit, int h, double level,
				  double *mean, double *lo, double *hi)
{
	double		a = fit->alpha,
				w = 1.0 - 1.0 / fit->theta,
				q = 1.0 - a,
				z = 0.0,
				qn,
				qn1;
	int			i;

	if (h < 1 || mean == NULL || (lo == NULL) != (hi == NULL))
		return FC_ERR_BAD_ARGUMENT;
	if (lo && !(level > 0.0 && level < 1.0))
		return FC_ERR_BAD_ARGUMENT;
	if (lo)
		z = gsl_cdf_ugaussian_Pinv(0.5 + level / 2.0);
	qn = pow(q, fit->n);
	qn1 = qn * q;
	for (i = 0; i < h; i++)
	{
		double		f,
					s = fit->seasonal ? fit->season[i % fit->m] : 1.0;

		if (fit->variant == FC_THETA_OPTIMISED)
			f = fit->level + w * (qn * fit->intercept + (i + (1.0 - qn1) / a) * fit->slope);
		else
			f = fit->level + 0.5 * fit->slope * (i + (1.0 - qn) / a);
		mean[i] = f * s;
		if (lo)
		{
			double		se = sqrt(fit->sigma2 * (1.0 + i * a * a));

			lo[i] = mean[i] - z * se;
			hi[i] = mean[i] + z * se;
		}
	}
	return FC_OK;
}

/* ------------------------------------------------------------------ */
/* flat storage */

int
fc_theta_state_size(const FcThetaModel *fit)
{
	return PACK_HEADER + (fit->seasonal ? fit->m : 0);
}

void
fc_theta_pack(const FcThetaModel *fit, double *dst)
{
	int			j;

	dst[0] = PACK_TAG;
	dst[1] = PACK_VERSION;
	dst[2] = (double) fit->variant;
	dst[3] = (double) fit->n;
	dst[4] = (double) fit->m;
	dst[5] = fit->seasonal ? 1.0 : 0.0;
	dst[6] = fit->alpha;
	dst[7] = fit->theta;
	dst[8] = fit->level;
	dst[9] = fit->init_level;
	dst[10] = fit->intercept;
	dst[11] = fit->slope;
	dst[12] = fit->sigma2;
	dst[13] = fit->mse;
	if (fit->seasonal)
		for (j = 0; j < fit->m; j++)
			dst[PACK_HEADER + j] = fit->season[j];
}

FcStatus
fc_theta_unpack(const double *src, int len, FcThetaModel *out)
{
	int			j,
				m;
	bool		seasonal;

	out->season = NULL;
	if (src == NULL || len < PACK_HEADER)
		return FC_ERR_BAD_ARGUMENT;
	if (src[0] != PACK_TAG || src[1] != PACK_VERSION)
		return FC_ERR_BAD_ARGUMENT;
	if (!fc_packed_int_in(src[2], 0, 1) || !fc_packed_int_in(src[3], FC_THETA_MIN_LENGTH, 2147483647.0) ||
		!fc_packed_int_in(src[4], 1, 2147483647.0) || !fc_packed_int_in(src[5], 0, 1))
		return FC_ERR_BAD_ARGUMENT;
	m = (int) src[4];
	seasonal = src[5] == 1.0;
	if (seasonal && m < 2)
		return FC_ERR_BAD_ARGUMENT;
	if (len != PACK_HEADER + (seasonal ? m : 0))
		return FC_ERR_BAD_ARGUMENT;
	if (!(src[6] > 0.0 && src[6] <= 1.0))
		return FC_ERR_BAD_ARGUMENT;
	if (!(src[7] >= 1.0 && isfinite(src[7])) ||
		(src[2] == 0.0 && src[7] != 2.0))
		return FC_ERR_BAD_ARGUMENT;
	for (j = 8; j <= 11; j++)
		if (!isfinite(src[j]))
			return FC_ERR_BAD_ARGUMENT;
	if (!(isnan(src[12]) || (src[12] >= 0.0 && isfinite(src[12]))))
		return FC_ERR_BAD_ARGUMENT;
	if (!(src[13] >= 0.0 && isfinite(src[13])))
		return FC_ERR_BAD_ARGUMENT;
	if (seasonal)
		for (j = 0; j < m; j++)
			if (!(src[PACK_HEADER + j] > 0.0 && isfinite(src[PACK_HEADER + j])))
				return FC_ERR_BAD_ARGUMENT;

	out->variant = src[2] == 0.0 ? FC_THETA_STANDARD : FC_THETA_OPTIMISED;
	out->n = (int) src[3];
	out->m = m;
	out->seasonal = seasonal;
	out->alpha = src[6];
	out->theta = src[7];
	out->level = src[8];
	out->init_level = src[9];
	out->intercept = src[10];
	out->slope = src[11];
	out->sigma2 = src[12];
	out->mse = src[13];
	if (seasonal)
	{
		out->season = fc_alloc(sizeof(double) * m);
		for (j = 0; j < m; j++)
			out->season[j] = src[PACK_HEADER + j];
	}
	return FC_OK;
}
