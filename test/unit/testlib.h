/*
 * testlib.h
 *	  What every kernel test program shares: the pass/fail tally and CHECK,
 *	  and the few CSV helpers that read the R reference data of
 *	  test/reference.  Included by one translation unit per program.
 */
#ifndef FC_TESTLIB_H
#define FC_TESTLIB_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int	n_pass = 0;
static int	n_fail = 0;

/* Count a check; print the failing ones with a printf-style description. */
#define CHECK(cond, ...) \
	do { \
		if (cond) n_pass++; \
		else { n_fail++; printf("FAIL: "); printf(__VA_ARGS__); printf("\n"); } \
	} while (0)

/* Split a CSV line in place on commas (no quoting); returns the field count. */
static inline int
split_csv(char *line, char **f, int maxf)
{
	int			k = 0;
	char	   *p = line;

	line[strcspn(line, "\r\n")] = '\0';
	while (k < maxf)
	{
		f[k++] = p;
		p = strchr(p, ',');
		if (!p)
			break;
		*p++ = '\0';
	}
	return k;
}

/* A number of R's CSV output: "NA" and empty fields are NaN. */
static inline double
num(const char *s)
{
	if (strcmp(s, "NA") == 0 || *s == '\0')
		return NAN;
	return strtod(s, NULL);
}

#endif							/* FC_TESTLIB_H */
