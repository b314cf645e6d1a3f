/*
 * intermittent.h
 *	  Forecasting intermittent demand (many zeros, e.g. SKU x store series):
 *
 *	  FC_ID_CROSTON	Croston (1972): simple exponential smoothing (SES) of
 *		the non-zero demand sizes z and of the intervals p between them;
 *		forecast z/p per period.  As R's forecast::croston, each SES starts
 *		at its first value (first size; first interval = position of the
 *		first demand, counted from the start of the series) and the states
 *		change only in periods with demand.
 *	  FC_ID_SBA		Syntetos-Boylan approximation (2005): Croston times
 *		(1 - beta/2), beta the interval smoothing parameter.
 *	  FC_ID_TSB		Teunter, Syntetos & Babai (2011): SES of the size z (in
 *		demand periods, parameter alpha) and of the demand probability d
 *		(every period, towards 1 or 0, parameter beta); forecast d z.
 *		Started like Croston at the first demand: z = first size,
 *		d = 1 / (position of the first demand).
 *	  FC_ID_ADIDA	Aggregate-disaggregate intermittent demand approach
 *		(Nikolopoulos, Syntetos, Boylan, Petropoulos & Assimakopoulos 2011):
 *		sum the series in non-overlapping buckets of k periods (aligned at
 *		the end: the oldest n mod k periods are left out), forecast the
 *		bucket totals with SES (started at the first total), and spread the
 *		forecast equally: per-period forecast = level / k.  Default k =
 *		round(ADI) (see fc_intermittent_classify), at least 1, at most n.
 *
 * Parameters.  Fixed defaults as in the literature: alpha = beta = 0.1
 * (Croston and SBA use one value for both, as R's croston(), unless beta is
 * given).  With optimise = true the parameters that are not fixed are chosen
 * in [0.01, 1] by minimising the in-sample MSE (or MAE) of the method's own
 * one-step residuals (below): Croston/SBA/ADIDA one value (grid + golden
 * section), TSB alpha and beta jointly (grid + Nelder-Mead).  Note that MAE
 * favours forecasts near zero on very intermittent series.
 *
 * Point forecasts are flat.  None of these methods has a prediction
 * interval: fc_intermittent_forecast fills lo/hi with NaN.
 *
 * Residuals (one-step, y_t - yhat_t, NaN where undefined): resid[0] is NaN
 * (also for an all-zero series, where R's croston reports a fitted 0);
 * before the first demand the forecast is 0 (so residuals there are 0);
 * afterwards the forecast from the states after period t-1.  ADIDA: periods
 * in the first complete bucket and the left-out oldest periods are NaN;
 * a period in bucket j >= 2 has the forecast level_{j-1} / k (made at the end
 * of the previous bucket).
 *
 * Edge cases (all FC_OK, no error):
 *	 no non-zero value:	   forecast 0, residuals 0 (after resid[0] = NaN),
 *						   class FC_DEMAND_NONE with ADI and CV2 NaN.
 *	 a single non-zero:	   Croston/SBA: size / position (SBA times
 *						   (1 - beta/2)); TSB: size times the probability
 *						   1/position decayed by (1-beta) per later period;
 *						   ADIDA: SES of the totals as usual.
 *	 no zero at all:	   Croston/TSB reduce to SES of y started at y_1 (p,
 *						   d stay 1); SBA is that times (1 - beta/2).
 * Negative values are rejected (FC_ERR_BAD_ARGUMENT: net out returns first),
 * NaN/Inf give FC_ERR_NONFINITE, n < 1 FC_ERR_TOO_SHORT.
 *
 * Plain-array kernel: no fmgr; memory from fc_alloc, no static state.
 */
#ifndef FC_INTERMITTENT_H
#define FC_INTERMITTENT_H

#include "fc_port.h"

typedef enum FcIntermittentMethod
{
	FC_ID_CROSTON = 0,
	FC_ID_SBA = 1,
	FC_ID_TSB = 2,
	FC_ID_ADIDA = 3
} FcIntermittentMethod;

typedef enum FcIdLoss
{
	FC_ID_LOSS_MSE = 0,
	FC_ID_LOSS_MAE = 1
} FcIdLoss;

