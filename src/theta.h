/*
 * theta.h
 *	  The Theta method (Assimakopoulos & Nikolopoulos 2000) in two variants:
 *
 *	  FC_THETA_STANDARD  the M3/M4 benchmark as Hyndman & Billah (2003) show
 *		it to be: simple exponential smoothing (SES) with a drift equal to
 *		half the slope B of the least-squares line through the
 *		(seasonally adjusted) series,
 *		  yhat_{n+h} = l_n + (B/2) (h - 1 + (1 - (1 - alpha)^n) / alpha),
 *		with alpha and the initial level l_0 estimated by minimising the SES
 *		in-sample squared one-step errors (maximum likelihood of ETS(A,N,N)),
 *		the same model R's forecast::thetaf fits.
 *
 *	  FC_THETA_OPTIMISED  the optimised theta model (OTM) of Fiorucci,
 *		Pellegrini, Louzada, Petropoulos & Koehler (2016), "Models for
 *		optimising the theta method and their relationship to state space
 *		models", IJF 32, 1151-1161:
 *		  y_t	= mu_t + e_t
 *		  mu_t	= l_{t-1} + (1 - 1/theta) ((1-alpha)^{t-1} A + (1 - (1-alpha)^t) / alpha B)
 *		  l_t	= alpha y_t + (1 - alpha) l_{t-1}
 *		with A, B the intercept and slope of the least-squares line through
 *		y_1..y_n (t = 1..n), and theta >= 1, alpha and l_0 chosen by minimising
 *		the in-sample mean squared one-step error.  theta = 2 is close to
 *		(not identical with) the standard method; theta = 1 is SES.
 *		Forecast: l_n + (1 - 1/theta) ((1-alpha)^n A + (h - 1 + (1 - (1-alpha)^{n+1}) / alpha) B).
 *
 * Seasonality (both variants): when m > 1 and the M4 90% autocorrelation test
 * (season.h, needs n >= 3m) says seasonal and every y > 0, the series is
 * adjusted by classical multiplicative decomposition (R's decompose(type =
 * "multiplicative")): centred moving average of order m (2 x m for even m),
 * per-season means of y / trend normalised to mean 1.  Forecasts are
 * multiplied back by the indices continuing the seasonal cycle.  As R's
 * thetaf, the adjustment is skipped if an index is below 1e-4.  Note: R's
 * thetaf runs the test already for n > 2m (and with qnorm(0.95) = 1.64485
 * instead of 1.645); we follow the M4 benchmark (n >= 3m).
 *
 * Prediction intervals (as R's thetaf): from the SES state-space model,
 * mean +- z sigma sqrt(1 + (h-1) alpha^2), where mean is the reseasonalised
 * point forecast and sigma is in seasonally adjusted units (R's thetaf does
 * not rescale the width by the seasonal index; neither do we).  sigma2 is
 * the innovation variance of the fitted model: for the standard variant the
 * SES errors (without the drift, as R), SSE / (n - 2); for the optimised
 * variant its own errors, SSE / (n - 3) (one less per fixed parameter).
 *
 * Short series (standard variant, n <= FC_THETA_SHORT = 6): like R's ses(),
 * which then fits a simpler model, l_0 is fixed at the first (adjusted)
 * observation, alpha is searched in [0, 1] (0 taken as 1e-10) and
 * sigma2 = SSE / n.
 *
 * Plain-array kernel: no fmgr; memory from fc_alloc, no static state.
 */
#ifndef FC_THETA_H
#define FC_THETA_H

#include "fc_port.h"

typedef enum FcThetaVariant
{
	FC_THETA_STANDARD = 0,
	FC_THETA_OPTIMISED = 1
} FcThetaVariant;

typedef enum FcThetaSeason
{
	FC_THETA_SEASON_TEST = 0,	/* decompose when the 90% test says so */
	FC_THETA_SEASON_NONE = 1,	/* never decompose */
	FC_THETA_SEASON_FORCE = 2	/* decompose whenever possible (m > 1,
								 * n >= 2m, y > 0) */
} FcThetaSeason;

