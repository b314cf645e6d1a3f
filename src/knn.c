/*
 * knn.c
 *	  Analog forecasting from the nearest earlier cycles (see knn.h).
 */
#include "fc_port.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "knn.h"

#define PACK_TAG 566.0			/* "KNN" on a phone keypad */
/*
 * Version 2 added the neighbours' combination (slot 8); version 1 models,
 * which always averaged, still unpack, as mean models.
 */
#define PACK_VERSION 2.0
#define PACK_HEADER 9
#define PACK_HEADER_V1 8

/* The numbers of neighbours fc_knn_fit chooses from (k = FC_KNN_CHOOSE_K). */
static const int k_choices[] = {1, 2, 3, 5, 8};
#define N_K_CHOICES ((int) (sizeof(k_choices) / sizeof(k_choices[0])))

/* One candidate stretch y[end-m..end-1]: its distance to the query and mean. */
typedef struct Analog
{
	double		dist;
	double		mean;
	int			end;
} Analog;

int
fc_knn_min_length(int m, int k)
{
	return (k + 2) * m;
}

void
fc_knn_model_free(FcKnnModel *model)
{
	if (model->sigma)
		fc_free(model->sigma);
	if (model->hist)
		fc_free(model->hist);
	model->sigma = model->hist = NULL;
}

static double
mean_of(const double *x, int m)
{
	double		s = 0.0;
	int			i;

	for (i = 0; i < m; i++)
		s += x[i];
	return s / m;
}

/*
 * Multiplicative when no value is negative and every cycle ending at a
 * multiple of m before the end (the only stretches the method normalises:
 * queries of every origin and all candidates) has a positive mean.
 */
static bool
choose_multiplicative(const double *x, int n, int m)
{
	int			i,
				e;

	for (i = 0; i < n; i++)
		if (x[i] < 0.0)
			return false;
	for (e = n; e >= m; e -= m)
		if (!(mean_of(x + e - m, m) > 0.0))
			return false;
	return true;
}

static int
analog_cmp(const void *a, const void *b)
{
	const Analog *x = a,
			   *y = b;

	if (x->dist != y->dist)
		return x->dist < y->dist ? -1 : 1;
	return y->end - x->end;		/* the more recent first */
}

/*
 * Rank the candidates for the query x[o-m..o-1] among x[0..o-1] into a[]
 * (room for o / m entries); qn (m values) is scratch.  Returns how many and
 * sets *qmean to the query's mean.
 */
static int
rank_analogs(const double *x, int o, int m, bool mult, Analog *a, double *qn,
			 double *qmean)
{
	const double *q = x + o - m;
	double		qm = mean_of(q, m);
	int			na = 0,
				e,
				i;

	for (i = 0; i < m; i++)
		qn[i] = mult ? q[i] / qm : q[i] - qm;
	for (e = o - m; e >= m; e -= m)
	{
		const double *w = x + e - m;
		double		wm = mean_of(w, m),
					d = 0.0;

		for (i = 0; i < m; i++)
		{
			double		v = (mult ? w[i] / wm : w[i] - wm) - qn[i];

			d += v * v;
		}
		a[na].dist = isnan(d) ? INFINITY : d;	/* overflow: rank it last */
		a[na].mean = wm;
		a[na].end = e;
		na++;
	}
	qsort(a, na, sizeof(Analog), analog_cmp);
	*qmean = qm;
	return na;
}

/*
 * Forecasts of steps 1..h from origin o (data x[0..o-1]) with the ranked
 * candidates: at each step the mean or median of the k nearest that reach
 * it; else the forecast one cycle earlier (every candidate reaches steps
 * 1..m, so that exists).
 */
static void
analog_path(const double *x, int o, int m, int k, bool mult, bool median,
			const Analog *a, int na, double qmean, int h, double *out)
{
	double		v[FC_KNN_MAX_K];
	int			j,
				i;

	for (j = 1; j <= h; j++)
	{
		double		c = 0.0;
		int			used = 0;

		for (i = 0; i < na && used < k; i++)
			if (a[i].end + j <= o)
			{
				double		y = x[a[i].end + j - 1];

				v[used++] = mult ? y / a[i].mean : y - a[i].mean;
			}
		if (used == 0)
		{
			out[j - 1] = out[j - 1 - m];
			continue;
		}
		if (median)
			c = fc_median_small(v, used);
		else
		{
			for (i = 0; i < used; i++)
				c += v[i];
			c /= used;
		}
		out[j - 1] = mult ? qmean * c : qmean + c;
	}
}

/*
 * In-sample forecasts one cycle ahead from every cycle boundary o = nx - m,
 * nx - 2m, ... that has k candidates before it, for each k of ks[0..nk-1]
 * (ascending).  err[i * nx + t] is x[t] minus the forecast of t with ks[i]
 * neighbours, NaN where no such origin covers t.  Each origin's candidates
 * are ranked once, for every k.  abs_sum[i] sums |err| of ks[i] over the
 * origins that every k can use (those with ks[nk - 1] candidates), so that
 * the k are compared on the same points.
 */
