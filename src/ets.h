/*
 * ets.h
 *	  Exponential smoothing state-space models (the ETS taxonomy of Hyndman,
 *	  Koehler, Ord & Snyder, "Forecasting with Exponential Smoothing", 2008).
 *
 * Plain-array kernel: no fmgr, no Datums.  Memory from fc_alloc (fc_port.h).
 *
 * A form is error x trend x season:
 *	 error	A (additive) or M (multiplicative)
 *	 trend	N, A, or A with damping (damped = true)
 *	 season N, A or M
 * Multiplicative trend is not offered (it forecasts badly and R's
 * forecast::ets excludes it by default).  Additive error with
 * multiplicative season is numerically unstable and is rejected.
 */
#ifndef FC_ETS_H
#define FC_ETS_H

#include "fc_port.h"

typedef struct FcEtsForm
{
	char		error;			/* 'A' or 'M' */
	char		trend;			/* 'N' or 'A' */
	bool		damped;			/* only with trend 'A' */
	char		season;			/* 'N', 'A' or 'M' */
} FcEtsForm;

/*
 * What to fit.  For fc_ets_fit_form only `fixed_*` and max_iter are read;
 * for fc_ets_auto the allow_* masks restrict the candidate forms.
 * A fixed parameter is used as given when it is not NaN, estimated otherwise
 * (and ignored by forms without that component).  Fixed values must lie in
 * 0 <= alpha <= 1, 0 <= beta <= alpha, 0 <= gamma <= 1 - alpha,
 * 0 < phi <= 1 (else FC_ERR_BAD_ARGUMENT); estimated ones are kept in R's
 * region: 1e-4 <= alpha <= 0.9999, 1e-4 <= beta <= alpha,
 * 1e-4 <= gamma <= 1 - alpha, 0.8 <= phi <= 0.98, plus admissibility.
 */
typedef struct FcEtsControl
{
	bool		allow_mul_error;	/* default true (needs y > 0) */
	bool		allow_damped;		/* default true */
	bool		allow_trend;		/* default true */
	bool		allow_season;		/* default true (needs m > 1) */
	bool		allow_mul_season;	/* default true (needs y > 0) */
	bool		allow_mul_error_trend_season;	/* default false: see below */
	double		fixed_alpha;
	double		fixed_beta;
	double		fixed_gamma;
	double		fixed_phi;
	int			max_iter;			/* optimizer budget per form and start, in
									 * objective+gradient evaluations; 0 =
									 * default (100 per estimated value + 400) */
} FcEtsControl;

/*
 * allow_mul_error_trend_season: whether fc_ets_auto also tries M,A,A and
 * M,A,M (multiplicative error, undamped additive trend, a season).  R's
 * ets(model = "ZZZ") does; we do not by default.  Fitted by exact maximum
 * likelihood (which R's optimiser usually fails to reach on long seasonal
 * series) these forms often end at alpha ~ 1, beta ~ 0 with a slope state
 * that acts as an extra, level-independent seasonal term in the one-step
 * forecasts; extrapolated over the horizon it becomes a spurious drift.  On
 * M4 Hourly including them costs OWA 1.012 against 0.799 without (R: 0.852);
 * on the tourism quarterly data it makes no difference.
 */

/* Fill *ctl with the defaults above (all fixed_* NaN). */
extern void fc_ets_control_init(FcEtsControl *ctl);

/*
 * A fitted model: parameters, final states and fit statistics.
 * season[] has m entries and is owned by the struct (fc_alloc'ed);
 * season[j] is the seasonal state that applies to step n+1+j (so
 * season[0] is used for the first forecast step).
 */
typedef struct FcEtsModel
{
	FcEtsForm	form;
	int			m;				/* season length; 1 when season == 'N' */
	int			n;				/* observations used */
	double		alpha,
				beta,
				gamma,
				phi;			/* unused ones are 0 (phi 1 when not damped) */
	double		level;			/* l_n */
	double		slope;			/* b_n (0 when trend == 'N') */
	double	   *season;			/* m final seasonal states, see above */
	double		init_level;		/* estimated l_0, b_0 (for reporting) */
	double		init_slope;
	double		sigma2;			/* innovation variance as R: sum e_t^2 /
								 * (n - nparam), e_t relative for M error */
	double		loglik;			/* -0.5 * lik, lik as R's ets (see ets.c);
								 * aic = -2 loglik + 2 (nparam + 1), etc. */
	double		aic,
				aicc,
				bic;
	double		mse;			/* in-sample one-step mean squared error */
	double	   *resid;			/* n one-step residuals y_t - yhat_t in the
								 * data's units (fc_alloc'ed; for M error
								 * y_t e_t / (1 + e_t)) */
	int			nparam;			/* estimated parameters incl. initial states */
} FcEtsModel;

/* Fit one given form, estimating parameters and initial states by ML. */
extern FcStatus fc_ets_fit_form(const double *y, int n, int m, FcEtsForm form,
								const FcEtsControl *ctl, FcEtsModel *out);

/* At most this many forms are candidates (error x trend x season). */
#define FC_ETS_MAX_FORMS 18

/*
 * Fit every admissible candidate form that ctl allows: fits[] (room for
 * FC_ETS_MAX_FORMS) receives *nfits models, in the order season N, A, M;
 * error A, M; trend N, A, Ad.  The caller frees each.  Returns
 * FC_ERR_TOO_SHORT or FC_ERR_NO_ADMISSIBLE_MODEL when none fit.
 */
extern FcStatus fc_ets_fit_candidates(const double *y, int n, int m,
									  const FcEtsControl *ctl,
									  FcEtsModel *fits, int *nfits);

/*
 * Fit every admissible candidate form and keep the one with the smallest
 * AICc (automatic ETS).  Returns FC_ERR_NO_ADMISSIBLE_MODEL when none fit.
 */
extern FcStatus fc_ets_auto(const double *y, int n, int m,
							const FcEtsControl *ctl, FcEtsModel *out);

/*
 * Point forecasts and prediction intervals at `level` (0 < level < 1) for
 * steps 1..h into mean[], lo[], hi[] (caller-allocated, h entries each;
 * lo and hi may both be NULL for point forecasts only).
 * Analytic variances where the model class has them, simulation otherwise
 * (deterministic: seeded from `seed`).  Every form offered here (classes
 * 1-3 of Hyndman et al. 2008, ch. 6) has analytic moments, so `seed` is
 * currently unused.  For the M,*,M forms mean[] is the exact forecast mean,
 * which beyond one season is slightly above the recursion's point forecast
 * (as R's forecast.ets reports it); intervals are mean +- z sqrt(variance).
 */
extern FcStatus fc_ets_forecast(const FcEtsModel *fit, int h, double level,
								uint64_t seed,
								double *mean, double *lo, double *hi);

/* Release fit->season (the only owned memory); safe to call twice. */
extern void fc_ets_model_free(FcEtsModel *fit);

/* Short name such as "ETS(M,Ad,M)" into buf (at least 16 bytes). */
extern void fc_ets_form_name(FcEtsForm form, char *buf, size_t buflen);

/*
 * Smallest n for which the form can be estimated with season length m:
 * n > (number of estimated values) + 4, as R's ets (it counts alpha, l0,
 * beta and b0 with a trend, phi when damped, gamma and m - 1 seasonal
 * states with a season).  Shorter series give FC_ERR_TOO_SHORT (fit_form)
 * or make fc_ets_auto skip the form.
 */
extern int	fc_ets_min_length(FcEtsForm form, int m);

#endif							/* FC_ETS_H */
