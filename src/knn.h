/*
 * knn.h
 *	  Analog forecasting: the k nearest earlier cycles of a seasonal series
 *	  and what followed them.
 *
 * With period m, the query is the series' last cycle, y[N-m..N-1].  The
 * candidates are the earlier stretches of m points that end at the same
 * phase of the cycle: those ending just before index e = N - m, N - 2m, ...
 * (e >= m).  Each stretch is normalised by its own mean, by division when
 * the model is multiplicative, by subtraction otherwise, and the candidates
 * are ranked by the squared distance between their normalised shape and the
 * query's (ties: the more recent first).
 *
 * Forecast j steps ahead: the query's mean times (or plus) the median (or,
 * with median false, the mean) of the normalised values that followed the
 * K nearest candidates j steps after their end, y[e + j - 1] / mean_e,
 * counting only the candidates with that many observations after them
 * (e + j <= N).  The median of an even number is the mean of the middle
 * two.  The median is the default: one odd neighbour (a holiday, an outage)
 * moves it less (M4 hourly validation split, knn alone: OWA 0.468 against
 * 0.479 for the mean; test/bench/README.md).  Every candidate has at least
 * one cycle after it, so the first m steps use the K nearest; further ahead,
 * candidates too recent to have reached step j give way to the next ones in
 * rank.  When no candidate reaches step j (j beyond N minus the end of the
 * oldest candidate), the forecast repeats the one m steps earlier.  A longer horizon therefore never changes the
 * forecasts of a shorter one.
 *
 * Why: hourly and daily demand repeats whole cycles (a weekday, a weekend, a
 * holiday) whose shape a seasonal model with one set of seasonal states
 * averages away; the nearest earlier days carry that shape, and the
 * normalisation carries it to the current level.  Direct analog forecasts of
 * this kind go back to Lorenz's analogues (1969); for demand series see the
 * k-NN literature, e.g. Martinez, Frias, Perez-Godoy and Rivera (2019).
 *
 * Multiplicative when every value is >= 0 and every cycle counted back from
 * the end (the query and all candidates, here and at every in-sample
 * origin) has a positive mean; otherwise additive.  No candidate is left
 * out.
 *
 * Only the last FC_KNN_MAX_CYCLES cycles are used (and stored in the
 * model), which bounds the fit at O(FC_KNN_MAX_CYCLES^2 m).
 *
 * In-sample evidence: from every earlier cycle boundary o (o = N - m,
 * N - 2m, ...) that has at least K candidates before it, the same method
 * forecasts the next m points from y[0..o-1] alone.  Their errors are the
 * model's residuals (NaN before the first such origin): j-step-ahead errors
 * for j = 1..m, not one-step ones.  The RMSE of the errors at each step j
 * within the cycle is sigma_j; the interval h steps ahead is Gaussian with
 * standard deviation sigma_j sqrt(ceil(h / m)), j = (h - 1) mod m + 1, as
 * for a seasonal random walk.  An approximation: the method has no
 * stochastic model.
 *
 * Needs m >= 2 and N >= (K + 2) m: K candidates for the final query and one
 * in-sample origin (FC_ERR_TOO_SHORT otherwise).  NaN/Inf give
 * FC_ERR_NONFINITE, as do values so large (~1e150 and up) that the squared
 * in-sample errors overflow.
 *
 * Plain-array kernel: no fmgr; memory from fc_alloc, no static state.
 */
#ifndef FC_KNN_H
#define FC_KNN_H

#include "fc_port.h"

#define FC_KNN_DEFAULT_K 3		/* also the smallest choice's minimum length */
#define FC_KNN_CHOOSE_K 0		/* k argument: choose per series */
#define FC_KNN_MAX_K 50
#define FC_KNN_MAX_CYCLES 100
/* Longest stored history: model states stay far below model.c's limit. */
#define FC_KNN_MAX_HIST 50000
/* Longest period: k = 3 needs (3 + 2) m stored points. */
#define FC_KNN_MAX_PERIOD (FC_KNN_MAX_HIST / (FC_KNN_DEFAULT_K + 2))

typedef struct FcKnnModel
{
	int			m;				/* period: query length and alignment */
	int			k;				/* neighbours averaged */
	bool		multiplicative;
	bool		median;			/* combine the neighbours by median, else mean */
	int			n;				/* observations the model was fitted to */
	int			nhist;			/* of which stored (the last ones) */
	double	   *sigma;			/* m: RMSE of in-sample errors at steps 1..m */
	double	   *hist;			/* nhist: y[n-nhist..n-1] */
	int			norigins;		/* in-sample origins behind sigma */
} FcKnnModel;

/* Smallest series fc_knn_fit accepts for period m and k neighbours. */
extern int	fc_knn_min_length(int m, int k);

/*
 * Fit to y[0..n-1] with k neighbours, or with k = FC_KNN_CHOOSE_K the k of
 * 1, 2, 3, 5 and 8 (those with (k + 2) m <= N) whose in-sample forecasts
 * one cycle ahead, from the cycle boundaries with 8 (or the largest usable
 * k) candidates before them, have the smallest mean absolute error (ties:
 * the smaller k); the length needed is then that of k = 3.  resid (n
 * values, may be NULL) receives the in-sample errors described above.  On
 * FC_OK the caller frees with fc_knn_model_free.
 */
extern FcStatus fc_knn_fit(const double *y, int n, int m, int k, bool median,
						   FcKnnModel *out, double *resid);

/* Forecasts and level-intervals (NaN when sigma is) for steps 1..h. */
extern FcStatus fc_knn_forecast(const FcKnnModel *model, int h, double level,
								double *mean, double *lo, double *hi);

/* Packed form (model states): size, pack, unpack with validation. */
extern int	fc_knn_state_size(const FcKnnModel *model);
extern void fc_knn_pack(const FcKnnModel *model, double *dst);
extern FcStatus fc_knn_unpack(const double *src, int len, FcKnnModel *out);
/* Does a packed model (already validated) combine its neighbours by median? */
extern bool fc_knn_packed_median(const double *src, int len);

extern void fc_knn_model_free(FcKnnModel *model);

#endif							/* FC_KNN_H */