static void
in_sample_errors(const double *x, int nx, int m, bool mult, bool median,
				 const int *ks, int nk, double *err, double *abs_sum)
{
	int			kmax = ks[nk - 1],
				o,
				i,
				j;
	double	   *path = fc_alloc(sizeof(double) * m);
	double	   *qn = fc_alloc(sizeof(double) * m);
	Analog	   *a = fc_alloc(sizeof(Analog) * (nx / m + 1));

	for (i = 0; i < nk; i++)
	{
		abs_sum[i] = 0.0;
		for (j = 0; j < nx; j++)
			err[(size_t) i * nx + j] = NAN;
	}
	for (o = nx - m; o >= (ks[0] + 1) * m; o -= m)
	{
		double		qmean;
		int			na;

		fc_check_interrupts();
		na = rank_analogs(x, o, m, mult, a, qn, &qmean);
		for (i = 0; i < nk && o >= (ks[i] + 1) * m; i++)
		{
			double	   *e = err + (size_t) i * nx + o;

			analog_path(x, o, m, ks[i], mult, median, a, na, qmean, m, path);
			for (j = 0; j < m; j++)
			{
				e[j] = x[o + j] - path[j];
				if (o >= (kmax + 1) * m)
					abs_sum[i] += fabs(e[j]);
			}
		}
	}
	fc_free(path);
	fc_free(qn);
	fc_free(a);
}

FcStatus
fc_knn_fit(const double *y, int n, int m, int k, bool median, FcKnnModel *out,
		   double *resid)
{
	const double *x;
	int			ks[N_K_CHOICES];
	double		abs_sum[N_K_CHOICES];
	int			start,
				nx,
				nk = 0,
				chosen = 0,
				o,
				j,
				i;
	double	   *err,
			   *e,
			   *sum2;

	memset(out, 0, sizeof(*out));
	if (y == NULL || m < 2 || (k < 1 && k != FC_KNN_CHOOSE_K) || k > FC_KNN_MAX_K)
		return FC_ERR_BAD_ARGUMENT;
	if (n < fc_knn_min_length(m, k == FC_KNN_CHOOSE_K ? FC_KNN_DEFAULT_K : k) ||
		(int64_t) fc_knn_min_length(m, k == FC_KNN_CHOOSE_K ? FC_KNN_DEFAULT_K : k) > FC_KNN_MAX_HIST)
		return FC_ERR_TOO_SHORT;
	for (i = 0; i < n; i++)
		if (!isfinite(y[i]))
			return FC_ERR_NONFINITE;

	nx = n;
	if ((int64_t) FC_KNN_MAX_CYCLES * m < nx)
		nx = FC_KNN_MAX_CYCLES * m;
	if (nx > FC_KNN_MAX_HIST)
		nx = FC_KNN_MAX_HIST;
	start = n - nx;
	x = y + start;
	out->multiplicative = choose_multiplicative(x, nx, m);
	out->median = median;

	/* the k to try: the given one, or the choices the series can support */
	if (k != FC_KNN_CHOOSE_K)
		ks[nk++] = k;
	else
		while (nk < N_K_CHOICES && fc_knn_min_length(m, k_choices[nk]) <= nx)
		{
			ks[nk] = k_choices[nk];
			nk++;
		}
	err = fc_alloc(sizeof(double) * nk * (size_t) nx);
	in_sample_errors(x, nx, m, out->multiplicative, median, ks, nk, err, abs_sum);
	for (i = 1; i < nk; i++)
		if (abs_sum[i] < abs_sum[chosen])	/* strict: ties keep the smaller k */
			chosen = i;
	k = ks[chosen];
	e = err + (size_t) chosen * nx;

	out->m = m;
	out->k = k;
	out->n = n;
	out->nhist = nx;
	out->sigma = fc_alloc(sizeof(double) * m);
	out->hist = fc_alloc(sizeof(double) * nx);
	memcpy(out->hist, x, sizeof(double) * nx);

	/* residuals and sigma from every origin with k candidates before it */
	if (resid)
		for (i = 0; i < n; i++)
			resid[i] = NAN;
	sum2 = fc_alloc(sizeof(double) * m);
	for (o = nx - m; o >= (k + 1) * m; o -= m)
	{
		for (j = 0; j < m; j++)
		{
			sum2[j] += e[o + j] * e[o + j];
			if (resid)
				resid[start + o + j] = e[o + j];
		}
		out->norigins++;
	}
	for (j = 0; j < m; j++)
		out->sigma[j] = sqrt(sum2[j] / out->norigins);
	fc_free(sum2);
	fc_free(err);
	for (j = 0; j < m; j++)
		if (!isfinite(out->sigma[j]))
		{
			fc_knn_model_free(out);
			return FC_ERR_NONFINITE;
		}
	return FC_OK;
}

