/*
 * arima.c
 *	  Seasonal ARIMA: exact likelihood by Kalman filter, CSS starting values,
 *	  automatic order selection (Hyndman & Khandakar 2008), forecasts.
 *	  See arima.h for the model, conventions and the API.
 *
 * Implementation notes
 *
 * State space (Harvey 1989; Durbin & Koopman 2012, sec. 3.4).  With the
 * expanded polynomials phi*(B) = phi(B)Phi(B^m) = 1 - sum_k f_k B^k
 * (degree pf) and theta*(B) = theta(B)Theta(B^m) = 1 + sum_k g_k B^k
 * (degree qf), r = max(pf, qf + 1) and x_t = w_t - c:
 *	   x_t = Z a_t,	 Z = (1, 0, ..., 0)
 *	   a_{t+1} = T a_t + R e_{t+1},	 T = [f | shift],  R = (1, g_1, ..., g_{r-1})'
 * The initial covariance is the stationary one.  Writing
 *	   a_t[i] = sum_{j>=0} f_{i+j} x_{t-1-j} + sum_{j>=0} g_{i+j-1} e_{t-j}
 * (1-based i, f_k = 0 beyond pf, g_0 = 1, g_k = 0 beyond qf) its entries
 * follow from the autocovariances gamma(k) and the psi weights of the ARMA
 * process by a diagonal recursion that costs O(r^2):
 *	   P[i][l] = P[i+1][l+1] + f_i (s_l + t_l) + f_l (s_i + t_i)
 *				 - f_i f_l gamma(0) + g_{i-1} g_{l-1}
 *	   s_l = sum_{b>=l} f_b gamma(b - l),  t_l = sum_{b>l} g_{b-1} psi_{b-l-1}
 * (the three double sums of the covariance split along their diagonal).
 * Because the observation has no noise the filtered covariance has a zero
 * first row/column, so the predicted covariance update reduces to
 *	   P'[i][l] = P[i+1][l+1] - P[i+1][0] P[l+1][0] / F + R_i R_l
 * (O(r^2/2) per step, no dependence on f).  Once F is within 1e-9 of 1 the
 * filter is in its steady state (P = RR', gain R) and each further step
 * costs O(r).  Everything is scaled by sigma2, which is concentrated out,
 * as is the constant c (innovations are affine in c; a second filter on a
 * series of ones gives the slope).
 *
 * Forecast variance: with c_j the coefficients of 1/((1-B)^d (1-B^m)^D),
 * g_k = (T')^{k-1} Z', G_h = sum_{k=1..h} c_{h-k} g_k and Psi*_i the psi
 * weights of the integrated model,
 *	   Var(y_{n+h} - yhat) = sigma2 (G_h' P_{n+1} G_h + sum_{i=0}^{h-2} Psi*_i^2)
 * which is exact for the state-space model (state uncertainty included).
 */
#include "fc_port.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "arima.h"
#include "optim.h"

#define FC_ARIMA_MAGIC		7242018.0
#define FC_ARIMA_VERSION	1.0
#define ARIMA_HEADER		18
#define FC_ARIMA_PCOV_ROUNDING 1e-9	/* |negative variance| read as 0 (unpack) */
#define STEADY_TOL			1e-9
#define CHANDRA_MIN_R		8		/* rank-one covariance recursions from this
									 * state dimension (below, the O(r^2)
									 * Riccati step is as cheap) */
#define CHANDRA_MAX_F1		50.0	/* ... and only when gamma(0) is below */
#define U_BOUND				7.0		/* |u| bound on the tanh parametrisation */
#define U_START				3.0		/* |u| bound on starting values */
#ifndef CSS_STEP
#define CSS_STEP			0.3		/* BFGS scale of the raw coefficients */
#endif
#ifndef CSS_FTOL
#define CSS_FTOL			1e-8
#endif
#ifndef ML_FDSTEP
#define ML_FDSTEP			1e-5
#endif
#ifndef ML_STEP
#define ML_STEP				1.0
#endif
#define ROOT_MARGIN			1.01	/* auto: reject roots of modulus < this */
#define MAX_CAND			160

/* ------------------------------------------------------------------ */
/* polynomial helpers */

/*
 * Partial autocorrelations -> AR coefficients (Durbin-Levinson), so that
 * 1 - a_1 x - ... - a_k x^k has all roots outside the unit circle when
 * every |kappa| < 1.  work: k doubles.
 */
static void
pacf_to_ar(const double *kappa, int k, double *a, double *work)
{
	int			i,
				j;

	for (j = 0; j < k; j++)
	{
		for (i = 0; i < j; i++)
			work[i] = a[i] - kappa[j] * a[j - 1 - i];
		for (i = 0; i < j; i++)
			a[i] = work[i];
		a[j] = kappa[j];
	}
}

/*
 * Whether all roots of 1 - a_1 x - ... - a_k x^k have modulus > scale
 * (step-down / Schur-Cohn test on the polynomial in x / scale).  If kappa
 * is not NULL it receives the partial autocorrelations (scale 1).
 * work: 2k doubles.
 */
static bool
ar_roots_outside(const double *a_in, int k, double scale, double *kappa,
				 double *work)
{
	double	   *a = work,
			   *b = work + k;
	double		s = scale;
	int			i,
				j;

	for (i = 0; i < k; i++)
	{
		if (!isfinite(a_in[i]))
			return false;
		a[i] = a_in[i] * s;
		s *= scale;
	}
	for (j = k - 1; j >= 0; j--)
	{
		double		kp = a[j],
					den;

		if (!(fabs(kp) < 1.0))
			return false;
		if (kappa)
			kappa[j] = kp;
		den = 1.0 - kp * kp;
		for (i = 0; i < j; i++)
			b[i] = (a[i] + kp * a[j - 1 - i]) / den;
		for (i = 0; i < j; i++)
			a[i] = b[i];
	}
	return true;
}

/* same for an MA polynomial 1 + t_1 x + ... (roots outside = invertible) */
static bool
ma_roots_outside(const double *t, int k, double scale, double *work)
{
	double	   *neg = work + 2 * k;
	int			i;

	for (i = 0; i < k; i++)
		neg[i] = -t[i];
	return ar_roots_outside(neg, k, scale, NULL, work);
}

static bool
all_finite(const double *x, int n)
{
	int			i;

	for (i = 0; i < n; i++)
		if (!isfinite(x[i]))
			return false;
	return true;
}

static bool
is_constant(const double *x, int n)
{
	int			i;

	for (i = 1; i < n; i++)
		if (x[i] != x[0])
			return false;
	return true;
}

/* (1-B)^d (1-B^m)^D = 1 - sum_{j=1..nd} delta[j] B^j; delta has nd+1 slots */
static int
diff_poly(int d, int D, int m, double *delta)
{
	int			nd = d + m * D;
	int			i,
				j,
				deg = 0;

	for (i = 0; i <= nd; i++)
		delta[i] = 0.0;
	delta[0] = 1.0;				/* holds the polynomial itself here */
	for (i = 0; i < d + D; i++)
	{
		int			lag = i < d ? 1 : m;

		for (j = deg + lag; j >= lag; j--)
			delta[j] -= delta[j - lag];
		deg += lag;
	}
	for (j = 1; j <= nd; j++)
		delta[j] = -delta[j];
	return nd;
}

/* w = (1-B)^d (1-B^m)^D y; returns n - d - mD (may be <= 0) */
static int
difference(const double *y, int n, int d, int D, int m, double *w,
		   double *tmp)
{
	int			len = n,
				i,
				k;

	memcpy(w, y, sizeof(double) * n);
	for (k = 0; k < D; k++)
	{
		if (len <= m)
			return 0;
		for (i = 0; i < len - m; i++)
			tmp[i] = w[i + m] - w[i];
		len -= m;
		memcpy(w, tmp, sizeof(double) * len);
	}
	for (k = 0; k < d; k++)
	{
		if (len <= 1)
			return 0;
		for (i = 0; i < len - 1; i++)
			w[i] = w[i + 1] - w[i];
		len -= 1;
	}
	return len;
}

/* ------------------------------------------------------------------ */
/* the working state of one fit */

typedef struct ArWork
{
	const double *w;			/* differenced series */
	int			nw;
	int			p,
				q,
				P,
				Q,
				m;
	int			narma;			/* p + q + P + Q */
	int			pf,
				qf,
				r;
	bool		has_mean;		/* model has the constant */
	bool		mean_fixed;
	double		mean_val;		/* when fixed */
	double	   *coef;			/* narma: phi, theta, Phi, Theta */
	const double *fixed;		/* narma (+1) values, NaN = free, or NULL */
	bool		transformed;	/* tanh-PACF parametrisation (nothing fixed) */
	bool		unconstrained;	/* raw coefficients, no stationarity check
								 * (CSS stage, as R's CSS) */
	int			nfree;
	int		   *free_idx;
	double	   *phif;			/* pf + 1: f_1..f_pf at [1..] */
	double	   *thetaf;			/* qf + 1: g_0 = 1, g_1.. */
	int		   *nzphi,
			   *nztheta;
	int			nnzphi,
				nnztheta;
	double	   *e0,
			   *eg;				/* nw each: innovations (data / ones) */
	double	   *Fv;				/* nw: innovation variances (final pass) */
	double	   *gb;				/* 5 nw: CSS gradient inputs */
	double	   *gam,
			   *psi;			/* r + 1 */
	double	   *M;				/* (pf + 1)^2 */
	double	   *rhs;			/* pf + 1 */
	double	   *Pm;				/* r * r (upper triangle used) */
	double	   *a0,
			   *ag,
			   *col,
			   *st,
			   *Rv;				/* r each */
	double	   *xh;				/* nfree: gradient work */
	double	   *xev;			/* nfree: point of the last evaluation */
	double		fev;			/* its value */
	bool		have_ev;
	double	   *fpad;			/* r: f_1..f_r, zero-padded */
	double	   *kw;				/* 3 * (p+q+P+Q+1): polynomial work */
	bool		keep;			/* final pass: keep e0/eg/Fv */
	/* results of the last evaluation */
	double		mu,
				ssq,
				sumlog;
	int			nu;
	bool		steady;
	int			nevals;
} ArWork;

/* map optimiser variables to coefficients and expand the polynomials */
static bool
set_coef(ArWork *W, const double *x)
{
	int			blk_len[4] = {W->p, W->q, W->P, W->Q};
	int			i,
				j,
				b,
				off;

	if (W->transformed)
	{
		off = 0;
		for (b = 0; b < 4; b++)
		{
			int			k = blk_len[b];
			double	   *kap = W->kw,
					   *wk = W->kw + k;

			if (k == 0)
				continue;
			for (i = 0; i < k; i++)
			{
				double		u = x[off + i];

				if (u > U_BOUND)
					u = U_BOUND;
				if (u < -U_BOUND)
					u = -U_BOUND;
				kap[i] = tanh(u);
			}
			pacf_to_ar(kap, k, W->coef + off, wk);
			if (b == 1 || b == 3)
				for (i = 0; i < k; i++)
					W->coef[off + i] = -W->coef[off + i];
			off += k;
		}
	}
	else
	{
		for (i = 0; i < W->nfree; i++)
			W->coef[W->free_idx[i]] = x[i];
		off = 0;
		for (b = 0; b < 4 && !W->unconstrained; b++)
		{
			int			k = blk_len[b];

			if (k > 0)
			{
				bool		ok = (b == 0 || b == 2)
				? ar_roots_outside(W->coef + off, k, 1.0, NULL, W->kw)
				: ma_roots_outside(W->coef + off, k, 1.0, W->kw);

				if (!ok)
					return false;
			}
			off += k;
		}
	}

	/* expand phi(B) Phi(B^m) and theta(B) Theta(B^m) */
	{
		const double *phi = W->coef,
				   *theta = W->coef + W->p,
				   *sphi = W->coef + W->p + W->q,
				   *sth = W->coef + W->p + W->q + W->P;

		for (i = 0; i <= W->pf; i++)
			W->phif[i] = 0.0;
		for (i = 0; i <= W->p; i++)
		{
			double		ai = i == 0 ? 1.0 : -phi[i - 1];

			for (j = 0; j <= W->P; j++)
			{
				double		bj = j == 0 ? 1.0 : -sphi[j - 1];

				W->phif[i + W->m * j] += ai * bj;
			}
		}
		for (i = 1; i <= W->pf; i++)
			W->phif[i] = -W->phif[i];
		W->phif[0] = 0.0;
		for (i = 0; i <= W->qf; i++)
			W->thetaf[i] = 0.0;
		for (i = 0; i <= W->q; i++)
		{
			double		ai = i == 0 ? 1.0 : theta[i - 1];

			for (j = 0; j <= W->Q; j++)
			{
				double		bj = j == 0 ? 1.0 : sth[j - 1];

				W->thetaf[i + W->m * j] += ai * bj;
			}
		}
		W->nnzphi = W->nnztheta = 0;
		for (i = 1; i <= W->pf; i++)
			if (W->phif[i] != 0.0)
				W->nzphi[W->nnzphi++] = i;
		for (i = 1; i <= W->qf; i++)
			if (W->thetaf[i] != 0.0)
				W->nztheta[W->nnztheta++] = i;
		if (!all_finite(W->phif, W->pf + 1) || !all_finite(W->thetaf, W->qf + 1))
			return false;
	}
	return true;
}

