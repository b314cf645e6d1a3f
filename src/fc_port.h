/*
 * fc_port.h
 *	  The thin layer that lets numerical kernels run both inside a PostgreSQL
 *	  backend and in a standalone test program.
 *
 * Kernels (ets.c, optim.c, timeaxis.c, ...) know nothing of fmgr or Datums.
 * They allocate with fc_alloc() and poll fc_check_interrupts() in long loops.
 * In the backend these map to palloc (so an ERROR frees everything with the
 * memory context) and CHECK_FOR_INTERRUPTS (so statement_timeout and cancel
 * work).  Built with -DFC_STANDALONE they map to malloc and a no-op, which is
 * how test/unit and test/fuzz compile the kernels without a server.
 */
#ifndef FC_PORT_H
#define FC_PORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>

#ifdef FC_STANDALONE

#include <stdlib.h>
#define fc_alloc(sz)		calloc(1, (sz))
#define fc_free(p)			free(p)
#define fc_check_interrupts() ((void) 0)

#else

#include "postgres.h"
#include "miscadmin.h"
#define fc_alloc(sz)		palloc0(sz)
#define fc_free(p)			pfree(p)
#define fc_check_interrupts() CHECK_FOR_INTERRUPTS()

#endif

/*
 * Status codes returned by kernels.  errors.c turns them into SQLSTATEs and
 * messages; kernels never report errors themselves.
 */
typedef enum FcStatus
{
	FC_OK = 0,
	FC_ERR_TOO_SHORT,			/* not enough observations for the model */
	FC_ERR_NONPOSITIVE,			/* multiplicative model needs y > 0 */
	FC_ERR_NONFINITE,			/* NaN or Infinity where a number is needed */
	FC_ERR_BAD_ARGUMENT,		/* caller passed an impossible argument */
	FC_ERR_NO_ADMISSIBLE_MODEL, /* no candidate model could be fitted */
	FC_ERR_NUMERICAL,			/* numerical failure (singular system, ...) */
	FC_ERR_DUPLICATE_TIME,		/* two observations at the same time */
	FC_ERR_IRREGULAR_TIME,		/* timestamps on no usable regular grid */
	FC_ERR_MISSING_VALUE		/* gap or NULL with the "error" policy */
} FcStatus;

/*
 * Is v, read back from a kernel's packed model (an array of doubles), a
 * whole number in [lo, hi]?  Every unpack function checks its counts and
 * codes with it before trusting them.
 */
static inline bool
fc_packed_int_in(double v, double lo, double hi)
{
	return isfinite(v) && v >= lo && v <= hi && v == floor(v);
}

/*
 * Median of v[0..n-1] (n >= 1): the middle value, or the mean of the two
 * middle ones.  v is sorted in place by insertion sort, so n must be small
 * (ensemble members, knn neighbours).
 */
static inline double
fc_median_small(double *v, int n)
{
	int			i,
				j;

	for (i = 1; i < n; i++)
	{
		double		x = v[i];

		for (j = i; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
	return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

#endif							/* FC_PORT_H */
