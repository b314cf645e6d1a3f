/*
 * arima.h
 *	  Seasonal ARIMA(p,d,q)(P,D,Q)m models: exact Gaussian maximum likelihood
 *	  through a state-space Kalman filter, automatic order selection in the
 *	  spirit of Hyndman & Khandakar (2008, JSS 27(3)), forecasts with
 *	  prediction intervals from the state-space form.
 *
 * Plain-array kernel: no fmgr, no Datums, memory from fc_alloc (fc_port.h),
 * no static mutable state (reentrant), fc_check_interrupts() in the outer
 * loops.
 *
 * Model.  With B the backshift operator,
 *	   phi(B) Phi(B^m) (w_t - c) = theta(B) Theta(B^m) e_t,   e_t ~ N(0, s2)
 *	   w_t = (1 - B)^d (1 - B^m)^D y_t
 * phi(B) = 1 - phi_1 B - ... - phi_p B^p, theta(B) = 1 + theta_1 B + ...
 * (R's sign conventions), likewise Phi and Theta in B^m.  The constant c
 * (spec.constant) is only allowed when d + D <= 1: with d + D = 0 it is the
 * mean of y (R's "intercept"); with d + D = 1 it is a linear drift of y,
 * reported per time step as R's "drift" (c = drift for d = 1, c = m * drift
 * for D = 1).  A constant asked for with d + D >= 2 is dropped (as R's
 * Arima drops the drift); out->spec.constant then reads false.
 *
 * Estimation (fc_arima_fit): the differenced series w (n - d - mD values)
 * is fitted by conditional sum of squares (CSS) for starting values, then
 * by exact Gaussian likelihood (Kalman filter in Harvey's state-space form,
 * stationary initial state covariance, Gardner, Harvey & Phillips 1980),
 * maximised by BFGS.  The constant is concentrated out (GLS given the ARMA
 * coefficients) and s2 too, so the optimiser only sees the ARMA
 * coefficients.  Stationarity and invertibility are enforced by optimising
 * partial autocorrelations tanh(u) (Jones 1980) of each of the four
 * polynomials.  The log-likelihood, s2, AIC/AICc/BIC are those R's
 * arima()/Arima() report (s2 = sum of squared standardised innovations /
 * (n - d - mD); nparam counts the coefficients and the constant;
 * aic = -2 loglik + 2 (nparam + 1)).
 *
 * Automatic selection (fc_arima_auto): D from a seasonal-strength test
 * (classical decomposition, strength > 0.64), d from repeated KPSS level
 * tests at 5% (Kwiatkowski et al. 1992, Newey-West lag
 * trunc(3 sqrt(n) / 13)), then the stepwise search of Hyndman & Khandakar
 * on AICc: orders p,q <= 5, P,Q <= 2 (like R's stepwise search, no bound
 * on p+q+P+Q; max_order is kept for a future exhaustive search), starting
 * from (2,d,2)(1,D,1), constant when d + D <= 1; models whose AR or MA polynomial has a root of modulus below
 * 1.01 are rejected.  For long series (n > 150 or m > 12) the search ranks
 * models by their CSS fit and only the chosen one is refitted by exact ML
 * (the next best if that fails), as R's auto.arima(approximation = TRUE),
 * with one difference: once a refit leaves the seasonal MA at the
 * invertibility boundary, the further candidates with a seasonal MA part
 * and the same constant setting are passed over (arima.c says why).
 */
#ifndef FC_ARIMA_H
#define FC_ARIMA_H

#include "fc_port.h"

/* Limits on orders accepted by fc_arima_fit (FC_ERR_BAD_ARGUMENT beyond). */
#define FC_ARIMA_MAX_PQ		20	/* p, q */
#define FC_ARIMA_MAX_SPQ	5	/* P, Q */
#define FC_ARIMA_MAX_D		3	/* d */
#define FC_ARIMA_MAX_SD		2	/* D */
#define FC_ARIMA_MAX_M		10000	/* m */
#define FC_ARIMA_MAX_H		10000000	/* forecast horizon (forecastin.max_horizon's top) */

typedef struct FcArimaSpec
{
	int			p,
				d,
				q;
	int			P,
				D,
				Q,
				m;				/* season length; 1 = non-seasonal (then P = D =
								 * Q = 0 is required) */
	bool		constant;		/* mean (d + D = 0) or drift (d + D = 1) */
} FcArimaSpec;

typedef struct FcArimaControl
{
	/* fc_arima_auto: search space (defaults as R's auto.arima) */
	int			max_p,			/* 5 */
				max_q,			/* 5 */
				max_P,			/* 2 */
				max_Q,			/* 2 */
				max_order,		/* 5: p + q + P + Q */
				max_d,			/* 2 */
				max_D;			/* 1 */
	int			fixed_d;		/* >= 0: use this d instead of KPSS; -1 test */
	int			fixed_D;		/* >= 0: use this D instead of the seasonal
								 * test; -1 test */
	bool		allow_constant; /* true: consider mean/drift */
	int			approximation;	/* -1: auto (n > 150 or m > 12); 0 exact ML
								 * in the search; 1 CSS in the search */
	bool		refit_every_candidate;	/* with CSS in the search: refit by ML
										 * down the ranking until one passes,
										 * as R does (false, the default:
										 * pass over seasonal-MA candidates
										 * after one ends at the boundary) */
	/*
	 * fc_arima_fit: fixed coefficients, NULL or nfixed = p+q+P+Q+constant
	 * values in the order phi_1..phi_p, theta_1..theta_q, Phi_1..Phi_P,
	 * Theta_1..Theta_Q, constant (R's order of coef()); NaN = estimate.
	 * Fixed AR/MA values that make a polynomial non-stationary /
	 * non-invertible give FC_ERR_BAD_ARGUMENT (when all of that polynomial
	 * is fixed; with a mix, when no admissible start exists).
	 */
	const double *fixed;
	int			nfixed;
	bool		css_only;		/* fc_arima_fit: stop after CSS (then loglik
								 * etc. are CSS-based, as R's method="CSS",
								 * the first p + mP residuals are NaN too,
								 * and CSS estimates outside the stationary
								 * region give FC_ERR_NUMERICAL) */
	int			max_eval;		/* optimiser evaluations per fit; 0 = default */
} FcArimaControl;