/* current W->coef (all free) -> tanh-PACF variables x (clamped) */
static void
coef_to_u(ArWork *W, double *x)
{
	int			blk_len[4] = {W->p, W->q, W->P, W->Q};
	int			b,
				i,
				off = 0;

	for (b = 0; b < 4; b++)
	{
		int			k = blk_len[b];
		double	   *kap = W->kw,
				   *src = W->kw + k,
				   *wk = W->kw + 2 * k;
		bool		ok;

		if (k == 0)
			continue;
		for (i = 0; i < k; i++)
			src[i] = (b == 1 || b == 3) ? -W->coef[off + i] : W->coef[off + i];
		ok = ar_roots_outside(src, k, 1.0, kap, wk);
		for (i = 0; i < k; i++)
		{
			double		u = ok ? atanh(kap[i]) : 0.0;

			/* start well inside: the likelihood is flat near |kappa| = 1 */
			if (!(u < U_START))
				u = U_START;
			if (!(u > -U_START))
				u = -U_START;
			x[off + i] = u;
		}
		off += k;
	}
}

/* ------------------------------------------------------------------ */
/* CSS */

static double
css_eval(ArWork *W)
{
	const double *w = W->w;
	const double *f = W->phif,
			   *g = W->thetaf;
	const int  *nzf = W->nzphi,
			   *nzg = W->nztheta;
	int			nw = W->nw,
				pf = W->pf,
				nf = W->nnzphi,
				ng = W->nnztheta,
				qmax = ng > 0 ? nzg[ng - 1] : 0,
				full = pf + qmax;	/* all MA lags valid */
	double	   *e0 = W->e0,
			   *egv = W->eg;
	double		s00 = 0.0,
				s01 = 0.0,
				s11 = 0.0,
				sumf = 1.0,
				fs = 0.0;
	bool		cmean = W->has_mean && !W->mean_fixed;
	double		shift = (W->has_mean && W->mean_fixed) ? W->mean_val : 0.0;
	/* state of the recursion on a series of ones (CSS_ONES_STEP) */
	bool		settled = false;
	int			run = 0;
	double		egc = NAN,
				egc2 = 0.0;
	int			t,
				k;

	if (nw - pf < 1)
		return FC_OPTIM_PENALTY;
	for (k = 0; k < nf; k++)
		sumf -= f[nzf[k]];
	for (t = 0; t < pf; t++)
		e0[t] = egv[t] = 0.0;
	for (k = 0; k < nf; k++)
		fs += f[nzf[k]];

/*
 * One step of the residual recursion on a series of ones (the slope of the
 * residuals in the constant), run in the same loop as the one on the data
 * so that the two dependency chains overlap.  It does not depend on the
 * data and settles: once qmax + 1 successive values (all computed with
 * every lag, t >= full) are bitwise equal, each later value is computed
 * from the same operands, so it is that value exactly and the recursion
 * stops.  The sums are accumulated in the same order either way.
 */
#define CSS_ONES_STEP(e) \
	do { \
		if (!settled) \
		{ \
			double		eg = sumf; \
\
			if (t >= full) \
				for (k = 0; k < ng; k++) \
					eg -= g[nzg[k]] * egv[t - nzg[k]]; \
			else \
				for (k = 0; k < ng && t - nzg[k] >= pf; k++) \
					eg -= g[nzg[k]] * egv[t - nzg[k]]; \
			egv[t] = eg; \
			s01 += (e) * eg; \
			s11 += eg * eg; \
			run = eg == egc ? run + 1 : 1; \
			egc = eg; \
			if (run > qmax && t >= full) \
			{ \
				settled = true; \
				egc2 = eg * eg; \
			} \
		} \
		else \
		{ \
			egv[t] = egc; \
			s01 += (e) * egc; \
			s11 += egc2; \
		} \
	} while (0)

	if (W->P == 0 && W->Q == 0)
	{
		/* non-seasonal: dense lags 1..pf, 1..qf */
		double		sh = shift * (1.0 - fs);
		int			qf = W->qf,
					dfull = pf + qf;

		for (t = pf; t < nw; t++)
		{
			double		e = w[t] - sh;
			const double *wt = w + t;
			const double *et = e0 + t;

			if ((t & 0xFFF) == 0)
				fc_check_interrupts();	/* a pass costs O(n r): poll on long series */

			for (k = 1; k <= pf; k++)
				e -= f[k] * wt[-k];
			if (t >= dfull)
				for (k = 1; k <= qf; k++)
					e -= g[k] * et[-k];
			else
				for (k = 1; k <= qf && t - k >= pf; k++)
					e -= g[k] * et[-k];
			e0[t] = e;
			s00 += e * e;
			if (cmean)
				CSS_ONES_STEP(e);
		}
	}
	else
		for (t = pf; t < nw; t++)
		{
			double		e = w[t] - shift * (1.0 - fs);

			if ((t & 0xFFF) == 0)
				fc_check_interrupts();	/* a pass costs O(n r): poll on long series */

			for (k = 0; k < nf; k++)
				e -= f[nzf[k]] * w[t - nzf[k]];
			if (t >= full)
				for (k = 0; k < ng; k++)
					e -= g[nzg[k]] * e0[t - nzg[k]];
			else
				for (k = 0; k < ng && t - nzg[k] >= pf; k++)
					e -= g[nzg[k]] * e0[t - nzg[k]];
			e0[t] = e;
			s00 += e * e;
			if (cmean)
				CSS_ONES_STEP(e);
		}
#undef CSS_ONES_STEP
	W->mu = 0.0;
	if (cmean && s11 > 0.0)
		W->mu = s01 / s11;
	W->ssq = cmean ? s00 - s01 * W->mu : s00;
	W->nu = nw - pf;
	W->sumlog = 0.0;
	if (!isfinite(W->ssq))
		return FC_OPTIM_PENALTY;
	if (W->ssq <= 0.0)
		return -1e10;
	return 0.5 * log(W->ssq / W->nu);
}

/* ------------------------------------------------------------------ */
/* exact likelihood */

/* gamma[0..r], psi[0..r] of the ARMA (sigma2 = 1); false if singular */
static bool
arma_acov(ArWork *W)
{
	int			pf = W->pf,
				qf = W->qf,
				r = W->r;
	const double *f = W->phif,
			   *g = W->thetaf;
	double	   *psi = W->psi,
			   *gam = W->gam;
	int			i,
				j,
				k,
				kmax = pf > qf ? pf : qf;

	if (kmax < r)
		kmax = r;
	/* psi weights up to kmax (psi has r + 1 + pf + qf slots) */
	for (j = 0; j <= kmax; j++)
	{
		double		s = j == 0 ? 1.0 : (j <= qf ? g[j] : 0.0);

		for (k = 0; k < W->nnzphi; k++)
		{
			int			lag = W->nzphi[k];

			if (lag > j)
				break;
			s += f[lag] * psi[j - lag];
		}
		psi[j] = s;
	}
	if (pf == 0)
	{
		for (k = 0; k <= r; k++)
		{
			double		s = 0.0;

			for (j = k; j <= qf; j++)
				s += g[j] * psi[j - k];
			gam[k] = s;
		}
		return true;
	}
	else
	{
		int			N = pf + 1;
		double	   *M = W->M,
				   *b = W->rhs;

		for (i = 0; i < N * N; i++)
			M[i] = 0.0;
		for (k = 0; k < N; k++)
		{
			double		s = 0.0;

			M[k * N + k] += 1.0;
			for (j = 0; j < W->nnzphi; j++)
			{
				int			lag = W->nzphi[j];
				int			c = k - lag;

				if (c < 0)
					c = -c;
				M[k * N + c] -= f[lag];
			}
			for (j = k; j <= qf; j++)
				s += g[j] * psi[j - k];
			b[k] = s;
		}
		/* Gaussian elimination, partial pivoting */
		for (k = 0; k < N; k++)
		{
			int			piv = k;
			double		best = fabs(M[k * N + k]);

			for (i = k + 1; i < N; i++)
				if (fabs(M[i * N + k]) > best)
				{
					best = fabs(M[i * N + k]);
					piv = i;
				}
			if (!(best > 1e-300))
				return false;
			if (piv != k)
			{
				for (j = k; j < N; j++)
				{
					double		tmp = M[k * N + j];

					M[k * N + j] = M[piv * N + j];
					M[piv * N + j] = tmp;
				}
				{
					double		tmp = b[k];

					b[k] = b[piv];
					b[piv] = tmp;
				}
			}
			for (i = k + 1; i < N; i++)
			{
				double		fac = M[i * N + k] / M[k * N + k];

				if (fac == 0.0)
					continue;
				for (j = k; j < N; j++)
					M[i * N + j] -= fac * M[k * N + j];
				b[i] -= fac * b[k];
			}
		}
		for (k = N - 1; k >= 0; k--)
		{
			double		s = b[k];

			for (j = k + 1; j < N; j++)
				s -= M[k * N + j] * b[j];
			b[k] = s / M[k * N + k];
		}
		for (k = 0; k <= r; k++)
		{
			if (k < N)
				gam[k] = b[k];
			else
			{
				double		s = 0.0;

				for (j = 0; j < W->nnzphi; j++)
				{
					int			lag = W->nzphi[j];

					s += f[lag] * gam[k - lag];
				}
				for (j = k; j <= qf; j++)
					s += g[j] * psi[j - k];
				gam[k] = s;
			}
		}
		return isfinite(gam[0]) && gam[0] > 0.0;
	}
}

/* stationary covariance of the state into W->Pm (upper triangle) */
static bool
init_pcov(ArWork *W)
{
	int			r = W->r,
				pf = W->pf,
				qf = W->qf,
				i,
				l,
				b;
	const double *f = W->phif,
			   *g = W->thetaf;
	double	   *st = W->st;		/* s_l + t_l, 0-based l */
	double	   *P = W->Pm;

	if (!arma_acov(W))
		return false;
	for (l = 0; l < r; l++)
	{
		double		s = 0.0;

		for (b = l; b < r; b++)
			if (b + 1 <= pf)
				s += f[b + 1] * W->gam[b - l];
		for (b = l + 1; b < r; b++)
			if (b <= qf)
				s += g[b] * W->psi[b - l - 1];
		st[l] = s;
	}
	for (i = r - 1; i >= 0; i--)
	{
		double		fi = i + 1 <= pf ? f[i + 1] : 0.0;
		double		gi = i <= qf ? g[i] : 0.0;

		for (l = r - 1; l >= i; l--)
		{
			double		fl = l + 1 <= pf ? f[l + 1] : 0.0;
			double		gl = l <= qf ? g[l] : 0.0;
			double		v = (i + 1 < r && l + 1 < r) ? P[(i + 1) * r + l + 1] : 0.0;

			v += fi * st[l] + fl * st[i] - fi * fl * W->gam[0] + gi * gl;
			P[i * r + l] = v;
		}
	}
	return true;
}