FcStatus
fc_knn_forecast(const FcKnnModel *model, int h, double level,
				double *mean, double *lo, double *hi)
{
	int			m = model->m,
				j,
				na;
	double		qmean,
				z;
	double	   *qn;
	Analog	   *a;

	if (h < 1 || !(level > 0.0 && level < 1.0))
		return FC_ERR_BAD_ARGUMENT;
	qn = fc_alloc(sizeof(double) * m);
	a = fc_alloc(sizeof(Analog) * (model->nhist / m + 1));
	na = rank_analogs(model->hist, model->nhist, m, model->multiplicative, a, qn, &qmean);
	analog_path(model->hist, model->nhist, m, model->k, model->multiplicative, model->median,
				a, na, qmean, h, mean);
	fc_free(qn);
	fc_free(a);

	z = gsl_cdf_ugaussian_Pinv(0.5 + level / 2.0);
	for (j = 0; j < h; j++)
	{
		double		sd = model->sigma[j % m] * sqrt((double) (j / m + 1));

		lo[j] = mean[j] - z * sd;
		hi[j] = mean[j] + z * sd;
	}
	return FC_OK;
}

int
fc_knn_state_size(const FcKnnModel *model)
{
	return PACK_HEADER + model->m + model->nhist;
}

void
fc_knn_pack(const FcKnnModel *model, double *dst)
{
	dst[0] = PACK_TAG;
	dst[1] = PACK_VERSION;
	dst[2] = model->m;
	dst[3] = model->k;
	dst[4] = model->multiplicative ? 1.0 : 0.0;
	dst[5] = model->n;
	dst[6] = model->nhist;
	dst[7] = model->norigins;
	dst[8] = model->median ? 1.0 : 0.0;
	memcpy(dst + PACK_HEADER, model->sigma, sizeof(double) * model->m);
	memcpy(dst + PACK_HEADER + model->m, model->hist, sizeof(double) * model->nhist);
}

/*
 * Validate everything forecasting relies on: the sizes, finite values, and
 * for a multiplicative model the positive means it divides by.
 */
FcStatus
fc_knn_unpack(const double *src, int len, FcKnnModel *out)
{
	int			m,
				k,
				nhist,
				header,
				i;
	bool		mult;

	memset(out, 0, sizeof(*out));
	if (src == NULL || len < PACK_HEADER_V1 + 2 || src[0] != PACK_TAG)
		return FC_ERR_BAD_ARGUMENT;
	if (src[1] == PACK_VERSION)
		header = PACK_HEADER;
	else if (src[1] == 1.0)
		header = PACK_HEADER_V1;
	else
		return FC_ERR_BAD_ARGUMENT;
	if (len < header + 2 ||
		!fc_packed_int_in(src[2], 2, FC_KNN_MAX_HIST) || !fc_packed_int_in(src[3], 1, FC_KNN_MAX_K) ||
		!fc_packed_int_in(src[4], 0, 1) || !fc_packed_int_in(src[5], 1, 2147483647.0) ||
		!fc_packed_int_in(src[6], 1, FC_KNN_MAX_HIST) ||
		(header == PACK_HEADER && !fc_packed_int_in(src[8], 0, 1)))
		return FC_ERR_BAD_ARGUMENT;
	m = (int) src[2];
	k = (int) src[3];
	mult = src[4] == 1.0;
	nhist = (int) src[6];
	if (nhist > src[5] || nhist < fc_knn_min_length(m, k) ||
		(int64_t) nhist > (int64_t) FC_KNN_MAX_CYCLES * m ||
		len != header + m + nhist ||
		!fc_packed_int_in(src[7], 1, nhist / m))
		return FC_ERR_BAD_ARGUMENT;
	for (i = 0; i < m; i++)
		if (!(src[header + i] >= 0.0 && isfinite(src[header + i])))
			return FC_ERR_BAD_ARGUMENT;
	for (i = 0; i < nhist; i++)
		if (!isfinite(src[header + m + i]))
			return FC_ERR_BAD_ARGUMENT;
	if (mult && !choose_multiplicative(src + header + m, nhist, m))
		return FC_ERR_BAD_ARGUMENT;
	out->m = m;
	out->k = k;
	out->multiplicative = mult;
	out->median = header == PACK_HEADER && src[8] == 1.0;
	out->n = (int) src[5];
	out->nhist = nhist;
	out->norigins = (int) src[7];
	out->sigma = fc_alloc(sizeof(double) * m);
	out->hist = fc_alloc(sizeof(double) * nhist);
	memcpy(out->sigma, src + header, sizeof(double) * m);
	memcpy(out->hist, src + header + m, sizeof(double) * nhist);
	return FC_OK;
}

bool
fc_knn_packed_median(const double *src, int len)
{
	return len > PACK_HEADER && src[0] == PACK_TAG && src[1] == PACK_VERSION &&
		src[8] == 1.0;
}
