/*
 * intermittent.c
 *	  Croston, SBA, TSB and ADIDA for intermittent demand, and the
 *	  ADI / CV^2 demand classification (see intermittent.h).
 *
 * Every method is one pass over the data (run_method), which also yields
 * the one-step residuals and their loss; optimisation just calls it for
 * different parameters.
 */
#include "fc_port.h"

#include <math.h>

#include "intermittent.h"
#include "optim.h"

#define DEFAULT_PARAM 0.1
#define PARAM_LO 0.01
#define PARAM_HI 1.0
#define PACK_TAG 4628.0			/* "INT8", roughly */
#define PACK_VERSION 1.0

void
fc_intermittent_control_init(FcIntermittentControl *ctl)
{
	ctl->alpha = NAN;
	ctl->beta = NAN;
	ctl->optimise = false;
	ctl->loss = FC_ID_LOSS_MSE;
	ctl->aggregation = 0;
}

const char *
fc_demand_class_name(FcDemandClass cls)
{
	switch (cls)
	{
		case FC_DEMAND_SMOOTH:
			return "smooth";
		case FC_DEMAND_ERRATIC:
			return "erratic";
		case FC_DEMAND_INTERMITTENT:
			return "intermittent";
		case FC_DEMAND_LUMPY:
			return "lumpy";
		default:
			return "none";
	}
}

FcDemandClass
fc_intermittent_classify(const double *y, int n, double *adi, double *cv2)
{
	int			t,
				cnt = 0,
				last = -1;
	double		mean = 0.0,
				ss = 0.0,
				a,
				c;

	*adi = NAN;
	*cv2 = NAN;
	if (y == NULL || n < 1)
		return FC_DEMAND_NONE;
	/* Welford's running mean and sum of squares of the non-zero sizes */
	for (t = 0; t < n; t++)
	{
		if (y[t] > 0.0 && isfinite(y[t]))
		{
			double		d = y[t] - mean;

			cnt++;
			mean += d / cnt;
			ss += d * (y[t] - mean);
			last = t;
		}
	}
	if (cnt == 0)
		return FC_DEMAND_NONE;
	a = (double) (last + 1) / cnt;
	c = cnt > 1 ? (ss / (cnt - 1)) / (mean * mean) : 0.0;
	*adi = a;
	*cv2 = c;
	if (a < FC_ADI_CUTOFF)
		return c < FC_CV2_CUTOFF ? FC_DEMAND_SMOOTH : FC_DEMAND_ERRATIC;
	return c < FC_CV2_CUTOFF ? FC_DEMAND_INTERMITTENT : FC_DEMAND_LUMPY;
}

/* ------------------------------------------------------------------ */

typedef struct IdCtx
{
	FcIntermittentMethod method;
	const double *y;
	int			n;
	FcIdLoss	loss;
	/* ADIDA */
	int			k;				/* bucket size */
	int			nb;				/* number of buckets */
	int			skip;			/* left-out oldest periods */
	double	   *tot;			/* nb bucket totals */
	/* optimisation: which of alpha/beta are free, their fixed values */
	double		alpha,
				beta;
	bool		tied;			/* Croston/SBA: beta = alpha */
	bool		free_a,
				free_b;
} IdCtx;

static double
point_of(FcIntermittentMethod method, double size, double interval,
		 double beta, int k)
{
	switch (method)
	{
		case FC_ID_CROSTON:
			return size / interval;
		case FC_ID_SBA:
			return (1.0 - 0.5 * beta) * size / interval;
		case FC_ID_TSB:
			return interval * size;
		case FC_ID_ADIDA:
			return size / k;
	}
	return NAN;
}

/*
 * One pass with parameters (alpha, beta): final states into *st (if not
 * NULL), residuals into resid (if not NULL); returns the loss over the
 * defined residuals, NaN if there are none.
 */