/*
 * Predicted ARMA state a <- T a + K v of the companion form (T: phi in the
 * first column, ones on the superdiagonal), with the gain given as
 * G / F: one step of the filters below, for the data and for the ones.
 */
static inline void
predict_with_gain(double *a, const double *fp, double lead, const double *G,
				  double iF, double v, int r)
{
	int			i;

	for (i = 0; i + 1 < r; i++)
		a[i] = fp[i] * lead + a[i + 1] + G[i] * iF * v;
	a[r - 1] = fp[r - 1] * lead + G[r - 1] * iF * v;
}

/*
 * The same once the first state component is known exactly (x0, the
 * observation): the gain acts on the others only.
 */
static inline void
predict_known_first(double *a, const double *fp, double x0, const double *gain,
					double v, int r)
{
	int			i;

	for (i = 0; i + 1 < r; i++)
		a[i] = fp[i] * x0 + a[i + 1] + gain[i] * v;
	a[r - 1] = fp[r - 1] * x0;
}

/*
 * The sums of the concentrated likelihood over the filter's innovations:
 * v0 (data) and vg (the filter run on ones, for a concentrated mean) with
 * variance F, and sum log F kept as the log of a running product (one log
 * per several hundred steps instead of one per step; F >= 1 up to
 * rounding, so the product only grows).
 */
typedef struct KfSums
{
	double		s00,
				s01,
				s11,
				sumlog,
				prodF;
} KfSums;

/* Add one innovation; *iF = 1 / F.  False when F is not a usable variance. */
static inline bool
kf_add_innovation(KfSums *k, double F, double v0, double vg, bool cmean, double *iF)
{
	if (!(F > 1e-12) || !isfinite(F))
		return false;
	*iF = 1.0 / F;
	k->prodF *= F;
	if (k->prodF > 1e200)
	{
		k->sumlog += log(k->prodF);
		k->prodF = 1.0;
	}
	k->s00 += v0 * v0 * *iF;
	if (cmean)
	{
		k->s01 += v0 * vg * *iF;
		k->s11 += vg * vg * *iF;
	}
	return true;
}

static double
kalman_eval(ArWork *W)
{
	const double *w = W->w;
	int			r = W->r,
				nw = W->nw,
				pf = W->pf,
				t,
				i,
				l;
	double	   *P = W->Pm,
			   *a0 = W->a0,
			   *ag = W->ag,
			   *c = W->col,
			   *R = W->Rv,
			   *fp = W->fpad;
	const double *f = W->phif;
	KfSums		k = {0.0, 0.0, 0.0, 0.0, 1.0};
	double		shift = (W->has_mean && W->mean_fixed) ? W->mean_val : 0.0;
	bool		cmean = W->has_mean && !W->mean_fixed;
	bool		keep = W->keep;
	bool		steady = false;

	if (!init_pcov(W))
		return FC_OPTIM_PENALTY;
	for (i = 0; i < r; i++)
	{
		a0[i] = ag[i] = 0.0;
		R[i] = i <= W->qf ? W->thetaf[i] : 0.0;
	}
	for (i = 0; i < r; i++)
		fp[i] = i + 1 <= pf ? f[i + 1] : 0.0;
	t = 0;
	if (!keep && r >= CHANDRA_MIN_R && P[0] <= CHANDRA_MAX_F1)
	{
		/*
		 * Chandrasekhar-type recursions (Morf, Sidhu & Kailath 1974): with
		 * the stationary initial covariance, P_{t+1} - P_t has rank one,
		 * s_t y_t y_t'.  Writing G_t = T P_t Z' (gain K_t = G_t / F_t) and
		 * u = y_t[0], the Riccati recursion P_{t+1} = T P_t T' + RR' -
		 * G_t G_t' / F_t gives, exactly,
		 *	   F_{t+1} = F_t + s_t u^2,	G_{t+1} = G_t + s_t u T y_t,
		 *	   y_{t+1} = T y_t - (u / F_t) G_t,	 s_{t+1} = s_t F_t / F_{t+1},
		 * starting from y_1 = G_1, s_1 = -1 / F_1: O(r) per step instead of
		 * O(r^2).  P itself is not formed, so the final pass (keep, whose
		 * P_{n+1} the forecasts need) runs the Riccati recursion below.
		 * F_{t+1} = F_t + s u^2 cancels when F_1 = gamma(0) is large (near
		 * a unit root): against a long-double Riccati filter the objective
		 * was off by up to 2e-6 relative for F_1 ~ 1e4, <= 4e-11 for
		 * F_1 <= 50 (160 random seasonal models on M4 H1), so beyond
		 * CHANDRA_MAX_F1 the Riccati recursion is used.
		 */
		double	   *G = c,
				   *y = W->st;
		double		F = P[0],
					s = -1.0 / F;

		for (i = 0; i + 1 < r; i++)
			G[i] = fp[i] * F + P[i + 1];
		G[r - 1] = fp[r - 1] * F;
		for (i = 0; i < r; i++)
			y[i] = G[i];
		for (; t < nw && !steady; t++)
		{
			double		x0 = w[t] - shift;
			double		v0 = x0 - a0[0],
						vg = 1.0 - ag[0],
						iF,
						u,
						uF,
						su,
						Fn,
						a00 = a0[0],
						ag0 = ag[0];

			if ((t & 0xFFF) == 0)
				fc_check_interrupts();	/* a pass costs O(n r): poll on long series */

			if (!kf_add_innovation(&k, F, v0, vg, cmean, &iF))
				return FC_OPTIM_PENALTY;
			/* predicted state: a <- T a + K v */
			predict_with_gain(a0, fp, a00, G, iF, v0, r);
			if (cmean)
				predict_with_gain(ag, fp, ag0, G, iF, vg, r);
			/* the rank-one update */
			u = y[0];
			uF = u * iF;
			su = s * u;
			Fn = F + su * u;
			for (i = 0; i < r; i++)
			{
				double		ty = fp[i] * u + (i + 1 < r ? y[i + 1] : 0.0);

				y[i] = ty - uF * G[i];
				G[i] += su * ty;
			}
			s *= F / Fn;
			F = Fn;
			if (fabs(F - 1.0) < STEADY_TOL)
				steady = true;
		}
	}
	for (; t < nw && !steady; t++)
	{
		double		F = P[0];
		double		x0 = w[t] - shift;
		double		v0 = x0 - a0[0],
					vg = 1.0 - ag[0],
					iF;

		if ((t & 0xFFF) == 0)
			fc_check_interrupts();	/* a pass costs O(n r): poll on long series */

		if (!kf_add_innovation(&k, F, v0, vg, cmean, &iF))
			return FC_OPTIM_PENALTY;
		if (keep)
		{
			W->e0[t] = v0;
			W->eg[t] = vg;
			W->Fv[t] = F;
		}
		/* filtered state (first component known exactly), predicted */
		for (i = 0; i < r; i++)
			c[i] = P[i] * iF;	/* row 0 of the upper triangle / F */
		predict_known_first(a0, fp, x0, c + 1, v0, r);
		if (cmean)
		{
			for (i = 0; i + 1 < r; i++)
				ag[i] = fp[i] + ag[i + 1] + c[i + 1] * vg;
			ag[r - 1] = fp[r - 1];
		}
		/* P <- shift(P - c c' F) + R R' (upper triangle, in place) */
		for (i = 0; i + 1 < r; i++)
		{
			double		ci = c[i + 1] * F,
						Ri = R[i];
			double	   *Pi = P + i * r;
			const double *Pn = P + (i + 1) * r + 1;
			const double *cn = c + 1;

			for (l = i; l + 1 < r; l++)
				Pi[l] = Pn[l] - ci * cn[l] + Ri * R[l];
			Pi[r - 1] = Ri * R[r - 1];
		}
		P[(r - 1) * r + r - 1] = R[r - 1] * R[r - 1];
		if (fabs(P[0] - 1.0) < STEADY_TOL)
			steady = true;
	}
	k.sumlog += log(k.prodF);

	/*
	 * Steady state: F = 1, gain R, O(r) per step.  The filter on the ones
	 * does not depend on the data: once a step leaves its state bitwise
	 * unchanged, every later step does too, and only the sums go on.
	 */
	if (!cmean)
		for (; t < nw; t++)
		{
			double		x0 = w[t] - shift;
			double		v0 = x0 - a0[0];

			if ((t & 0xFFF) == 0)
				fc_check_interrupts();	/* a pass costs O(n r): poll on long series */

			k.s00 += v0 * v0;
			if (keep)
			{
				W->e0[t] = v0;
				W->eg[t] = 1.0 - ag[0];
				W->Fv[t] = 1.0;
			}
			predict_known_first(a0, fp, x0, R + 1, v0, r);
		}
	else
	{
		bool		gsettled = false;
		double		vg = 0.0,
					vg2 = 0.0;

		for (; t < nw; t++)
		{
			double		x0 = w[t] - shift;
			double		v0 = x0 - a0[0];

			if ((t & 0xFFF) == 0)
				fc_check_interrupts();	/* a pass costs O(n r): poll on long series */

			k.s00 += v0 * v0;
			predict_known_first(a0, fp, x0, R + 1, v0, r);
			if (!gsettled)
			{
				bool		same = true;

				vg = 1.0 - ag[0];
				vg2 = vg * vg;
				for (i = 0; i + 1 < r; i++)
				{
					double		v = fp[i] + ag[i + 1] + R[i + 1] * vg;

					same = same && v == ag[i];
					ag[i] = v;
				}
				gsettled = same;
			}
			k.s01 += v0 * vg;
			k.s11 += vg2;
			if (keep)
			{
				W->e0[t] = v0;
				W->eg[t] = vg;
				W->Fv[t] = 1.0;
			}
		}
	}
	W->steady = steady;
	if (steady)
	{
		for (i = 0; i < r; i++)
			for (l = i; l < r; l++)
				P[i * r + l] = R[i] * R[l];
	}
	W->mu = 0.0;
	if (cmean && k.s11 > 0.0)
		W->mu = k.s01 / k.s11;
	W->ssq = cmean ? k.s00 - k.s01 * W->mu : k.s00;
	W->sumlog = k.sumlog;
	W->nu = nw;
	if (!isfinite(W->ssq) || !isfinite(k.sumlog))
		return FC_OPTIM_PENALTY;
	if (W->ssq <= 0.0)
		return -1e10;
	return 0.5 * (log(W->ssq / nw) + k.sumlog / nw);
}

/* objective wrappers: f + central-difference gradient */
typedef struct ObjCtx
{
	ArWork	   *W;
	bool		ml;
	/*
	 * The optimiser evaluates line-search trial points without gradient and
	 * asks again, with gradient, at the accepted one: the value (and, for
	 * CSS, the residuals in W the exact gradient is built from) of the last
	 * plain evaluation is kept for that.
	 */
	bool		have_last;
	double		flast;
	double	   *xlast;			/* nfree */
} ObjCtx;

static double
obj_value(ArWork *W, bool ml, const double *x)
{
	double		f;

	W->nevals++;
	f = set_coef(W, x) ? (ml ? kalman_eval(W) : css_eval(W)) : FC_OPTIM_PENALTY;
	memcpy(W->xev, x, sizeof(double) * W->nfree);
	W->fev = f;
	W->have_ev = true;
	return f;
}

/*
 * Exact gradient of the CSS objective 0.5 log(ssq / nu) in the raw
 * coefficients, after css_eval at the same point: for each coefficient
 * the derivative of the residuals obeys the residual recursion itself,
 *	   d_t = in_t - sum_k g_k d_{t-k}	(d_t = 0 before pf),
 * with in_t = -S(B^m)(w - c)_{t-i} for phi_i (S = Phi polynomial),
 * -A(B)(w - c)_{t-mj} for Phi_j, -Theta(B^m) e_{t-i} for theta_i and
 * -T(B) e_{t-mj} for Theta_j; d ssq = 2 sum e_t d_t (the concentrated
 * constant drops out: envelope theorem).  Rather than one recursion per
 * coefficient, sum_t e_t d_t is computed by the adjoint: with rho from the
 * transposed (backward) recursion, it equals sum_s rho_s in_s, so the whole
 * gradient costs about one extra residual pass.
 */
