/*
 * composite.h
 *	  Models made of models: ensemble (median or mean of several methods'
 *	  forecasts) and mstl (MSTL decomposition; the seasonally adjusted series
 *	  forecast by another method, each seasonal component by its last cycle).
 *
 * states[] of ensemble:	[k, combine, sub_1, ..., sub_k], or with combine
 *						FC_COMBINE_AICC [k, combine, w_1, ..., w_k, sub_1, ..., sub_k]
 * states[] of mstl:		[k, transform, p_1, ..., p_k, last p_1 values of seasonal 1, ...,
 *							 last p_k values of seasonal k, sub]
 * where each sub is a sub-model packed by fc_submodel_pack() (model.h).
 */
#ifndef FC_COMPOSITE_H
#define FC_COMPOSITE_H

#include "ets.h"
#include "model.h"
#include "options.h"

/* Members of one stored ensemble: every ETS form for ets with Akaike weights. */
#define FC_MAX_SUBMODELS FC_ETS_MAX_FORMS
StaticAssertDecl(FC_MAX_SUBMODELS >= FC_MAX_MEMBERS,
				 "an ensemble must hold every member the options can name");

/* Forms below this Akaike weight are left out of ets with combine "aicc". */
#define FC_AICC_MIN_WEIGHT 1e-4

/*
 * Fit every member to y and combine them.  Members' own fallbacks are
 * recorded in the members (model_info shows them), not counted again.
 */
extern FcModel *fc_fit_ensemble(const double *y, int n, int m,
								const uint8 *members, int nmembers,
								FcCombine combine, const FcOptions *opts);

/* Median or mean of v[0..k-1] (NaN for k = 0); v is reordered (insertion sort: k is small). */
extern double fc_combine_values(double *v, int k, FcCombine how);

/* The ensemble of fitted members subs[0..k-1] (which it frees): median or mean. */
extern FcModel *fc_ensemble_of(FcModel **subs, int k, FcCombine combine, int n, int m);

/* The mean of subs[0..k-1] (which it frees) weighted by w (summing to 1). */
extern FcModel *fc_weighted_ensemble_of(FcModel **subs, const double *w, int k,
										int n, int m);

/* An ensemble's weights into w (at most max); 0 when it is not weighted. */
extern int	fc_ensemble_weights(const FcModel *model, double *w, int max);

/* "median", "mean", "aicc" */
extern const char *fc_combine_name(FcCombine how);

/*
 * MSTL with the given periods, then `adjusted` on the seasonally adjusted
 * series.  NULL when no period fits in the series (the caller falls back).
 */
extern FcModel *fc_fit_mstl(const double *y, int n, const int *periods, int nperiods,
							FcMethod adjusted, FcTransform transform, const FcOptions *opts);

/*
 * One MSTL decomposition of y (or log y, sqrt y: transform), and an mstl model on it for each
 * of the k `adjusted` methods (into out[]).  Returns k, or 0 as fc_fit_mstl
 * returns NULL.
 */
extern int	fc_fit_mstl_models(const double *y, int n, const int *periods, int nperiods,
							   FcTransform transform, const uint8 *adjusted, int k,
							   const FcOptions *opts, FcModel **out);

/* fc_reapply_model() of an ensemble or mstl model (methods.h). */
extern FcModel *fc_composite_reapply(const FcModel *model, const double *y, int n,
									 const FcOptions *opts);

/* The periods MSTL would keep for a series of n points (ascending). */
extern int	fc_mstl_usable_periods(const int *periods, int nperiods, int n, int *out);

extern bool fc_composite_valid(const FcModel *model);
extern void fc_composite_forecast(const FcModel *model, int h, double level,
								  double *mean, double *lo, double *hi);
extern void fc_composite_form_name(const FcModel *model, char *buf, size_t len);

/* "none", "log", "sqrt" */
extern const char *fc_transform_name(FcTransform transform);

/* The periods of an mstl model (ascending) and the scale it works on. */
extern int	fc_mstl_periods(const FcModel *model, int *periods, FcTransform *transform);

/* Members of an ensemble or the adjusted model of mstl, unpacked (palloc'd). */
extern int	fc_composite_members(const FcModel *model, FcModel **out, int max);

#endif							/* FC_COMPOSITE_H */