static double
run_method(const IdCtx *cx, double alpha, double beta,
		   FcIntermittentModel *st, double *resid)
{
	const double *y = cx->y;
	int			n = cx->n,
				t,
				cnt = 0;
	double		acc = 0.0,
				size = 0.0,
				interval = 1.0;

	fc_check_interrupts();
#define ACCUMULATE(t_, fitted_) \
	do { \
		double e_ = y[t_] - (fitted_); \
		if (resid) resid[t_] = e_; \
		acc += cx->loss == FC_ID_LOSS_MAE ? fabs(e_) : e_ * e_; \
		cnt++; \
	} while (0)

	if (cx->method == FC_ID_CROSTON || cx->method == FC_ID_SBA)
	{
		bool		have = false;
		int			last = -1;

		for (t = 0; t < n; t++)
		{
			double		f = have ? point_of(cx->method, size, interval, beta, 1) : 0.0;

			if (t == 0)
			{
				if (resid)
					resid[0] = NAN;
			}
			else
				ACCUMULATE(t, f);
			if (y[t] > 0.0)
			{
				double		q = t - last;

				if (!have)
				{
					size = y[t];
					interval = q;
					have = true;
				}
				else
				{
					size += alpha * (y[t] - size);
					interval += beta * (q - interval);
				}
				last = t;
			}
		}
	}
	else if (cx->method == FC_ID_TSB)
	{
		bool		have = false;

		interval = 0.0;			/* the demand probability */
		for (t = 0; t < n; t++)
		{
			double		f = have ? interval * size : 0.0;

			if (t == 0)
			{
				if (resid)
					resid[0] = NAN;
			}
			else
				ACCUMULATE(t, f);
			if (!have)
			{
				if (y[t] > 0.0)
				{
					size = y[t];
					interval = 1.0 / (t + 1);
					have = true;
				}
			}
			else if (y[t] > 0.0)
			{
				interval += beta * (1.0 - interval);
				if (interval > 1.0)
					interval = 1.0; /* rounding */
				size += alpha * (y[t] - size);
			}
			else
				interval -= beta * interval;
		}
	}
	else
	{
		int			j,
					i;
		double		level = cx->tot[0];

		for (t = 0; t < cx->skip + cx->k && t < n; t++)
			if (resid)
				resid[t] = NAN;
		for (j = 1; j < cx->nb; j++)
		{
			for (i = 0; i < cx->k; i++)
				ACCUMULATE(cx->skip + j * cx->k + i, level / cx->k);
			level += alpha * (cx->tot[j] - level);
		}
		size = level;
		interval = cx->k;
	}
#undef ACCUMULATE

	if (st)
	{
		st->size = size;
		st->interval = interval;
	}
	return cnt > 0 ? acc / cnt : NAN;
}

/* parameters from an optimiser vector */
static void
params_of(const IdCtx *cx, const double *x, double *a, double *b)
{
	int			i = 0;

	*a = cx->free_a ? x[i++] : cx->alpha;
	if (cx->tied)
		*b = *a;
	else
		*b = cx->free_b ? x[i] : cx->beta;
}

static double
objective(const double *x, void *ctx)
{
	const IdCtx *cx = ctx;
	double		a,
				b,
				f;

	params_of(cx, x, &a, &b);
	f = run_method(cx, a, b, NULL, NULL);
	return isfinite(f) ? f : FC_OPTIM_PENALTY;
}

/* 1-D: grid of step 0.01 (the default evaluated first, kept on ties),
 * then golden section within one grid step of the best point */
static void
optimise_1d(const IdCtx *cx, double *x)
{
	double		best,
				bx,
				a,
				b,
				x1,
				x2,
				f1,
				f2;
	int			i,
				it;
	const double gr = 0.6180339887498949;

	bx = DEFAULT_PARAM;
	best = objective(&bx, (void *) cx);
	for (i = 1; i <= 100; i++)
	{
		double		p = 0.01 * i,
					f = objective(&p, (void *) cx);

		if (f < best)
		{
			best = f;
			bx = p;
		}
	}
	a = fmax(PARAM_LO, bx - 0.01);
	b = fmin(PARAM_HI, bx + 0.01);
	x1 = b - gr * (b - a);
	x2 = a + gr * (b - a);
	f1 = objective(&x1, (void *) cx);
	f2 = objective(&x2, (void *) cx);
	for (it = 0; it < 60 && b - a > 1e-8; it++)
	{
		if (f1 <= f2)
		{
			b = x2;
			x2 = x1;
			f2 = f1;
			x1 = b - gr * (b - a);
			f1 = objective(&x1, (void *) cx);
		}
		else
		{
			a = x1;
			x1 = x2;
			f1 = f2;
			x2 = a + gr * (b - a);
			f2 = objective(&x2, (void *) cx);
		}
	}
	if (f1 < best && f1 <= f2)
		bx = x1;
	else if (f2 < best)
		bx = x2;
	*x = bx;
}