static void
css_gradient(ArWork *W, double *grad)
{
	const double *w = W->w;
	const double *g = W->thetaf;
	double	   *e = W->e0,
			   *rho = W->Fv;
	int			nw = W->nw,
				pf = W->pf,
				m = W->m,
				t,
				k,
				j,
				fi;
	double		c = W->has_mean ? (W->mean_fixed ? W->mean_val : W->mu) : 0.0;
	const double *phi = W->coef,
			   *theta = W->coef + W->p,
			   *sphi = W->coef + W->p + W->q,
			   *sth = W->coef + W->p + W->q + W->P;
	double	   *wc = W->gb,
			   *sv = wc,
			   *av = wc,
			   *y1 = e,
			   *y2 = e;

	/* final residuals into e (zero before pf) */
	for (t = 0; t < pf && t < nw; t++)
		e[t] = 0.0;
	if (W->has_mean && !W->mean_fixed)
		for (t = pf; t < nw; t++)
			e[t] -= W->mu * W->eg[t];
	/*
	 * The input series (before shifting by the coefficient's lag): w - c,
	 * filtered by the other polynomial of the same side when there is one
	 * (without, the arrays are w - c and e themselves).
	 */
	for (t = 0; t < nw; t++)
		wc[t] = w[t] - c;
	if (W->p > 0 && W->P > 0)
	{
		sv = W->gb + nw;
		av = W->gb + 2 * nw;
		for (t = 0; t < nw; t++)
		{
			double		v = wc[t],
						a = wc[t];

			for (j = 1; j <= W->P && t - m * j >= 0; j++)
				v -= sphi[j - 1] * (w[t - m * j] - c);
			for (j = 1; j <= W->p && t - j >= 0; j++)
				a -= phi[j - 1] * (w[t - j] - c);
			sv[t] = v;
			av[t] = a;
		}
	}
	if (W->q > 0 && W->Q > 0)
	{
		y1 = W->gb + 3 * nw;
		y2 = W->gb + 4 * nw;
		for (t = 0; t < nw; t++)
		{
			double		b1 = e[t],
						b2 = e[t];

			for (j = 1; j <= W->Q && t - m * j >= 0; j++)
				b1 += sth[j - 1] * e[t - m * j];
			for (j = 1; j <= W->q && t - j >= 0; j++)
				b2 += theta[j - 1] * e[t - j];
			y1[t] = b1;
			y2[t] = b2;
		}
	}
	/*
	 * Adjoint: grad_i = sum_t e_t d_t = sum_s rho_s in_s with rho solving
	 * the transposed recursion rho_s = e_s - sum_k g_k rho_{s+k}.
	 */
	{
		const int  *nzg = W->nztheta;
		int			ng = W->nnztheta,
					qmax = ng > 0 ? nzg[ng - 1] : 0;

		for (t = nw - 1; t >= pf; t--)
		{
			double		r = e[t];

			if (t + qmax < nw)
				for (k = 0; k < ng; k++)
					r -= g[nzg[k]] * rho[t + nzg[k]];
			else
				for (k = 0; k < ng && t + nzg[k] < nw; k++)
					r -= g[nzg[k]] * rho[t + nzg[k]];
			rho[t] = r;
		}
	}
	/*
	 * grad_i = -sum_{t >= max(pf, lag_i)} rho_t src_i[t - lag_i] / ssq, four
	 * coefficients per pass over t: each sum is still accumulated in the
	 * order of t, but the four chains run side by side.
	 */
	for (fi = 0; fi < W->nfree; fi += 4)
	{
		const double *src[4];
		int			lag[4],
					t0[4],
					tc = pf,
					nb = W->nfree - fi < 4 ? W->nfree - fi : 4,
					b;
		double		acc[4] = {0.0, 0.0, 0.0, 0.0};

		for (b = 0; b < 4; b++)
		{
			int			ci = W->free_idx[fi + (b < nb ? b : nb - 1)];

			if (ci < W->p)
			{
				src[b] = sv;
				lag[b] = ci + 1;
			}
			else if (ci < W->p + W->q)
			{
				src[b] = y1;
				lag[b] = ci - W->p + 1;
			}
			else if (ci < W->p + W->q + W->P)
			{
				src[b] = av;
				lag[b] = (ci - W->p - W->q + 1) * m;
			}
			else
			{
				src[b] = y2;
				lag[b] = (ci - W->p - W->q - W->P + 1) * m;
			}
			t0[b] = pf > lag[b] ? pf : lag[b];
			if (t0[b] > tc)
				tc = t0[b];
		}
		if (tc > nw)
			tc = nw;
		/* the first terms of the sums that start earlier */
		for (b = 0; b < nb; b++)
			for (t = t0[b]; t < tc; t++)
				acc[b] -= rho[t] * src[b][t - lag[b]];
		{
			const double *s0 = src[0],
					   *s1 = src[1],
					   *s2 = src[2],
					   *s3 = src[3];
			int			l0 = lag[0],
						l1 = lag[1],
						l2 = lag[2],
						l3 = lag[3];
			double		a0 = acc[0],
						a1 = acc[1],
						a2 = acc[2],
						a3 = acc[3];

			for (t = tc; t < nw; t++)
			{
				double		r = rho[t];

				a0 -= r * s0[t - l0];
				a1 -= r * s1[t - l1];
				a2 -= r * s2[t - l2];
				a3 -= r * s3[t - l3];
			}
			acc[0] = a0;
			acc[1] = a1;
			acc[2] = a2;
			acc[3] = a3;
		}
		for (b = 0; b < nb; b++)
			grad[fi + b] = acc[b] / W->ssq;
	}
}

static double
obj_grad(const double *x, double *grad, void *vctx)
{
	ObjCtx	   *oc = (ObjCtx *) vctx;
	ArWork	   *W = oc->W;
	double		f;
	int			i,
				n = W->nfree;

	if (grad != NULL && oc->have_last &&
		memcmp(x, oc->xlast, sizeof(double) * n) == 0)
		f = oc->flast;
	else
		f = obj_value(W, oc->ml, x);
	oc->have_last = false;
	if (grad == NULL)
	{
		if (f < FC_OPTIM_PENALTY)
		{
			memcpy(oc->xlast, x, sizeof(double) * n);
			oc->flast = f;
			oc->have_last = true;
		}
		return f;
	}
	if (f >= FC_OPTIM_PENALTY)
		return f;
	if (!oc->ml && !W->transformed && W->ssq > 0.0)
	{
		css_gradient(W, grad);
		return f;
	}
	memcpy(W->xh, x, sizeof(double) * n);
	for (i = 0; i < n; i++)
	{
		/* forward differences: the objective is smooth and O(1) scaled */
		double		h = ML_FDSTEP * (fabs(x[i]) > 1.0 ? fabs(x[i]) : 1.0);
		double		fp,
					fm;

		W->xh[i] = x[i] + h;
		fp = obj_value(W, oc->ml, W->xh);
		W->xh[i] = x[i];
		if (fp < FC_OPTIM_PENALTY)
			grad[i] = (fp - f) / h;
		else
		{
			W->xh[i] = x[i] - h;
			fm = obj_value(W, oc->ml, W->xh);
			W->xh[i] = x[i];
			grad[i] = fm < FC_OPTIM_PENALTY ? (f - fm) / h : 0.0;
		}
	}
	return f;
}

/* ------------------------------------------------------------------ */
/* one fit */

static void
work_free(ArWork *W)
{
	if (W->coef)
		fc_free(W->coef);
	W->coef = NULL;
}

/*
 * Allocate everything in one block (coef first so work_free can release
 * it).  Returns false on impossible sizes.
 */
static bool
work_init(ArWork *W, const double *w, int nw, const FcArimaSpec *s,
		  bool has_mean)
{
	size_t		nd;
	int			r,
				pf,
				qf,
				narma;
	double	   *mem;
	int		   *imem;

	memset(W, 0, sizeof(*W));
	W->w = w;
	W->nw = nw;
	W->p = s->p;
	W->q = s->q;
	W->P = s->P;
	W->Q = s->Q;
	W->m = s->m;
	narma = s->p + s->q + s->P + s->Q;
	W->narma = narma;
	pf = s->p + s->m * s->P;
	qf = s->q + s->m * s->Q;
	r = pf > qf + 1 ? pf : qf + 1;
	W->pf = pf;
	W->qf = qf;
	W->r = r;
	W->has_mean = has_mean;
	nd = (size_t) (narma + 1)	/* coef */
		+ (size_t) (pf + 1) + (qf + 1)
		+ (size_t) 8 * (nw > 0 ? nw : 1)
		+ (size_t) 2 * (r + pf + qf + 2)	/* gam, psi */
		+ (size_t) (pf + 1) * (pf + 1) + (pf + 1)
		+ (size_t) r * r
		+ (size_t) 6 * r
		+ (size_t) 2 * (narma + 1)	/* xh, xev */
		+ (size_t) 5 * (narma + 2)	/* kw */
		+ (size_t) (pf + qf + narma + 3);	/* int arrays (as doubles) */
	mem = (double *) fc_alloc(sizeof(double) * nd);
	W->coef = mem;
	mem += narma + 1;
	W->phif = mem;
	mem += pf + 1;
	W->thetaf = mem;
	mem += qf + 1;
	W->e0 = mem;
	mem += nw > 0 ? nw : 1;
	W->eg = mem;
	mem += nw > 0 ? nw : 1;
	W->Fv = mem;
	mem += nw > 0 ? nw : 1;
	W->gb = mem;
	mem += 5 * (nw > 0 ? nw : 1);
	W->gam = mem;
	mem += r + pf + qf + 2;
	W->psi = mem;
	mem += r + pf + qf + 2;
	W->M = mem;
	mem += (size_t) (pf + 1) * (pf + 1);
	W->rhs = mem;
	mem += pf + 1;
	W->Pm = mem;
	mem += (size_t) r * r;
	W->a0 = mem;
	mem += r;
	W->ag = mem;
	mem += r;
	W->col = mem;
	mem += r;
	W->st = mem;
	mem += r;
	W->Rv = mem;
	mem += r;
	W->fpad = mem;
	mem += r;
	W->xh = mem;
	mem += narma + 1;
	W->xev = mem;
	mem += narma + 1;
	W->kw = mem;
	mem += 5 * (narma + 2);
	imem = (int *) mem;
	W->nzphi = imem;
	W->nztheta = imem + pf + 1;
	W->free_idx = imem + pf + qf + 2;
	return true;
}

static void
model_alloc(FcArimaModel *out, const FcArimaSpec *s, int n, int r)
{
	int			nt = s->d + s->m * s->D;

	memset(out, 0, sizeof(*out));
	out->spec = *s;
	out->n = n;
	out->r = r;
	out->ntail = nt;
	out->phi = (double *) fc_alloc(sizeof(double) * (s->p + 1));
	out->theta = (double *) fc_alloc(sizeof(double) * (s->q + 1));
	out->Phi = (double *) fc_alloc(sizeof(double) * (s->P + 1));
	out->Theta = (double *) fc_alloc(sizeof(double) * (s->Q + 1));
	out->state = (double *) fc_alloc(sizeof(double) * r);
	out->pcov = (double *) fc_alloc(sizeof(double) * r * r);
	out->ytail = (double *) fc_alloc(sizeof(double) * (nt + 1));
}

void
fc_arima_model_free(FcArimaModel *model)
{
	if (model == NULL)
		return;
	if (model->phi)
		fc_free(model->phi);
	if (model->theta)
		fc_free(model->theta);
	if (model->Phi)
		fc_free(model->Phi);
	if (model->Theta)
		fc_free(model->Theta);
	if (model->state)
		fc_free(model->state);
	if (model->pcov)
		fc_free(model->pcov);
	if (model->ytail)
		fc_free(model->ytail);
	if (model->resid)
		fc_free(model->resid);
	model->phi = model->theta = model->Phi = model->Theta = NULL;
	model->state = model->pcov = model->ytail = model->resid = NULL;
}