typedef struct FcThetaControl
{
	FcThetaVariant variant;		/* default FC_THETA_STANDARD */
	FcThetaSeason season;		/* default FC_THETA_SEASON_TEST */
	double		fixed_alpha;	/* NaN (default): estimated in
								 * [1e-4, 0.9999]; else used as given, must
								 * be in (0, 1] */
	double		fixed_theta;	/* optimised variant only: NaN (default)
								 * estimated in [1, 1e6), else >= 1 */
} FcThetaControl;

extern void fc_theta_control_init(FcThetaControl *ctl);

/*
 * A fitted Theta model.  season[] (m entries, fc_alloc'ed, owned) holds the
 * multiplicative indices for forecast steps: season[j] applies to steps
 * h with (h - 1) mod m == j.  It is NULL when seasonal is false.
 */
typedef struct FcThetaModel
{
	FcThetaVariant variant;
	int			n;				/* observations used */
	int			m;				/* season length given (>= 1) */
	bool		seasonal;		/* series was seasonally adjusted */
	double		alpha;			/* smoothing parameter */
	double		theta;			/* 2 for the standard variant */
	double		level;			/* l_n (seasonally adjusted units) */
	double		init_level;		/* l_0 */
	double		intercept;		/* A, B: least-squares line A + B t through */
	double		slope;			/* the adjusted series, t = 1..n */
	double		sigma2;			/* innovation variance, see above */
	double		mse;			/* in-sample mean squared one-step error of
								 * the fitted model (adjusted units) */
	double	   *season;			/* m indices or NULL */
} FcThetaModel;

/* Minimum length: 3 (two would leave SES no degrees of freedom). */
#define FC_THETA_MIN_LENGTH 3
#define FC_THETA_SHORT 6

/*
 * Fit.  y must be finite (FC_ERR_NONFINITE), n >= FC_THETA_MIN_LENGTH
 * (FC_ERR_TOO_SHORT), m >= 1 (FC_ERR_BAD_ARGUMENT).  resid, when not NULL,
 * receives n one-step in-sample residuals y_t - yhat_t in the data's units,
 * where yhat_t is the model's own forecast of y_t from origin t-1
 * (including the drift term and the seasonal index); resid[0] is the error
 * of the one-step forecast l_0 (+ drift term) and always defined.  (R's
 * thetaf reports SES residuals without the drift instead.)
 */
extern FcStatus fc_theta_fit(const double *y, int n, int m,
							 const FcThetaControl *ctl, FcThetaModel *out,
							 double *resid);

/*
 * Point forecasts for steps 1..h into mean[]; lo/hi (both NULL or both
 * given) receive the interval at level (0 < level < 1).  Intervals are NaN
 * when sigma2 is (cannot happen for a fitted model with n >= 3).
 */
extern FcStatus fc_theta_forecast(const FcThetaModel *fit, int h, double level,
								  double *mean, double *lo, double *hi);

extern void fc_theta_model_free(FcThetaModel *fit);

/*
 * Flat storage: fc_theta_state_size() doubles; fc_theta_pack writes them,
 * fc_theta_unpack checks every field (tag, version, ranges, length) and
 * returns FC_ERR_BAD_ARGUMENT on any inconsistency, allocating out->season
 * only on success.
 */
extern int	fc_theta_state_size(const FcThetaModel *fit);
extern void fc_theta_pack(const FcThetaModel *fit, double *dst);
extern FcStatus fc_theta_unpack(const double *src, int len, FcThetaModel *out);

/*
 * Classical multiplicative decomposition indices (as R's decompose): idx[t]
 * for t = 0..n-1 (the index of observation t).  Needs m >= 2, n >= 2m and
 * y > 0; returns FC_ERR_TOO_SHORT / FC_ERR_NONPOSITIVE otherwise.
 */
extern FcStatus fc_theta_mult_indices(const double *y, int n, int m,
								  double *idx);

#endif							/* FC_THETA_H */
