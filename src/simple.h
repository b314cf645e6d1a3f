/*
 * simple.h
 *	  The benchmark methods: naive, seasonal naive, mean and drift, with the
 *	  prediction intervals of Hyndman & Athanasopoulos, "Forecasting:
 *	  Principles and Practice" (3rd ed.), section 5.5.
 */
#ifndef FC_SIMPLE_H
#define FC_SIMPLE_H

#include "fc_port.h"

typedef enum FcSimpleKind
{
	FC_SIMPLE_NAIVE,
	FC_SIMPLE_SNAIVE,
	FC_SIMPLE_MEAN,
	FC_SIMPLE_DRIFT
} FcSimpleKind;

/*
 * A fitted simple method.  last[] holds the last max(m,1) observations
 * (last[m-1] is y_n); sigma is NaN when the residuals cannot estimate it
 * (one observation), and then intervals are NaN too.
 */
typedef struct FcSimpleModel
{
	FcSimpleKind kind;
	int			n;
	int			m;
	double		mean;			/* mean of y (mean method) */
	double		slope;			/* drift per step (drift method) */
	double		sigma;			/* residual standard deviation */
	double	   *last;			/* m values, caller-provided or fc_alloc'ed */
} FcSimpleModel;

/* Minimum n: naive/mean 1, drift 2, snaive m. */
extern int	fc_simple_min_length(FcSimpleKind kind, int m);

extern FcStatus fc_simple_fit(FcSimpleKind kind, const double *y, int n, int m,
							  FcSimpleModel *out);

extern FcStatus fc_simple_forecast(const FcSimpleModel *fit, int h, double level,
								   double *mean, double *lo, double *hi);

#endif							/* FC_SIMPLE_H */
