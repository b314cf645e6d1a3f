/*
 * forecastin.c
 *	  Module initialisation: settings, the GSL error policy, and the one
 *	  NOTICE per statement that reports fallbacks.
 *
 * Fitting a million series where some are too short must not print a
 * million NOTICEs.  methods.c counts fallbacks; an ExecutorEnd hook reports
 * the count once, when the outermost query of the statement ends.
 */
#include "postgres.h"

#include "access/xact.h"
#include "executor/executor.h"
#include "fmgr.h"
#include "utils/guc.h"

#include "errors.h"
#include "forecastin.h"
#include "methods.h"

PG_MODULE_MAGIC;

int			fc_max_horizon = 10000;

static ExecutorRun_hook_type prev_executor_run = NULL;
static ExecutorEnd_hook_type prev_executor_end = NULL;
static int	exec_nesting = 0;

static void
reset_fallbacks(void)
{
	fc_fallback_count = 0;
	memset(fc_fallback_by_reason, 0, sizeof(fc_fallback_by_reason));
}

static void
report_fallbacks(void)
{
	int			count = fc_fallback_count;
	int			short_ = fc_fallback_by_reason[FC_FALLBACK_SHORT] +
		fc_fallback_by_reason[FC_FALLBACK_SHORT_SEASONAL];
	int			long_ = fc_fallback_by_reason[FC_FALLBACK_LONG_PERIOD];

	reset_fallbacks();
	ereport(NOTICE,
			(errmsg_plural("%d series fitted with a simpler method than requested",
						   "%d series fitted with a simpler method than requested",
						   count, count),
			 errdetail("%d too short for the method or its season, %d with a season longer than the method handles, %d other.",
					   short_, long_, count - short_ - long_),
			 errhint("forecastin.model_info(m)->>'fallback' says why for each model.")));
}

static void
fc_executor_run(QueryDesc *queryDesc, ScanDirection direction, uint64 count,
				bool execute_once)
{
	exec_nesting++;
	PG_TRY();
	{
		if (prev_executor_run)
			prev_executor_run(queryDesc, direction, count, execute_once);
		else
			standard_ExecutorRun(queryDesc, direction, count, execute_once);
	}
	PG_FINALLY();
	{
		exec_nesting--;
	}
	PG_END_TRY();
}

static void
fc_executor_end(QueryDesc *queryDesc)
{
	if (prev_executor_end)
		prev_executor_end(queryDesc);
	else
		standard_ExecutorEnd(queryDesc);
	if (exec_nesting <= 0 && fc_fallback_count > 0)
		report_fallbacks();
}

static void
fc_xact_callback(XactEvent event, void *arg)
{
	if (event == XACT_EVENT_ABORT || event == XACT_EVENT_PARALLEL_ABORT)
	{
		reset_fallbacks();
		exec_nesting = 0;
	}
}

void
_PG_init(void)
{
	fc_errors_init();

	DefineCustomIntVariable("forecastin.max_horizon",
							"Largest horizon forecastin.forecast() accepts.",
							"Protects the server from a typo such as 1e9 steps.",
							&fc_max_horizon,
							10000, 1, 10000000,
							PGC_USERSET, 0,
							NULL, NULL, NULL);
	MarkGUCPrefixReserved("forecastin");

	prev_executor_run = ExecutorRun_hook;
	ExecutorRun_hook = fc_executor_run;
	prev_executor_end = ExecutorEnd_hook;
	ExecutorEnd_hook = fc_executor_end;
	RegisterXactCallback(fc_xact_callback, NULL);
}
