/*
 * errors.c
 *	  Kernel status codes to SQLSTATEs, and the GSL error policy.
 *
 * GSL's default error handler calls abort(), which would take the whole
 * server through crash recovery and kill every session.  We switch it off
 * in _PG_init; every GSL call site checks its return code (or, for
 * functions without one, its result) and the kernel returns a status that
 * lands here.
 */
#include "postgres.h"

#include <gsl/gsl_errno.h>

#include "errors.h"

void
fc_errors_init(void)
{
	gsl_set_error_handler_off();
}

void
fc_report_status(FcStatus st, const char *what)
{
	switch (st)
	{
		case FC_ERR_TOO_SHORT:
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("series is too short for %s", what)));
			break;
		case FC_ERR_NONPOSITIVE:
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("%s needs strictly positive values", what),
					 errhint("Use an additive model for series with zeros or negative values.")));
			break;
		case FC_ERR_NONFINITE:
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("%s produced a non-finite value", what),
					 errdetail("The series may be too large in magnitude for the model.")));
			break;
		case FC_ERR_BAD_ARGUMENT:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid argument for %s", what)));
			break;
		case FC_ERR_NO_ADMISSIBLE_MODEL:
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("no admissible model could be fitted by %s", what)));
			break;
		case FC_ERR_NUMERICAL:
			ereport(ERROR,
					(errcode(ERRCODE_EXTERNAL_ROUTINE_EXCEPTION),
					 errmsg("numerical failure in %s", what)));
			break;
		default:
			elog(ERROR, "unexpected status %d from %s", (int) st, what);
	}
	pg_unreachable();
}
