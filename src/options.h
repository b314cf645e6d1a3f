/*
 * options.h
 *	  Methods and fit options: names, codes, and the parsed form of the
 *	  `options jsonb` argument of forecastin.fit.
 */
#ifndef FC_OPTIONS_H
#define FC_OPTIONS_H

#include "fc_port.h"

/* Stored in models and aggregate states: append only, never renumber. */
typedef enum FcMethod
{
	FC_METHOD_AUTO = 0,
	FC_METHOD_NAIVE = 1,
	FC_METHOD_SNAIVE = 2,
	FC_METHOD_MEAN = 3,
	FC_METHOD_DRIFT = 4,
	FC_METHOD_SES = 5,
	FC_METHOD_HOLT = 6,
	FC_METHOD_DAMPED = 7,
	FC_METHOD_HW = 8,
	FC_METHOD_ETS = 9,
	FC_METHOD_THETA = 10,
	FC_METHOD_CROSTON = 11,
	FC_METHOD_SBA = 12,
	FC_METHOD_TSB = 13,
	FC_METHOD_ADIDA = 14,
	FC_METHOD_ARIMA = 15,
	FC_METHOD_MSTL = 16,		/* multiple seasonal decomposition + a model */
	FC_METHOD_ENSEMBLE = 17,	/* combination of several models */
	FC_METHOD_KNN = 18,			/* nearest earlier cycles (analogs) */
	FC_METHOD_COUNT
} FcMethod;

typedef enum FcMissingPolicy
{
	FC_MISSING_ZERO = 0,		/* absent day = no sales: the retail default */
	FC_MISSING_INTERPOLATE = 1, /* linear between neighbours */
	FC_MISSING_ERROR = 2
} FcMissingPolicy;

typedef enum FcShortPolicy
{
	FC_SHORT_FALLBACK = 0,		/* fit a simpler method, say so in model_info */
	FC_SHORT_ERROR = 1
} FcShortPolicy;

typedef enum FcSeasonalKind
{
	FC_SEASONAL_AUTO = 0,
	FC_SEASONAL_ADDITIVE = 1,
	FC_SEASONAL_MULTIPLICATIVE = 2
} FcSeasonalKind;

#define FC_MAX_PERIODS 4
#define FC_MAX_MEMBERS 6		/* methods of one ensemble */
#define FC_MAX_HOLDOUT 100000	/* option "holdout" (as a period) */

typedef enum FcTransform
{
	FC_TRANSFORM_NONE = 0,
	FC_TRANSFORM_LOG = 1,		/* mstl: decompose and forecast log(y) */
	FC_TRANSFORM_SQRT = 2		/* mstl: the same on sqrt(y) (Box-Cox 1/2) */
} FcTransform;

/* Option "variant": each value concerns one method; others ignore it. */
typedef enum FcVariant
{
	FC_VARIANT_DEFAULT = 0,		/* theta "standard", knn "median" */
	FC_VARIANT_OPTIMISED = 1,	/* theta: optimised theta */
	FC_VARIANT_MEAN = 2			/* knn: the mean of the neighbours */
} FcVariant;

typedef enum FcCombine
{
	FC_COMBINE_MEDIAN = 0,		/* robust to one bad member: the default */
	FC_COMBINE_MEAN = 1,
	FC_COMBINE_AICC = 2			/* ets: every form, weighted by Akaike weights */
} FcCombine;

/*
 * Parsed options.  Fixed size and free of pointers, because it is copied
 * into the aggregate state (which must be a flat varlena).
 */
typedef struct FcOptions
{
	int32_t		nperiods;		/* 0 = detect */
	int32_t		periods[FC_MAX_PERIODS];
	uint8_t		missing;		/* FcMissingPolicy */
	uint8_t		short_policy;	/* FcShortPolicy */
	uint8_t		seasonal;		/* FcSeasonalKind, for hw */
	int8_t		damped;			/* -1 unspecified, 0 no, 1 yes (hw) */
	uint8_t		variant;		/* FcVariant (theta, knn) */
	int8_t		optimise;		/* intermittent: estimate alpha/beta (0/1) */
	int32_t		aggregation;	/* adida bucket size, 0 = round(ADI) */
	int8_t		order[3];		/* arima (p, d, q); -1 = choose automatically */
	int8_t		seasonal_order[3];	/* arima (P, D, Q); -1 = choose */
	int8_t		constant;		/* arima mean/drift: -1 default, 0 no, 1 yes */
	uint8_t		nmembers;		/* ensemble: methods given, 0 = default set */
	uint8_t		members[FC_MAX_MEMBERS];	/* ensemble: FcMethod codes */
	uint8_t		combine;		/* ensemble: FcCombine; ets: FC_COMBINE_AICC or
								 * the default (select by AICc) */
	uint8_t		adjusted;		/* mstl: FcMethod for the adjusted series, 0 = ets */
	uint8_t		transform;		/* mstl: FcTransform */
	int32_t		holdout;		/* auto, several periods: points held out to
								 * choose the model; -1 = two cycles of the
								 * shortest period, 0 = none (the median) */
	double		alpha;			/* fixed smoothing parameters, NaN = estimate */
	double		beta;
	double		gamma;
	double		phi;
} FcOptions;

extern void fc_options_init(FcOptions *opts);
extern const char *fc_method_name(FcMethod method);
/* May `code` be an ensemble member (or, with zero_ok, 0 = the default)? */
extern bool fc_member_method_ok(int code, bool zero_ok);

#ifndef FC_STANDALONE
#include "utils/jsonb.h"

extern FcMethod fc_method_from_text(const char *name);
extern void fc_options_from_jsonb(Jsonb *jb, FcOptions *opts);
/* ERROR when an option's value does not apply to the method. */
extern void fc_options_check_method(FcMethod method, const FcOptions *opts);
#endif

#endif							/* FC_OPTIONS_H */
