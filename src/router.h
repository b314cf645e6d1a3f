/*
 * router.h
 *	  The auto method: one model per series, chosen from the series' own
 *	  features (training data only).
 */
#ifndef FC_ROUTER_H
#define FC_ROUTER_H

#include "model.h"
#include "options.h"

/* Fit `auto`: see router.c for the rules. */
extern FcModel *fc_fit_auto(const double *y, int n, int m, const FcOptions *opts);

/* Why auto chose the model's method, for model_info (NULL if not auto). */
extern const char *fc_auto_reason(const FcModel *model, char *buf, size_t len);

#endif							/* FC_ROUTER_H */
