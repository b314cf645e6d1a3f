/*
 * errors.h
 *	  The one place where kernel status codes become SQL errors.
 */
#ifndef FC_ERRORS_H
#define FC_ERRORS_H

#include "fc_port.h"

/* ereport(ERROR) for a kernel failure; `what` names the method or step. */
extern void fc_report_status(FcStatus st, const char *what) pg_attribute_noreturn();

/* Install the GSL error handler policy (called from _PG_init). */
extern void fc_errors_init(void);

#endif							/* FC_ERRORS_H */