/* 2-D (TSB alpha and beta): 20 x 20 grid, then Nelder-Mead */
static void
optimise_2d(const IdCtx *cx, double *x)
{
	static const double grid[] = {0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15,
	0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0};
	double		best,
				p[2],
				lo[2] = {PARAM_LO, PARAM_LO},
				hi[2] = {PARAM_HI, PARAM_HI},
				step[2] = {0.05, 0.05};
	int			i,
				j;
	FcNMOptions opt;
	FcNMResult	res;

	x[0] = x[1] = DEFAULT_PARAM;
	best = objective(x, (void *) cx);
	for (i = 0; i < 20; i++)
		for (j = 0; j < 20; j++)
		{
			double		f;

			p[0] = grid[i];
			p[1] = grid[j];
			f = objective(p, (void *) cx);
			if (f < best)
			{
				best = f;
				x[0] = p[0];
				x[1] = p[1];
			}
		}
	if (!(best < FC_OPTIM_PENALTY / 10))
		return;
	p[0] = x[0];
	p[1] = x[1];
	fc_nm_options_init(&opt, 2);
	if (fc_nelder_mead(objective, (void *) cx, 2, p, step, lo, hi, &opt, &res) == FC_OK &&
		res.fmin < best)
	{
		x[0] = p[0];
		x[1] = p[1];
	}
}

FcStatus
fc_intermittent_fit(FcIntermittentMethod method, const double *y, int n,
					const FcIntermittentControl *ctl_in,
					FcIntermittentModel *out, double *resid)
{
	FcIntermittentControl ctl;
	IdCtx		cx;
	double		adi,
				cv2,
				alpha,
				beta;
	int			t,
				nz = 0;

	if (ctl_in)
		ctl = *ctl_in;
	else
		fc_intermittent_control_init(&ctl);
	if (y == NULL || out == NULL ||
		(method != FC_ID_CROSTON && method != FC_ID_SBA &&
		 method != FC_ID_TSB && method != FC_ID_ADIDA) ||
		(ctl.loss != FC_ID_LOSS_MSE && ctl.loss != FC_ID_LOSS_MAE) ||
		ctl.aggregation < 0)
		return FC_ERR_BAD_ARGUMENT;
	if (!isnan(ctl.alpha) && !(ctl.alpha >= 0.0 && ctl.alpha <= 1.0))
		return FC_ERR_BAD_ARGUMENT;
	if (!isnan(ctl.beta) && !(ctl.beta >= 0.0 && ctl.beta <= 1.0))
		return FC_ERR_BAD_ARGUMENT;
	if (n < 1)
		return FC_ERR_TOO_SHORT;
	for (t = 0; t < n; t++)
	{
		if (!isfinite(y[t]))
			return FC_ERR_NONFINITE;
		if (y[t] < 0.0)
			return FC_ERR_BAD_ARGUMENT;
		nz += y[t] > 0.0;
	}

	cx.method = method;
	cx.y = y;
	cx.n = n;
	cx.loss = ctl.loss;
	cx.k = 1;
	cx.nb = 0;
	cx.skip = 0;
	cx.tot = NULL;
	if (method == FC_ID_ADIDA)
	{
		int			j;

		if (ctl.aggregation > 0)
			cx.k = ctl.aggregation;
		else
		{
			fc_intermittent_classify(y, n, &adi, &cv2);
			cx.k = isnan(adi) ? 1 : (int) floor(adi + 0.5);
		}
		if (cx.k < 1)
			cx.k = 1;
		if (cx.k > n)
			cx.k = n;
		cx.nb = n / cx.k;
		cx.skip = n - cx.nb * cx.k;
		cx.tot = fc_alloc(sizeof(double) * cx.nb);
		for (j = 0; j < cx.nb; j++)
			for (t = 0; t < cx.k; t++)
				cx.tot[j] += y[cx.skip + j * cx.k + t];
	}

	/* which parameters are free */
	cx.tied = (method == FC_ID_CROSTON || method == FC_ID_SBA) && isnan(ctl.beta);
	cx.alpha = isnan(ctl.alpha) ? DEFAULT_PARAM : ctl.alpha;
	cx.beta = isnan(ctl.beta) ? DEFAULT_PARAM : ctl.beta;
	cx.free_a = ctl.optimise && isnan(ctl.alpha);
	cx.free_b = ctl.optimise && isnan(ctl.beta) && !cx.tied && method != FC_ID_ADIDA;
	if (cx.free_a && cx.free_b)
	{
		double		x[2];

		optimise_2d(&cx, x);
		cx.alpha = x[0];
		cx.beta = x[1];
	}
	else if (cx.free_a || cx.free_b)
	{
		double		x;

		optimise_1d(&cx, &x);
		if (cx.free_a)
			cx.alpha = x;
		else
			cx.beta = x;
	}
	alpha = cx.alpha;
	beta = cx.tied ? alpha : cx.beta;
	if (method == FC_ID_ADIDA)
		beta = 0.0;

	out->method = method;
	out->n = n;
	out->nonzero = nz;
	out->aggregation = cx.k;
	out->alpha = alpha;
	out->beta = beta;
	out->loss = run_method(&cx, alpha, beta, out, resid);
	if (cx.tot)
		fc_free(cx.tot);
	if (!isfinite(out->size) || !isfinite(out->interval) ||
		!isfinite(fc_intermittent_point(out)))
		return FC_ERR_NONFINITE;
	return FC_OK;
}

