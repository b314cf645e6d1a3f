/*
 * forecastin.h
 *	  Module-wide settings (GUCs) of the forecastin extension.
 */
#ifndef FORECASTIN_H
#define FORECASTIN_H

extern int	fc_max_horizon;

extern void _PG_init(void);

#endif							/* FORECASTIN_H */
