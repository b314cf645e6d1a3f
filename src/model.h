/*
 * model.h
 *	  forecastin.model: a fitted model as a flat varlena.
 *
 * Layout version FC_MODEL_VERSION.  Stored models must keep working after
 * an upgrade: a new release that changes the layout bumps the version and
 * teaches fc_model_detoast() to read every older one.  Never reorder or
 * reuse fields; append.
 *
 * states[] by method:
 *	 naive, drift		[y_n]
 *	 snaive				[y_{n-m+1}, ..., y_n]
 *	 mean				[]						 (mean in params)
 *	 theta				the theta kernel's packed model (theta.h)
 *	 arima				the ARIMA kernel's packed model (arima.h)
 *	 ensemble, mstl		members packed as sub-models (composite.h)
 *	 croston/sba/tsb/adida	the intermittent kernel's packed model
 *	 knn				the analog kernel's packed model (knn.h)
 *	 ses/holt/damped/hw/ets
 *						[l_n, b_n, s_{n+1}, ..., s_{n+m}] (m seasonal states
 *						 only when the form is seasonal)
 *
 * After the states come nresid (= n) one-step in-sample residuals
 * y_t - yhat_t, NaN where the method has none (the first m of snaive), so
 * forecastin.residuals() can feed reconciliation from stored models.  knn
 * has no one-step forecast: its residuals are the errors of in-sample
 * forecasts one cycle ahead (knn.h).
 */
#ifndef FC_MODEL_H
#define FC_MODEL_H

#include "postgres.h"
#include "fmgr.h"

#include "timeaxis.h"

#define FC_MODEL_VERSION 1

/* Indexes into FcModel.params; append only. */
typedef enum FcParam
{
	FC_P_ALPHA = 0,
	FC_P_BETA,
	FC_P_GAMMA,
	FC_P_PHI,
	FC_P_SIGMA2,
	FC_P_LOGLIK,
	FC_P_AIC,
	FC_P_AICC,
	FC_P_BIC,
	FC_P_MSE,
	FC_P_INIT_LEVEL,
	FC_P_INIT_SLOPE,
	FC_P_MEAN,
	FC_P_SLOPE,
	FC_P_SEASON_TEST,			/* |r_m| / critical value of the ACF test */
	FC_P_DEMAND_CLASS,			/* FcDemandClass code, NaN when y has negatives */
	FC_P_THETA,					/* theta coefficient (theta methods) */
	FC_P_ADI,					/* average demand interval */
	FC_P_CV2,					/* squared coefficient of variation of demand sizes */
	FC_NPARAMS
} FcParam;

typedef enum FcPeriodSource
{
	FC_PERIOD_NONE = 0,			/* integer axis, no calendar: period 1 */
	FC_PERIOD_OPTION = 1,		/* given in options */
	FC_PERIOD_DETECTED = 2,		/* natural period, ACF test significant */
	FC_PERIOD_REJECTED = 3,		/* natural period, ACF test not significant */
	FC_PERIOD_TOO_SHORT = 4,	/* natural period, fewer than 3 cycles */
	FC_PERIOD_NO_CANDIDATE = 5	/* step with no usual period (e.g. yearly) */
} FcPeriodSource;

typedef enum FcFallback
{
	FC_FALLBACK_NONE = 0,
	FC_FALLBACK_SHORT_SEASONAL = 1, /* too short for seasonal: dropped the season */
	FC_FALLBACK_SHORT = 2,		/* too short for the method: simpler method */
	FC_FALLBACK_LONG_PERIOD = 3,	/* period above what ETS estimates */
	FC_FALLBACK_NONPOSITIVE = 4,	/* multiplicative needs y > 0 */
	FC_FALLBACK_FAILED = 5		/* estimation failed: simpler method */
} FcFallback;

typedef struct FcModel
{
	int32		vl_len_;		/* varlena header (do not touch directly) */
	uint8		version;		/* FC_MODEL_VERSION */
	uint8		method;			/* FcMethod fitted */
	uint8		requested;		/* FcMethod asked for */
	uint8		time_kind;		/* FcTimeKind of the fit's t column */
	uint8		step_unit;		/* FcStepUnit */
	uint8		period_source;	/* FcPeriodSource */
	uint8		fallback;		/* FcFallback */
	uint8		missing_policy; /* FcMissingPolicy used */
	char		ets_error;		/* 'A'/'M', or 0 for non-ETS methods */
	char		ets_trend;		/* 'N'/'A' */
	char		ets_season;		/* 'N'/'A'/'M' */
	uint8		ets_damped;		/* 0/1 */
	int32		period;			/* seasonal period used, 1 = none */
	int32		detected_period;	/* candidate period examined, 0 = none */
	int32		n;				/* points on the grid */
	int32		n_missing;		/* of which filled in */
	int32		nparam;			/* estimated parameters (information criteria) */
	int32		anchor_day;		/* FC_STEP_MONTH: day of month, 0 = last */
	int32		nstates;
	int32		nresid;			/* in-sample residuals stored after states: n or 0 */
	int64		step;			/* grid step in step_unit */
	int64		t_first;		/* first grid time (kind units, see timeaxis.h) */
	int64		tod_usec;		/* timestamptz on day grid: local time of day */
	double		params[FC_NPARAMS];
	double		states[FLEXIBLE_ARRAY_MEMBER];
} FcModel;

#define FC_MODEL_SIZE(nstates, nresid) \
	(offsetof(FcModel, states) + sizeof(double) * ((nstates) + (nresid)))
/* One-step in-sample residuals y_t - yhat_t (NaN where undefined). */
#define FC_MODEL_RESID(m) (&(m)->states[(m)->nstates])

#define DatumGetFcModelP(X)	((FcModel *) fc_model_detoast(X))
#define PG_GETARG_FCMODEL_P(n) DatumGetFcModelP(PG_GETARG_DATUM(n))

extern FcModel *fc_model_alloc(int nstates);
extern FcModel *fc_model_add_residuals(FcModel *m, const double *resid, int n);
extern FcModel *fc_model_detoast(Datum d);
extern void fc_model_axis(const FcModel *m, FcTimeAxis *axis);
extern int	fc_model_expected_states(const FcModel *m);
extern void fc_model_check(const FcModel *m);	/* ERRORs on a forged model */
extern void fc_model_form_name(const FcModel *m, char *buf, size_t len);
extern const char *fc_model_fallback_reason(const FcModel *m, char *buf, size_t len);
extern const char *fc_period_source_text(const FcModel *m, char *buf, size_t len);

/* Sub-models of composite methods (ensemble, mstl), packed into states[]. */
extern int	fc_submodel_size(const FcModel *sub);
extern void fc_submodel_pack(const FcModel *sub, double *dst);
extern FcModel *fc_submodel_unpack(const FcModel *parent, const double *src, int avail,
								   bool allow_composite, bool validate, int *used);

#endif							/* FC_MODEL_H */