void
fc_arima_control_init(FcArimaControl *ctl)
{
	memset(ctl, 0, sizeof(*ctl));
	ctl->max_p = 5;
	ctl->max_q = 5;
	ctl->max_P = 2;
	ctl->max_Q = 2;
	ctl->max_order = 5;
	ctl->max_d = 2;
	ctl->max_D = 1;
	ctl->fixed_d = -1;
	ctl->fixed_D = -1;
	ctl->allow_constant = true;
	ctl->approximation = -1;
	ctl->fixed = NULL;
	ctl->nfixed = 0;
	ctl->css_only = false;
	ctl->max_eval = 0;
}

static FcStatus
check_spec(const FcArimaSpec *s)
{
	if (s->p < 0 || s->q < 0 || s->d < 0 || s->P < 0 || s->Q < 0 || s->D < 0 ||
		s->p > FC_ARIMA_MAX_PQ || s->q > FC_ARIMA_MAX_PQ ||
		s->P > FC_ARIMA_MAX_SPQ || s->Q > FC_ARIMA_MAX_SPQ ||
		s->d > FC_ARIMA_MAX_D || s->D > FC_ARIMA_MAX_SD ||
		s->m < 1 || s->m > FC_ARIMA_MAX_M)
		return FC_ERR_BAD_ARGUMENT;
	if (s->m == 1 && (s->P > 0 || s->Q > 0 || s->D > 0))
		return FC_ERR_BAD_ARGUMENT;
	return FC_OK;
}

/* the outcome of one CSS optimisation (fit_core) */
typedef struct CssMemo
{
	bool		have;
	FcStatus	st;
	double		x[FC_ARIMA_MAX_PQ * 2 + FC_ARIMA_MAX_SPQ * 2];
} CssMemo;

/*
 * Core fit on the original series.  css_only: stop after CSS.  On success
 * fills *out (allocated here); with crit_only, only the criteria (no
 * residuals, state or covariance).  `w`/`tmp` are caller scratch of n
 * doubles.  memo (NULL: none) keeps the outcome of the CSS optimisation
 * for the same specification, fixed = NULL and max_eval: the first fit
 * stores it, a later one starts from it instead of repeating the identical
 * (deterministic) optimisation.
 */
static FcStatus
fit_core(const double *y, int n, const FcArimaSpec *spec0,
		 const double *fixed, int nfixed, bool css_only, bool crit_only,
		 int max_eval, double *wbuf, double *tmp, CssMemo *memo,
		 FcArimaModel *out)
{
	FcArimaSpec s = *spec0;
	ArWork		W;
	ObjCtx		oc;
	int			nw,
				narma,
				npar,
				i,
				k;
	double	   *x,
			   *step,
			   *lo,
			   *hi;
	bool		has_mean;
	FcStatus	st = FC_OK;
	FcBfgsOptions bo;
	FcNMResult	res;
	double		fval;

	if (s.d + s.D >= 2)
		s.constant = false;
	has_mean = s.constant;
	narma = s.p + s.q + s.P + s.Q;
	npar = narma + (has_mean ? 1 : 0);
	if (fixed != NULL && nfixed != narma + (spec0->constant ? 1 : 0))
		return FC_ERR_BAD_ARGUMENT;
	nw = difference(y, n, s.d, s.D, s.m, wbuf, tmp);
	if (nw < npar + 1)
		return FC_ERR_TOO_SHORT;

	work_init(&W, wbuf, nw, &s, has_mean);
	W.fixed = fixed;
	W.transformed = true;
	if (fixed)
	{
		for (i = 0; i < narma; i++)
			if (!isnan(fixed[i]))
			{
				if (!isfinite(fixed[i]))
				{
					work_free(&W);
					return FC_ERR_BAD_ARGUMENT;
				}
				W.transformed = false;
			}
		if (has_mean && !isnan(fixed[narma]))
		{
			if (!isfinite(fixed[narma]))
			{
				work_free(&W);
				return FC_ERR_BAD_ARGUMENT;
			}
			W.mean_fixed = true;
			/* fixed value is on R's scale: drift per step for D = 1 */
			W.mean_val = fixed[narma] * ((s.d + s.D == 1 && s.D == 1) ? s.m : 1);
		}
	}
	W.nfree = 0;
	for (i = 0; i < narma; i++)
	{
		if (W.transformed || isnan(fixed[i]))
			W.free_idx[W.nfree++] = i;
		else
			W.coef[i] = fixed[i];
	}

	x = (double *) fc_alloc(sizeof(double) * 5 * (W.nfree + 1));
	step = x + W.nfree + 1;
	lo = step + W.nfree + 1;
	hi = lo + W.nfree + 1;
	oc.xlast = hi + W.nfree + 1;
	oc.have_last = false;
	for (i = 0; i < W.nfree; i++)
	{
		x[i] = 0.0;
		step[i] = W.transformed ? 0.3 : 0.1;
		lo[i] = W.transformed ? -U_BOUND : -HUGE_VAL;
		hi[i] = W.transformed ? U_BOUND : HUGE_VAL;
	}
	oc.W = &W;
	fc_bfgs_options_init(&bo);
	bo.max_eval = max_eval > 0 ? max_eval : 200;
	bo.max_iter = 100;
	bo.ftol_rel = CSS_FTOL;
	bo.ftol_abs = 1e-12;
	bo.lazy_grad = true;

	/* feasibility of the start (fixed values) */
	if (!set_coef(&W, x))
	{
		st = FC_ERR_BAD_ARGUMENT;
		goto done;
	}

	if (W.nfree > 0)
	{
		bool		was_tr = W.transformed;

		/*
		 * CSS in the raw coefficients from zero (as R does: its basin is
		 * often the better one), with non-stationary / non-invertible
		 * points infeasible; the result is mapped to the tanh-PACF
		 * parametrisation for the exact-likelihood stage.
		 */
		oc.ml = false;
		W.transformed = false;
		if (nw - W.pf >= W.nfree + 1)
		{
			for (i = 0; i < W.nfree; i++)
				step[i] = CSS_STEP;
			W.unconstrained = true;
			if (memo != NULL && memo->have)
			{
				memcpy(x, memo->x, sizeof(double) * W.nfree);
				st = memo->st;
			}
			else
			{
				oc.have_last = false;
				st = fc_bfgs(obj_grad, &oc, W.nfree, x, step, NULL, NULL, &bo, &res);
				if (memo != NULL)
				{
					memcpy(memo->x, x, sizeof(double) * W.nfree);
					memo->st = st;
					memo->have = true;
				}
			}
			W.unconstrained = false;
			if (css_only && st == FC_OK)
			{
				/* R's CSS result, whatever its roots (auto rejects bad ones) */
				W.unconstrained = true;
				W.transformed = false;
				goto css_final;
			}
			if (st != FC_OK || !set_coef(&W, x))
			{
				for (i = 0; i < W.nfree; i++)
					x[i] = W.coef[W.free_idx[i]] = 0.0;
				if (was_tr)
					for (i = 0; i < narma; i++)
						W.coef[i] = 0.0;
			}
			st = FC_OK;
		}
		else if (css_only)
		{
			st = FC_ERR_TOO_SHORT;
			goto done;
		}
		W.transformed = was_tr;
		if (was_tr)
			coef_to_u(&W, x);
		for (i = 0; i < W.nfree; i++)
			step[i] = W.transformed ? ML_STEP : 0.1;
		if (!css_only)
		{
			double		fstart;

			bo.ftol_rel = 1e-10;
			oc.ml = true;
			fstart = obj_value(&W, true, x);
			if (!(fstart < FC_OPTIM_PENALTY))
			{
				for (i = 0; i < W.nfree; i++)
					x[i] = 0.0;
			}
			oc.have_last = false;
			st = fc_bfgs(obj_grad, &oc, W.nfree, x, step, NULL, NULL, &bo, &res);
			if (st != FC_OK)
			{
				st = FC_ERR_NUMERICAL;
				goto done;
			}
		}
	}

css_final:
	/* final evaluation at x, keeping innovations */
	W.keep = true;
	if (css_only && crit_only && W.have_ev &&
		memcmp(W.xev, x, sizeof(double) * W.nfree) == 0)
		fval = W.fev;			/* W holds that evaluation (the CSS criteria
								 * do not need the residuals) */
	else
		fval = obj_value(&W, !css_only, x);
	if (!(fval < FC_OPTIM_PENALTY))
	{
		st = FC_ERR_NUMERICAL;
		goto done;
	}

	model_alloc(out, &s, n, W.r);
	out->css = css_only;
	out->nparam = npar;
	memcpy(out->phi, W.coef, sizeof(double) * s.p);
	memcpy(out->theta, W.coef + s.p, sizeof(double) * s.q);
	memcpy(out->Phi, W.coef + s.p + s.q, sizeof(double) * s.P);
	memcpy(out->Theta, W.coef + s.p + s.q + s.P, sizeof(double) * s.Q);
	{
		double		c = W.mean_fixed ? W.mean_val : W.mu;
		double		scale = (has_mean && s.d + s.D == 1 && s.D == 1) ? s.m : 1.0;
		double		ssq = W.ssq > 0.0 ? W.ssq : 0.0;
		int			nu = W.nu;
		int			kk = npar + 1;

		out->mu = has_mean ? c / scale : 0.0;
		out->sigma2 = ssq / nu;
		if (ssq > 0.0)
			out->loglik = -0.5 * (nu * log(2.0 * M_PI * out->sigma2) + W.sumlog + nu);
		else
			out->loglik = HUGE_VAL;
		/* reported (and forecast) variance as R's forecast::Arima */
		if (!css_only && nu > npar)
			out->sigma2 = ssq / (nu - npar);
		out->aic = -2.0 * out->loglik + 2.0 * kk;
		out->aicc = nw - kk - 1 > 0 ? out->aic + 2.0 * kk * (kk + 1) / (double) (nw - kk - 1)
			: HUGE_VAL;
		out->bic = out->aic + (log((double) nw) - 2.0) * kk;
		if (css_only && ssq > 0.0)
		{
			/* criterion as auto.arima's approximation: n* log s2 + 2k */
			out->aic = nw * log(out->sigma2) + 2.0 * kk;
			out->aicc = nw - kk - 1 > 0 ? out->aic + 2.0 * kk * (kk + 1) / (double) (nw - kk - 1)
				: HUGE_VAL;
			out->bic = out->aic + (log((double) nw) - 2.0) * kk;
		}

		if (crit_only)
			goto done;
		/* residuals y - yhat = innovations of w */
		out->resid = (double *) fc_alloc(sizeof(double) * (n > 0 ? n : 1));
		for (i = 0; i < n - nw; i++)
			out->resid[i] = NAN;
		for (i = 0; i < nw; i++)
		{
			double		e = W.e0[i] - (W.mean_fixed ? 0.0 : W.mu) * W.eg[i];

			if (css_only && i < W.pf)
				e = NAN;
			out->resid[n - nw + i] = e;
		}
		/* state for forecasting (exact filter, also after CSS) */
		if (css_only)
		{
			W.keep = false;
			W.mean_fixed = true;
			W.mean_val = c;
			if (!(kalman_eval(&W) < FC_OPTIM_PENALTY))
			{
				fc_arima_model_free(out);
				st = FC_ERR_NUMERICAL;
				goto done;
			}
			for (i = 0; i < W.r; i++)
				out->state[i] = W.a0[i];
		}
		else
		{
			for (i = 0; i < W.r; i++)
				out->state[i] = W.a0[i] - (W.mean_fixed ? 0.0 : W.mu) * W.ag[i];
		}
		for (i = 0; i < W.r; i++)
			for (k = i; k < W.r; k++)
				out->pcov[i * W.r + k] = out->pcov[k * W.r + i] = W.Pm[i * W.r + k];
		for (i = 0; i < out->ntail; i++)
			out->ytail[i] = y[n - out->ntail + i];
	}

done:
	fc_free(x);
	work_free(&W);
	return st;
}