/*
 * Demand classes of Syntetos, Boylan & Croston (2005), cut-offs ADI 1.32
 * and CV^2 0.49:  ADI < 1.32: smooth (CV2 < 0.49) or erratic;
 * ADI >= 1.32: intermittent (CV2 < 0.49) or lumpy.
 */
typedef enum FcDemandClass
{
	FC_DEMAND_NONE = 0,			/* no non-zero value */
	FC_DEMAND_SMOOTH = 1,
	FC_DEMAND_ERRATIC = 2,
	FC_DEMAND_INTERMITTENT = 3,
	FC_DEMAND_LUMPY = 4
} FcDemandClass;

#define FC_ADI_CUTOFF 1.32
#define FC_CV2_CUTOFF 0.49

/*
 * ADI: mean interval between demands, intervals counted as Croston's (the
 * first from the start of the series), i.e. (position of the last non-zero
 * value) / (number of non-zero values); trailing zeros do not count.
 * CV2: squared coefficient of variation of the non-zero values (sample
 * variance, n - 1; 0 for a single non-zero value).  Both NaN for no demand.
 * Negative or non-finite values count as "not a demand" here (no status);
 * the fit functions reject them.
 */
extern FcDemandClass fc_intermittent_classify(const double *y, int n,
											  double *adi, double *cv2);

/* "none", "smooth", "erratic", "intermittent", "lumpy" */
extern const char *fc_demand_class_name(FcDemandClass cls);

typedef struct FcIntermittentControl
{
	double		alpha;			/* size smoothing (Croston/SBA/TSB), SES of
								 * the totals (ADIDA).  NaN: 0.1, or
								 * estimated when optimise */
	double		beta;			/* Croston/SBA: interval smoothing, NaN =
								 * same as alpha (tied, also when
								 * estimated); TSB: probability smoothing,
								 * NaN = 0.1 or estimated; ADIDA: unused */
	bool		optimise;		/* estimate the non-fixed parameters */
	FcIdLoss	loss;			/* criterion when optimising */
	int			aggregation;	/* ADIDA bucket size k; 0 = round(ADI) */
} FcIntermittentControl;

extern void fc_intermittent_control_init(FcIntermittentControl *ctl);

typedef struct FcIntermittentModel
{
	FcIntermittentMethod method;
	int			n;				/* observations */
	int			nonzero;		/* non-zero observations */
	int			aggregation;	/* k (ADIDA), 1 otherwise */
	double		alpha;
	double		beta;			/* interval (Croston/SBA) or probability
								 * (TSB) smoothing; 0 for ADIDA */
	double		size;			/* final smoothed size z_n (Croston/SBA/
								 * TSB) or SES level of the totals (ADIDA);
								 * 0 without demand */
	double		interval;		/* Croston/SBA: smoothed interval p_n (1
								 * without demand); TSB: probability d_n;
								 * ADIDA: k */
	double		loss;			/* in-sample MSE or MAE (ctl->loss) of the
								 * defined residuals, NaN if none */
} FcIntermittentModel;

/*
 * Fit `method` to y[0..n-1].  resid (n entries) may be NULL.
 */
extern FcStatus fc_intermittent_fit(FcIntermittentMethod method,
									const double *y, int n,
									const FcIntermittentControl *ctl,
									FcIntermittentModel *out, double *resid);

/* Per-period point forecast (the same for every step). */
extern double fc_intermittent_point(const FcIntermittentModel *fit);

/*
 * Flat forecasts for steps 1..h; lo/hi (both NULL or both given) are
 * filled with NaN: these methods have no prediction intervals.  level is
 * checked (0 < level < 1) only when lo/hi are given.
 */
extern FcStatus fc_intermittent_forecast(const FcIntermittentModel *fit, int h,
										 double level, double *mean,
										 double *lo, double *hi);

/* Flat storage: FC_INTERMITTENT_STATE_SIZE doubles; unpack validates all. */
#define FC_INTERMITTENT_STATE_SIZE 11
extern int	fc_intermittent_state_size(const FcIntermittentModel *fit);
extern void fc_intermittent_pack(const FcIntermittentModel *fit, double *dst);
extern FcStatus fc_intermittent_unpack(const double *src, int len,
									   FcIntermittentModel *out);

#endif							/* FC_INTERMITTENT_H */