double
fc_intermittent_point(const FcIntermittentModel *fit)
{
	return point_of(fit->method, fit->size, fit->interval, fit->beta,
					fit->aggregation);
}

FcStatus
fc_intermittent_forecast(const FcIntermittentModel *fit, int h, double level,
						 double *mean, double *lo, double *hi)
{
	double		f;
	int			i;

	if (h < 1 || mean == NULL || (lo == NULL) != (hi == NULL))
		return FC_ERR_BAD_ARGUMENT;
	if (lo && !(level > 0.0 && level < 1.0))
		return FC_ERR_BAD_ARGUMENT;
	f = fc_intermittent_point(fit);
	for (i = 0; i < h; i++)
	{
		mean[i] = f;
		if (lo)
		{
			lo[i] = NAN;
			hi[i] = NAN;
		}
	}
	return FC_OK;
}

/* ------------------------------------------------------------------ */
/* flat storage:
 *	 0 tag, 1 version, 2 method, 3 n, 4 nonzero, 5 aggregation, 6 alpha,
 *	 7 beta, 8 size, 9 interval, 10 loss */

int
fc_intermittent_state_size(const FcIntermittentModel *fit)
{
	(void) fit;
	return FC_INTERMITTENT_STATE_SIZE;
}

void
fc_intermittent_pack(const FcIntermittentModel *fit, double *dst)
{
	dst[0] = PACK_TAG;
	dst[1] = PACK_VERSION;
	dst[2] = (double) fit->method;
	dst[3] = (double) fit->n;
	dst[4] = (double) fit->nonzero;
	dst[5] = (double) fit->aggregation;
	dst[6] = fit->alpha;
	dst[7] = fit->beta;
	dst[8] = fit->size;
	dst[9] = fit->interval;
	dst[10] = fit->loss;
}

FcStatus
fc_intermittent_unpack(const double *src, int len, FcIntermittentModel *out)
{
	int			method,
				n;

	if (src == NULL || out == NULL || len != FC_INTERMITTENT_STATE_SIZE)
		return FC_ERR_BAD_ARGUMENT;
	if (src[0] != PACK_TAG || src[1] != PACK_VERSION)
		return FC_ERR_BAD_ARGUMENT;
	if (!fc_packed_int_in(src[2], 0, 3) || !fc_packed_int_in(src[3], 1, 2147483647.0))
		return FC_ERR_BAD_ARGUMENT;
	method = (int) src[2];
	n = (int) src[3];
	if (!fc_packed_int_in(src[4], 0, n) || !fc_packed_int_in(src[5], 1, n))
		return FC_ERR_BAD_ARGUMENT;
	if (method != FC_ID_ADIDA && src[5] != 1.0)
		return FC_ERR_BAD_ARGUMENT;
	if (!(src[6] >= 0.0 && src[6] <= 1.0) || !(src[7] >= 0.0 && src[7] <= 1.0))
		return FC_ERR_BAD_ARGUMENT;
	if (!(src[8] >= 0.0 && isfinite(src[8])))
		return FC_ERR_BAD_ARGUMENT;
	switch (method)
	{
		case FC_ID_CROSTON:
		case FC_ID_SBA:
			/* a smoothed interval is an average of intervals >= 1 */
			if (!(src[9] >= 1.0 && src[9] <= n * (1.0 + 1e-9)))
				return FC_ERR_BAD_ARGUMENT;
			break;
		case FC_ID_TSB:
			if (!(src[9] >= 0.0 && src[9] <= 1.0))
				return FC_ERR_BAD_ARGUMENT;
			break;
		default:
			if (src[9] != src[5])
				return FC_ERR_BAD_ARGUMENT;
			break;
	}
	if (!(isnan(src[10]) || (src[10] >= 0.0 && isfinite(src[10]))))
		return FC_ERR_BAD_ARGUMENT;
	out->method = (FcIntermittentMethod) method;
	out->n = n;
	out->nonzero = (int) src[4];
	out->aggregation = (int) src[5];
	out->alpha = src[6];
	out->beta = src[7];
	out->size = src[8];
	out->interval = src[9];
	out->loss = src[10];
	return FC_OK;
}