FcStatus
fc_arima_fit(const double *y, int n, const FcArimaSpec *spec,
			 const FcArimaControl *ctl, FcArimaModel *out)
{
	FcArimaControl dflt;
	FcStatus	st;
	double	   *buf;

	if (out == NULL || spec == NULL || (y == NULL && n > 0))
		return FC_ERR_BAD_ARGUMENT;
	memset(out, 0, sizeof(*out));
	if (ctl == NULL)
	{
		fc_arima_control_init(&dflt);
		ctl = &dflt;
	}
	st = check_spec(spec);
	if (st != FC_OK)
		return st;
	if (n < 1)
		return FC_ERR_TOO_SHORT;
	if (!all_finite(y, n))
		return FC_ERR_NONFINITE;
	buf = (double *) fc_alloc(sizeof(double) * 2 * n);
	st = fit_core(y, n, spec, ctl->fixed, ctl->nfixed, ctl->css_only, false,
				  ctl->max_eval, buf, buf + n, NULL, out);
	fc_free(buf);
	return st;
}

/* ------------------------------------------------------------------ */
/* unit-root and seasonality tests */

double
fc_kpss_stat(const double *x, int n, int lags)
{
	double		mean = 0.0,
				s = 0.0,
				eta = 0.0,
				s2 = 0.0;
	int			t,
				k;

	if (n < 2)
		return NAN;
	for (t = 0; t < n; t++)
		mean += x[t];
	mean /= n;
	for (t = 0; t < n; t++)
	{
		double		e = x[t] - mean;

		s += e;
		eta += s * s;
		s2 += e * e;
	}
	eta /= (double) n * n;
	s2 /= n;
	if (lags > n - 1)
		lags = n - 1;
	for (k = 1; k <= lags; k++)
	{
		double		acc = 0.0;

		for (t = k; t < n; t++)
			acc += (x[t] - mean) * (x[t - k] - mean);
		s2 += 2.0 * (1.0 - k / (lags + 1.0)) * acc / n;
	}
	if (!(s2 > 0.0))
		return NAN;
	return eta / s2;
}

#define KPSS_CRIT_5PCT 0.463

static bool
kpss_rejects(const double *x, int n)
{
	double		stat = fc_kpss_stat(x, n, (int) (3.0 * sqrt((double) n) / 13.0));

	return isfinite(stat) && stat > KPSS_CRIT_5PCT;
}

/* number of first differences (0..max_d) by repeated KPSS tests at 5% */
int
fc_arima_ndiffs(const double *x, int n, int max_d)
{
	double	   *w;
	int			d = 0,
				len = n,
				i;

	if (n < 3 || is_constant(x, n) || !kpss_rejects(x, n))
		return 0;
	w = (double *) fc_alloc(sizeof(double) * n);
	memcpy(w, x, sizeof(double) * n);
	while (d < max_d)
	{
		d++;
		for (i = 0; i + 1 < len; i++)
			w[i] = w[i + 1] - w[i];
		len--;
		if (len < 3 || is_constant(w, len) || !kpss_rejects(w, len))
			break;
	}
	fc_free(w);
	return d;
}

/*
 * Seasonal strength max(0, 1 - var(remainder) / var(seasonal + remainder))
 * from a classical additive decomposition (centred moving average trend,
 * per-position mean seasonal indices).  0 for n < 2m or m < 2.
 */
double
fc_seasonal_strength(const double *x, int n, int m)
{
	double	   *trend,
			   *sidx;
	int		   *cnt;
	int			half = m / 2,
				t,
				j,
				lo,
				hi;
	double		sm = 0.0,
				mr = 0.0,
				ms = 0.0,
				vr = 0.0,
				vs = 0.0,
				res;
	int			nt = 0;

	if (m < 2 || n < 2 * m)
		return 0.0;
	trend = (double *) fc_alloc(sizeof(double) * (n + 2 * m));
	sidx = trend + n;
	cnt = (int *) fc_alloc(sizeof(int) * m);
	lo = half;
	hi = n - 1 - half;
	for (t = lo; t <= hi; t++)
	{
		double		acc = 0.0;

		if (m % 2 == 0)
		{
			acc = 0.5 * (x[t - half] + x[t + half]);
			for (j = -half + 1; j <= half - 1; j++)
				acc += x[t + j];
		}
		else
			for (j = -half; j <= half; j++)
				acc += x[t + j];
		trend[t] = acc / m;
	}
	for (j = 0; j < m; j++)
	{
		sidx[j] = 0.0;
		cnt[j] = 0;
	}
	for (t = lo; t <= hi; t++)
	{
		sidx[t % m] += x[t] - trend[t];
		cnt[t % m]++;
	}
	for (j = 0; j < m; j++)
	{
		sidx[j] = cnt[j] > 0 ? sidx[j] / cnt[j] : 0.0;
		sm += sidx[j];
	}
	sm /= m;
	for (t = lo; t <= hi; t++)
	{
		double		s = sidx[t % m] - sm;
		double		rr = x[t] - trend[t] - s;

		mr += rr;
		ms += rr + s;
		nt++;
	}
	mr /= nt;
	ms /= nt;
	for (t = lo; t <= hi; t++)
	{
		double		s = sidx[t % m] - sm;
		double		rr = x[t] - trend[t] - s;

		vr += (rr - mr) * (rr - mr);
		vs += (rr + s - ms) * (rr + s - ms);
	}
	fc_free(cnt);
	fc_free(trend);
	if (!(vs > 0.0))
		return 0.0;
	res = 1.0 - vr / vs;
	return res > 0.0 ? res : 0.0;
}

/* ------------------------------------------------------------------ */
/* automatic selection */

typedef struct Cand
{
	int			p,
				q,
				P,
				Q;
	bool		c;
	double		ic;
	CssMemo		css;			/* approximation: its CSS fit, for the refit */
} Cand;

typedef struct AutoCtx
{
	const double *y;
	int			n,
				d,
				D,
				m;
	bool		approx;
	int			max_eval;
	double	   *wbuf,
			   *tmp;
	Cand		cand[MAX_CAND];
	int			ncand;
	FcArimaModel best;			/* exact-ML mode: best model so far */
	bool		have_best;
	double		best_ic;
	int			bp,
				bq,
				bP,
				bQ;
	bool		bc;
} AutoCtx;

/* roots of every polynomial of modulus >= ROOT_MARGIN (seasonal: per m) */
static bool
model_roots_ok(const FcArimaModel *f)
{
	double		work[4 * (FC_ARIMA_MAX_PQ + 2)];
	double		ms = pow(ROOT_MARGIN, (double) f->spec.m);

	if (f->spec.p > 0 && !ar_roots_outside(f->phi, f->spec.p, ROOT_MARGIN, NULL, work))
		return false;
	if (f->spec.q > 0 && !ma_roots_outside(f->theta, f->spec.q, ROOT_MARGIN, work))
		return false;
	if (f->spec.P > 0 && !ar_roots_outside(f->Phi, f->spec.P, ms, NULL, work))
		return false;
	if (f->spec.Q > 0 && !ma_roots_outside(f->Theta, f->spec.Q, ms, work))
		return false;
	return true;
}

/* Has the seasonal MA polynomial a root within the margin (see above)? */
static bool
seasonal_ma_at_boundary(const FcArimaModel *f)
{
	double		work[4 * (FC_ARIMA_MAX_PQ + 2)];

	return f->spec.Q > 0 &&
		!ma_roots_outside(f->Theta, f->spec.Q, pow(ROOT_MARGIN, (double) f->spec.m), work);
}

static double
auto_try(AutoCtx *A, int p, int q, int P, int Q, bool c)
{
	FcArimaSpec s;
	FcArimaModel fit;
	FcStatus	st;
	double		ic = HUGE_VAL;
	int			i;

	for (i = 0; i < A->ncand; i++)
		if (A->cand[i].p == p && A->cand[i].q == q && A->cand[i].P == P &&
			A->cand[i].Q == Q && A->cand[i].c == c)
			return HUGE_VAL;	/* already tried: never an improvement */
	if (A->ncand >= MAX_CAND)
		return HUGE_VAL;
	fc_check_interrupts();
	s.p = p;
	s.d = A->d;
	s.q = q;
	s.P = P;
	s.D = A->D;
	s.Q = Q;
	s.m = A->m;
	s.constant = c;
	A->cand[A->ncand].css.have = false;
	st = fit_core(A->y, A->n, &s, NULL, 0, A->approx, A->approx, A->max_eval,
				  A->wbuf, A->tmp, A->approx ? &A->cand[A->ncand].css : NULL, &fit);
	if (st == FC_OK)
	{
		if (model_roots_ok(&fit) && isfinite(fit.aicc))
			ic = fit.aicc;
		if (!A->approx && ic < A->best_ic)
		{
			if (A->have_best)
				fc_arima_model_free(&A->best);
			A->best = fit;
			A->have_best = true;
		}
		else
			fc_arima_model_free(&fit);
	}
	A->cand[A->ncand].p = p;
	A->cand[A->ncand].q = q;
	A->cand[A->ncand].P = P;
	A->cand[A->ncand].Q = Q;
	A->cand[A->ncand].c = c;
	A->cand[A->ncand].ic = ic;
	A->ncand++;
	if (ic < A->best_ic)
	{
		A->best_ic = ic;
		A->bp = p;
		A->bq = q;
		A->bP = P;
		A->bQ = Q;
		A->bc = c;
	}
	return ic;
}

static void
constant_model(FcArimaModel *out, int n, double value, const double *y,
			   int d, int D, int m, bool c, double mu)
{
	FcArimaSpec s;

	memset(&s, 0, sizeof(s));
	s.d = d;
	s.D = D;
	s.m = m;
	s.constant = c;
	model_alloc(out, &s, n, 1);
	out->mu = c ? mu : 0.0;
	out->sigma2 = 0.0;
	out->loglik = out->aic = out->aicc = out->bic = NAN;
	out->nparam = c ? 1 : 0;
	out->state[0] = 0.0;
	out->pcov[0] = 0.0;			/* no uncertainty */
	out->resid = (double *) fc_alloc(sizeof(double) * (n > 0 ? n : 1));
	{
		int			i,
					nt = d + m * D;

		for (i = 0; i < n; i++)
			out->resid[i] = i < nt ? NAN : 0.0;
		for (i = 0; i < nt; i++)
			out->ytail[i] = y[n - nt + i];
	}
	(void) value;
}

