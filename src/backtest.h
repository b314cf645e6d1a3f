/*
 * backtest.h
 *	  forecastin.backtest (rolling-origin evaluation) and
 *	  forecastin.backtest_errors.  SQL face only; the methods are those of
 *	  methods.h and the series building that of fit.h.
 */
#ifndef FC_BACKTEST_H
#define FC_BACKTEST_H

/* Version of the jsonb document forecastin.backtest returns. */
#define FC_BACKTEST_VERSION 1

/* At most this many forecasts (windows x horizon) per series. */
#define FC_BACKTEST_MAX_FORECASTS 1000000

#endif							/* FC_BACKTEST_H */