extern void fc_arima_control_init(FcArimaControl *ctl);

typedef struct FcArimaModel
{
	FcArimaSpec spec;
	double	   *phi,			/* p, q, P, Q coefficients (fc_alloc'ed) */
			   *theta,
			   *Phi,
			   *Theta;
	double		mu;				/* d + D = 0: mean; d + D = 1: drift per time
								 * step (as R's coef "intercept"/"drift");
								 * 0 without constant */
	double		sigma2;			/* innovation variance (ML, R's sigma2) */
	double		loglik,
				aic,
				aicc,
				bic;
	int			n;				/* observations */
	int			nparam;			/* p+q+P+Q+constant (sigma2 not counted) */
	bool		css;			/* fitted by CSS only */
	/* what forecasting needs */
	int			r;				/* state dimension max(p+mP, q+mQ+1) */
	double	   *state;			/* r: predicted state a_{n+1|n} of w - c */
	double	   *pcov;			/* r*r: its covariance / sigma2 */
	int			ntail;			/* d + m D */
	double	   *ytail;			/* last ntail observations (oldest first) */
	double	   *resid;			/* n one-step residuals y_t - yhat_t; NaN for
								 * the first d + mD (and NULL after unpack) */
} FcArimaModel;

/*
 * Fit one specification.  y: n finite values (FC_ERR_NONFINITE otherwise).
 * FC_ERR_BAD_ARGUMENT: impossible orders (negative, beyond the limits
 * above, seasonal parts with m = 1), bad fixed values.
 * FC_ERR_TOO_SHORT: fewer than nparam + 2 differenced values.
 * A differenced series that is exactly constant is fitted with sigma2 = 0
 * (loglik = +Inf, aic/aicc/bic = -Inf): a perfect fit.
 * On FC_OK, *out owns memory: release with fc_arima_model_free.
 */
extern FcStatus fc_arima_fit(const double *y, int n, const FcArimaSpec *spec,
							 const FcArimaControl *ctl, FcArimaModel *out);

/*
 * Automatic ARIMA (see the top of this file).  m >= 1 is the season length.
 * A constant series (any n >= 1, including all zeros and a single value)
 * gives ARIMA(0,0,0) with mean = that value and sigma2 = 0 (loglik, aic,
 * aicc, bic NaN): flat forecasts with zero-width intervals, as R's
 * auto.arima.  n = 0: FC_ERR_TOO_SHORT; non-finite y: FC_ERR_NONFINITE.
 */
extern FcStatus fc_arima_auto(const double *y, int n, int m,
							  const FcArimaControl *ctl, FcArimaModel *out);

/*
 * Point forecasts and prediction intervals (0 < level < 1, Gaussian) for
 * steps 1..h (1 <= h <= FC_ARIMA_MAX_H; O(h (r^2 + nt r)) time, scratch
 * memory O(h + nt r)) into caller-allocated mean/lo/hi (lo, hi may be NULL).  The
 * forecast variance is exact for the state-space form (state uncertainty at
 * n included), as R's predict.Arima.
 */
extern FcStatus fc_arima_forecast(const FcArimaModel *model, int h, double level,
								  double *mean, double *lo, double *hi);

extern void fc_arima_model_free(FcArimaModel *model);

/* "ARIMA(p,d,q)(P,D,Q)[m] with drift" etc. into buf. */
extern void fc_arima_name(const FcArimaModel *model, char *buf, size_t buflen);

/*
 * Flat storage.  Layout (all doubles): magic, version, p, d, q, P, D, Q, m,
 * constant, n, mu, sigma2, loglik, aic, aicc, bic, css, then phi[p],
 * theta[q], Phi[P], Theta[Q], state[r], the upper triangle of pcov row by
 * row (r(r+1)/2), ytail[d + mD].  Residuals are not stored.
 * fc_arima_unpack checks the magic, the exact length, integer orders within
 * the limits, finiteness, sigma2 >= 0, stationarity/invertibility and a
 * non-negative diagonal of pcov: FC_ERR_BAD_ARGUMENT otherwise.
 */
extern int	fc_arima_state_size(const FcArimaModel *model);
extern void fc_arima_pack(const FcArimaModel *model, double *dst);
extern FcStatus fc_arima_unpack(const double *src, int len, FcArimaModel *out);

/* internal helpers exposed for the unit tests */
extern double fc_kpss_stat(const double *x, int n, int lags);
extern int	fc_arima_ndiffs(const double *x, int n, int max_d);
extern double fc_seasonal_strength(const double *x, int n, int m);

#endif							/* FC_ARIMA_H */