FcStatus
fc_arima_auto(const double *y, int n, int m, const FcArimaControl *ctl,
			  FcArimaModel *out)
{
	FcArimaControl dflt;
	AutoCtx    *A;
	int			d,
				D,
				nw,
				maxp,
				maxq,
				maxP,
				maxQ,
				i;
	bool		allow_c;
	FcStatus	st = FC_OK;

	if (out == NULL || (y == NULL && n > 0))
		return FC_ERR_BAD_ARGUMENT;
	memset(out, 0, sizeof(*out));
	if (ctl == NULL)
	{
		fc_arima_control_init(&dflt);
		ctl = &dflt;
	}
	if (m < 1 || m > FC_ARIMA_MAX_M || ctl->max_p < 0 || ctl->max_q < 0 ||
		ctl->max_P < 0 || ctl->max_Q < 0 || ctl->max_d < 0 || ctl->max_D < 0 ||
		ctl->max_p > FC_ARIMA_MAX_PQ || ctl->max_q > FC_ARIMA_MAX_PQ ||
		ctl->max_P > FC_ARIMA_MAX_SPQ || ctl->max_Q > FC_ARIMA_MAX_SPQ ||
		ctl->max_d > FC_ARIMA_MAX_D || ctl->max_D > FC_ARIMA_MAX_SD ||
		ctl->fixed_d > FC_ARIMA_MAX_D || ctl->fixed_D > FC_ARIMA_MAX_SD)
		return FC_ERR_BAD_ARGUMENT;
	if (n < 1)
		return FC_ERR_TOO_SHORT;
	if (!all_finite(y, n))
		return FC_ERR_NONFINITE;

	if (is_constant(y, n))
	{
		constant_model(out, n, y[0], y, 0, 0, 1, true, y[0]);
		return FC_OK;
	}

	A = (AutoCtx *) fc_alloc(sizeof(AutoCtx));
	A->wbuf = (double *) fc_alloc(sizeof(double) * 2 * n);
	A->tmp = A->wbuf + n;
	A->y = y;
	A->n = n;

	/* seasonal differencing */
	if (m == 1)
		D = 0;
	else if (ctl->fixed_D >= 0)
		D = ctl->fixed_D;
	else
		D = (ctl->max_D > 0 && fc_seasonal_strength(y, n, m) > 0.64) ? 1 : 0;
	nw = difference(y, n, 0, D, m, A->wbuf, A->tmp);
	if (nw < 2 && D > 0 && ctl->fixed_D < 0)
	{
		D = 0;
		nw = difference(y, n, 0, 0, m, A->wbuf, A->tmp);
	}
	if (ctl->fixed_d >= 0)
		d = ctl->fixed_d;
	else
		d = fc_arima_ndiffs(A->wbuf, nw, ctl->max_d);
	nw = difference(y, n, d, D, m, A->wbuf, A->tmp);
	if (nw < 1)
	{
		fc_free(A->wbuf);
		fc_free(A);
		return FC_ERR_TOO_SHORT;
	}
	allow_c = ctl->allow_constant && d + D <= 1;
	if (is_constant(A->wbuf, nw))
	{
		bool		c = allow_c && A->wbuf[0] != 0.0;
		double		mu = A->wbuf[0] / ((d + D == 1 && D == 1) ? m : 1);

		constant_model(out, n, A->wbuf[0], y, d, D, m, c, mu);
		fc_free(A->wbuf);
		fc_free(A);
		return FC_OK;
	}

	A->d = d;
	A->D = D;
	A->m = m;
	A->approx = ctl->approximation < 0 ? (n > 150 || m > 12) : ctl->approximation > 0;
	A->max_eval = ctl->max_eval;
	A->best_ic = HUGE_VAL;
	maxp = ctl->max_p < n / 3 ? ctl->max_p : n / 3;
	maxq = ctl->max_q < n / 3 ? ctl->max_q : n / 3;
	maxP = m > 1 ? (ctl->max_P < n / 3 / m ? ctl->max_P : n / 3 / m) : 0;
	maxQ = m > 1 ? (ctl->max_Q < n / 3 / m ? ctl->max_Q : n / 3 / m) : 0;

	/* starting models */
	{
		int			p0 = maxp < 2 ? maxp : 2,
					q0 = maxq < 2 ? maxq : 2,
					P0 = maxP < 1 ? maxP : 1,
					Q0 = maxQ < 1 ? maxQ : 1;

		auto_try(A, p0, q0, P0, Q0, allow_c);
		auto_try(A, 0, 0, 0, 0, allow_c);
		if (maxp > 0 || maxP > 0)
			auto_try(A, maxp > 0 ? 1 : 0, 0, maxP > 0 ? 1 : 0, 0, allow_c);
		if (maxq > 0 || maxQ > 0)
			auto_try(A, 0, maxq > 0 ? 1 : 0, 0, maxQ > 0 ? 1 : 0, allow_c);
		if (allow_c)
			auto_try(A, 0, 0, 0, 0, false);
	}

	/* stepwise neighbourhood search, first improvement restarts the scan */
	{
		static const int moves[16][4] = {
			{0, 0, -1, 0}, {0, 0, 0, -1}, {0, 0, 1, 0}, {0, 0, 0, 1},
			{0, 0, -1, -1}, {0, 0, -1, 1}, {0, 0, 1, -1}, {0, 0, 1, 1},
			{-1, 0, 0, 0}, {0, -1, 0, 0}, {1, 0, 0, 0}, {0, 1, 0, 0},
			{-1, -1, 0, 0}, {-1, 1, 0, 0}, {1, -1, 0, 0}, {1, 1, 0, 0}
		};
		bool		improved = isfinite(A->best_ic);

		while (improved && A->ncand < 94)
		{
			improved = false;
			for (i = 0; i < 17 && !improved; i++)
			{
				int			p = A->bp,
							q = A->bq,
							P = A->bP,
							Q = A->bQ;
				bool		c = A->bc;
				double		before = A->best_ic;

				if (i < 16)
				{
					p += moves[i][0];
					q += moves[i][1];
					P += moves[i][2];
					Q += moves[i][3];
				}
				else
				{
					if (!allow_c)
						continue;
					c = !c;
				}
				if (p < 0 || q < 0 || P < 0 || Q < 0 || p > maxp || q > maxq ||
					P > maxP || Q > maxQ)
					continue;
				auto_try(A, p, q, P, Q, c);
				if (A->best_ic < before)
					improved = true;
			}
		}
	}

	if (!A->approx)
	{
		if (A->have_best)
			*out = A->best;
		else
			st = FC_ERR_NO_ADMISSIBLE_MODEL;
	}
	else
	{
		/*
		 * Refit by exact ML in order of the CSS criterion.  Unlike R, once
		 * an ML fit puts the seasonal MA at the invertibility boundary
		 * (Theta(B^m) with a root of modulus below ROOT_MARGIN), the
		 * candidates with a seasonal MA part and the same constant setting
		 * are not refitted: that root is the mark of a seasonal difference
		 * that removed a fixed seasonal pattern (Theta -> -1 cancels
		 * 1 - B^m), which the non-seasonal orders rarely change, and each
		 * such refit costs a full ML optimisation (large state, slow
		 * filter convergence) that mostly ends the same way.  The constant
		 * does change it (R's Seatbelts choice, (1,0,1)(0,1,1)[12], is
		 * invertible only without drift), hence one flag per setting.  On
		 * M4 hourly these refits were 77 % of the seasonal ARIMA search's
		 * time; see test/bench/README.md for what skipping them changed.
		 */
		bool		done = false,
					skip_seasonal_ma[2] = {false, false};	/* without, with constant */

		while (!done)
		{
			int			bi = -1;
			FcArimaSpec s;
			FcArimaModel fit;

			for (i = 0; i < A->ncand; i++)
				if (isfinite(A->cand[i].ic) &&
					!(skip_seasonal_ma[A->cand[i].c] && A->cand[i].Q > 0) &&
					(bi < 0 || A->cand[i].ic < A->cand[bi].ic))
					bi = i;
			if (bi < 0)
				break;
			fc_check_interrupts();
			s.p = A->cand[bi].p;
			s.q = A->cand[bi].q;
			s.P = A->cand[bi].P;
			s.Q = A->cand[bi].Q;
			s.d = d;
			s.D = D;
			s.m = m;
			s.constant = A->cand[bi].c;
			A->cand[bi].ic = HUGE_VAL;
			if (fit_core(y, n, &s, NULL, 0, false, false, A->max_eval, A->wbuf,
						 A->tmp, &A->cand[bi].css, &fit) == FC_OK)
			{
				if (model_roots_ok(&fit) && isfinite(fit.aicc))
				{
					*out = fit;
					done = true;
				}
				else
				{
					if (!ctl->refit_every_candidate && seasonal_ma_at_boundary(&fit))
						skip_seasonal_ma[s.constant] = true;
					fc_arima_model_free(&fit);
				}
			}
		}
		if (!done)
			st = FC_ERR_NO_ADMISSIBLE_MODEL;
	}
	if (st == FC_ERR_NO_ADMISSIBLE_MODEL)
	{
		/*
		 * Nothing with a finite AICc (very short series): take the first
		 * of (0,d,0)(0,D,0) with/without constant, (0,0,0) with mean that
		 * can be estimated at all.
		 */
		static const int fb[4][3] = {{1, 1, 1}, {1, 1, 0}, {0, 0, 1}, {0, 0, 0}};

		for (i = 0; i < 4 && st != FC_OK; i++)
		{
			FcArimaSpec s;

			memset(&s, 0, sizeof(s));
			s.d = fb[i][0] ? d : 0;
			s.D = fb[i][1] ? D : 0;
			s.m = m;
			s.constant = fb[i][2] && ctl->allow_constant && s.d + s.D <= 1;
			if (fb[i][2] && !s.constant)
				continue;
			if (fit_core(y, n, &s, NULL, 0, false, false, A->max_eval, A->wbuf,
						 A->tmp, NULL, out) == FC_OK)
				st = FC_OK;
		}
	}
	fc_free(A->wbuf);
	fc_free(A);
	return st;
}

/* ------------------------------------------------------------------ */
/* forecasting */

static double
qnorm_upper(double p)
{
	/* Acklam's rational approximation refined by one Newton step */
	static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
		-2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01,
	2.506628277459239e+00};
	static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
		-1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01};
	static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
		-2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00,
	2.938163982698783e+00};
	static const double dd[] = {7.784695709041462e-03, 3.224671290700398e-01,
	2.445134137142996e+00, 3.754408661907416e+00};
	double		q,
				r,
				x;

	if (p < 0.02425)
	{
		q = sqrt(-2 * log(p));
		x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
			((((dd[0] * q + dd[1]) * q + dd[2]) * q + dd[3]) * q + 1);
	}
	else if (p > 1 - 0.02425)
	{
		q = sqrt(-2 * log(1 - p));
		x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
			((((dd[0] * q + dd[1]) * q + dd[2]) * q + dd[3]) * q + 1);
	}
	else
	{
		q = p - 0.5;
		r = q * q;
		x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
			(((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
	}
	{
		double		e = 0.5 * erfc(-x / sqrt(2.0)) - p;
		double		u = e * sqrt(2.0 * M_PI) * exp(x * x / 2.0);

		x = x - u / (1.0 + x * u / 2.0);
	}
	return x;
}

FcStatus
fc_arima_forecast(const FcArimaModel *f, int h, double level,
				  double *mean, double *lo, double *hi)
{
	const FcArimaSpec *s;
	int			r,
				pf,
				qf,
				nt,
				i,
				j,
				k;
	double	   *mem,
			   *phif,
			   *thetaf,
			   *delta,
			   *psi,
			   *psis,
			   *a,
			   *g,
			   *G,
			   *yb;
	double		c,
				z = 0.0;
	size_t		sz;

	if (f == NULL || mean == NULL || h < 1 || h > FC_ARIMA_MAX_H || f->phi == NULL || f->state == NULL ||
		f->pcov == NULL || ((lo != NULL || hi != NULL) && !(level > 0.0 && level < 1.0)))
		return FC_ERR_BAD_ARGUMENT;
	s = &f->spec;
	if (check_spec(s) != FC_OK)
		return FC_ERR_BAD_ARGUMENT;
	pf = s->p + s->m * s->P;
	qf = s->q + s->m * s->Q;
	r = pf > qf + 1 ? pf : qf + 1;
	nt = s->d + s->m * s->D;
	if (r != f->r && !(f->r == 1 && pf == 0 && qf == 0))
		return FC_ERR_BAD_ARGUMENT;
	if (nt != f->ntail)
		return FC_ERR_BAD_ARGUMENT;
	if (f->ntail > 0 && f->ytail == NULL)
		return FC_ERR_BAD_ARGUMENT;
	sz = (size_t) (pf + 1) + (qf + 1) + (nt + 1) + 2 * (size_t) (h + 1) +
		(size_t) (r + 1) * 2 + (size_t) (nt + 1) * r + (nt + h + 1);
	mem = (double *) fc_alloc(sizeof(double) * sz);
	phif = mem;
	thetaf = phif + pf + 1;
	delta = thetaf + qf + 1;
	psi = delta + nt + 1;
	psis = psi + h + 1;
	a = psis + h + 1;
	g = a + r + 1;
	G = g + r + 1;				/* ring of the last nt + 1 vectors a_k, below */
	yb = G + (size_t) (nt + 1) * r;

	/* polynomials */
	for (i = 0; i <= s->p; i++)
		for (j = 0; j <= s->P; j++)
			phif[i + s->m * j] += (i == 0 ? 1.0 : -f->phi[i - 1]) *
				(j == 0 ? 1.0 : -f->Phi[j - 1]);
	for (i = 1; i <= pf; i++)
		phif[i] = -phif[i];
	phif[0] = 0.0;
	for (i = 0; i <= s->q; i++)
		for (j = 0; j <= s->Q; j++)
			thetaf[i + s->m * j] += (i == 0 ? 1.0 : f->theta[i - 1]) *
				(j == 0 ? 1.0 : f->Theta[j - 1]);
	diff_poly(s->d, s->D, s->m, delta);

	/* psi weights of the ARMA part */
	for (i = 0; i < h; i++)
	{
		double		acc = i == 0 ? 1.0 : (i <= qf ? thetaf[i] : 0.0);

		for (j = 1; j <= pf && j <= i; j++)
			acc += phif[j] * psi[i - j];
		psi[i] = acc;
	}
	/*
	 * Psi* = c conv psi.  c is the impulse response of 1/delta(B), so the
	 * convolution is the recursion y_i = x_i + sum_{j<=nt} delta_j y_{i-j}:
	 * O(h nt), not O(h^2).
	 */
	for (i = 0; i < h; i++)
	{
		double		acc = psi[i];

		for (j = 1; j <= nt && j <= i; j++)
			acc += delta[j] * psis[i - j];
		psis[i] = acc;
	}

	/* point forecasts */
	c = s->constant ? f->mu * ((s->d + s->D == 1 && s->D == 1) ? s->m : 1) : 0.0;
	if (s->d + s->D >= 2)
		c = 0.0;
	for (i = 0; i < r; i++)
		a[i] = f->state[i];
	for (i = 0; i < nt; i++)
		yb[i] = f->ytail[i];
	for (k = 0; k < h; k++)
	{
		double		wk = a[0] + c,
					yk = wk,
					x0 = a[0];

		for (j = 1; j <= nt; j++)
			yk += delta[j] * yb[nt + k - j];
		yb[nt + k] = yk;
		mean[k] = yk;
		for (i = 0; i + 1 < r; i++)
			a[i] = (i + 1 <= pf ? phif[i + 1] : 0.0) * x0 + a[i + 1];
		a[r - 1] = (r <= pf ? phif[r] : 0.0) * x0;
	}

	if (lo != NULL || hi != NULL)
	{
		double		psum = 0.0;

		z = qnorm_upper(0.5 + 0.5 * level);
		/*
		 * a_k = sum_{j<=k} c_{k-j} g_{j+1}, g_k the first column of the
		 * transition matrix's powers.  As for Psi*, the convolution with c
		 * runs as the recursion a_k = g_{k+1} + sum_{j<=nt} delta_j a_{k-j},
		 * keeping only the last nt + 1 vectors: O(h (r^2 + nt r)) time,
		 * O(nt r) memory, whatever the horizon.
		 */
		for (i = 0; i < r; i++)
			g[i] = i == 0 ? 1.0 : 0.0;
		for (k = 0; k < h; k++)
		{
			double		v = 0.0,
						g0 = 0.0;

			fc_check_interrupts();
			a = G + (size_t) (k % (nt + 1)) * r;
			memcpy(a, g, sizeof(double) * r);
			for (j = 1; j <= nt && j <= k; j++)
			{
				const double *aj = G + (size_t) ((k - j) % (nt + 1)) * r;

				if (delta[j] == 0.0)
					continue;
				for (i = 0; i < r; i++)
					a[i] += delta[j] * aj[i];
			}
			for (i = 0; i < r; i++)
				g0 += (i + 1 <= pf ? phif[i + 1] : 0.0) * g[i];
			for (i = r - 1; i >= 1; i--)
				g[i] = g[i - 1];
			g[0] = g0;
			for (i = 0; i < r; i++)
			{
				double		acc = 0.0;

				if (a[i] == 0.0)
					continue;
				for (j = 0; j < r; j++)
					acc += f->pcov[i * r + j] * a[j];
				v += a[i] * acc;
			}
			if (k >= 1)
				psum += psis[k - 1] * psis[k - 1];
			v = f->sigma2 * (v + psum);
			if (!(v >= 0.0))
				v = 0.0;
			if (lo)
				lo[k] = mean[k] - z * sqrt(v);
			if (hi)
				hi[k] = mean[k] + z * sqrt(v);
		}
	}
	fc_free(mem);
	for (k = 0; k < h; k++)
		if (!isfinite(mean[k]))
			return FC_ERR_NUMERICAL;
	return FC_OK;
}

void
fc_arima_name(const FcArimaModel *f, char *buf, size_t buflen)
{
	const FcArimaSpec *s = &f->spec;
	char		seas[64] = "";
	const char *cst = "";

	if (s->m > 1 && (s->P > 0 || s->D > 0 || s->Q > 0))
		snprintf(seas, sizeof(seas), "(%d,%d,%d)[%d]", s->P, s->D, s->Q, s->m);
	if (s->constant)
		cst = (s->d + s->D == 0) ? " with non-zero mean" : " with drift";
	snprintf(buf, buflen, "ARIMA(%d,%d,%d)%s%s", s->p, s->d, s->q, seas, cst);
}

/* ------------------------------------------------------------------ */
/* flat storage */

int
fc_arima_state_size(const FcArimaModel *f)
{
	const FcArimaSpec *s = &f->spec;

	return ARIMA_HEADER + s->p + s->q + s->P + s->Q + f->r +
		f->r * (f->r + 1) / 2 + f->ntail;
}

void
fc_arima_pack(const FcArimaModel *f, double *dst)
{
	const FcArimaSpec *s = &f->spec;
	double	   *o = dst;
	int			i,
				j;

	*o++ = FC_ARIMA_MAGIC;
	*o++ = FC_ARIMA_VERSION;
	*o++ = s->p;
	*o++ = s->d;
	*o++ = s->q;
	*o++ = s->P;
	*o++ = s->D;
	*o++ = s->Q;
	*o++ = s->m;
	*o++ = s->constant ? 1.0 : 0.0;
	*o++ = f->n;
	*o++ = f->mu;
	*o++ = f->sigma2;
	/*
	 * Criteria are informational (the model's params hold them too) and are
	 * undefined for a perfect fit; stored states must be finite numbers, so
	 * that the model's text form reads back.
	 */
	*o++ = isfinite(f->loglik) ? f->loglik : 0.0;
	*o++ = isfinite(f->aic) ? f->aic : 0.0;
	*o++ = isfinite(f->aicc) ? f->aicc : 0.0;
	*o++ = isfinite(f->bic) ? f->bic : 0.0;
	*o++ = f->css ? 1.0 : 0.0;
	for (i = 0; i < s->p; i++)
		*o++ = f->phi[i];
	for (i = 0; i < s->q; i++)
		*o++ = f->theta[i];
	for (i = 0; i < s->P; i++)
		*o++ = f->Phi[i];
	for (i = 0; i < s->Q; i++)
		*o++ = f->Theta[i];
	for (i = 0; i < f->r; i++)
		*o++ = f->state[i];
	for (i = 0; i < f->r; i++)
		for (j = i; j < f->r; j++)
		{
			/*
			 * A variance the filter has driven to zero can come out as
			 * -1e-16 by rounding; store it as the zero it is (unpack rejects
			 * negative variances).
			 */
			double		v = f->pcov[i * f->r + j];

			*o++ = (i == j && v < 0.0) ? 0.0 : v;
		}
	for (i = 0; i < f->ntail; i++)
		*o++ = f->ytail[i];
}

static bool
as_int(double v, int lo, int hi, int *out)
{
	if (!isfinite(v) || v != floor(v) || v < lo || v > hi)
		return false;
	*out = (int) v;
	return true;
}

FcStatus
fc_arima_unpack(const double *src, int len, FcArimaModel *out)
{
	FcArimaSpec s;
	int			cst,
				n,
				css,
				pf,
				qf,
				r,
				nt,
				i,
				j,
				need;
	const double *o;
	double		work[4 * (FC_ARIMA_MAX_PQ + 2)];

	if (out == NULL)
		return FC_ERR_BAD_ARGUMENT;
	memset(out, 0, sizeof(*out));
	if (src == NULL || len < ARIMA_HEADER || src[0] != FC_ARIMA_MAGIC ||
		src[1] != FC_ARIMA_VERSION)
		return FC_ERR_BAD_ARGUMENT;
	if (!as_int(src[2], 0, FC_ARIMA_MAX_PQ, &s.p) ||
		!as_int(src[3], 0, FC_ARIMA_MAX_D, &s.d) ||
		!as_int(src[4], 0, FC_ARIMA_MAX_PQ, &s.q) ||
		!as_int(src[5], 0, FC_ARIMA_MAX_SPQ, &s.P) ||
		!as_int(src[6], 0, FC_ARIMA_MAX_SD, &s.D) ||
		!as_int(src[7], 0, FC_ARIMA_MAX_SPQ, &s.Q) ||
		!as_int(src[8], 1, FC_ARIMA_MAX_M, &s.m) ||
		!as_int(src[9], 0, 1, &cst) ||
		!as_int(src[10], 0, 2147483647, &n) ||
		!as_int(src[17], 0, 1, &css))
		return FC_ERR_BAD_ARGUMENT;
	s.constant = cst == 1;
	if (check_spec(&s) != FC_OK || (s.constant && s.d + s.D >= 2))
		return FC_ERR_BAD_ARGUMENT;
	pf = s.p + s.m * s.P;
	qf = s.q + s.m * s.Q;
	r = pf > qf + 1 ? pf : qf + 1;
	nt = s.d + s.m * s.D;
	need = ARIMA_HEADER + s.p + s.q + s.P + s.Q + r + r * (r + 1) / 2 + nt;
	if (len != need)
		return FC_ERR_BAD_ARGUMENT;
	if (!isfinite(src[11]) || !isfinite(src[12]) || src[12] < 0.0)
		return FC_ERR_BAD_ARGUMENT;
	if (!all_finite(src + ARIMA_HEADER, len - ARIMA_HEADER))
		return FC_ERR_BAD_ARGUMENT;
	o = src + ARIMA_HEADER;
	if ((s.p > 0 && !ar_roots_outside(o, s.p, 1.0, NULL, work)) ||
		(s.q > 0 && !ma_roots_outside(o + s.p, s.q, 1.0, work)) ||
		(s.P > 0 && !ar_roots_outside(o + s.p + s.q, s.P, 1.0, NULL, work)) ||
		(s.Q > 0 && !ma_roots_outside(o + s.p + s.q + s.P, s.Q, 1.0, work)))
		return FC_ERR_BAD_ARGUMENT;
	{
		const double *pc = o + s.p + s.q + s.P + s.Q + r;
		int			idx = 0;

		/*
		 * Variances (relative to sigma2) must not be negative; rounding
		 * noise below FC_ARIMA_PCOV_ROUNDING, which models stored before
		 * fc_arima_pack cleaned it may hold, is read as zero.
		 */
		for (i = 0; i < r; i++)
			for (j = i; j < r; j++, idx++)
				if (i == j && !(pc[idx] >= -FC_ARIMA_PCOV_ROUNDING))
					return FC_ERR_BAD_ARGUMENT;
	}

	model_alloc(out, &s, n, r);
	out->mu = src[11];
	out->sigma2 = src[12];
	out->loglik = src[13];
	out->aic = src[14];
	out->aicc = src[15];
	out->bic = src[16];
	out->css = css == 1;
	out->nparam = s.p + s.q + s.P + s.Q + (s.constant ? 1 : 0);
	memcpy(out->phi, o, sizeof(double) * s.p);
	o += s.p;
	memcpy(out->theta, o, sizeof(double) * s.q);
	o += s.q;
	memcpy(out->Phi, o, sizeof(double) * s.P);
	o += s.P;
	memcpy(out->Theta, o, sizeof(double) * s.Q);
	o += s.Q;
	memcpy(out->state, o, sizeof(double) * r);
	o += r;
	for (i = 0; i < r; i++)
		for (j = i; j < r; j++)
		{
			double		v = *o++;

			if (i == j && v < 0.0)
				v = 0.0;
			out->pcov[i * r + j] = out->pcov[j * r + i] = v;
		}
	memcpy(out->ytail, o, sizeof(double) * nt);
	out->resid = NULL;
	return FC_OK;
}


