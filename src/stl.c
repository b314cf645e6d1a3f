/*
 * stl.c
 *	  STL decomposition (see stl.h), written from the description in
 *	  Cleveland et al. (1990), section 2 and 3.
 *
 * Index conventions.  The series is y[0..n-1]; loess abscissae are indices.
 * The cycle-subseries smoother extends each subseries by one value before
 * its first and after its last observation, so its output C covers times
 * -np .. n+np-1 and is stored at C[t + np] (n + 2 np values).  The three
 * moving averages (np, np, 3) shorten that by np - 1, np - 1 and 2: exactly
 * n values, aligned with y.
 */
#include "fc_port.h"

#include <limits.h>
#include <math.h>

#include "stl.h"

/*
 * Both weight functions (tricube, bisquare) are cut off as in R's stl: a
 * weight is exactly 1 within NEAR of the scale and exactly 0 beyond FAR.
 * That changes one weight by less than 2e-6, but the robustness passes
 * carry such differences on (three passes over UKgas: 6e-7 of the scale
 * without the cut-offs, 5e-11 with them), so agreement with R needs them.
 */
#define NEAR 0.001
#define FAR 0.999

/* settings with every default resolved and every window odd */
typedef struct StlParams
{
	int			np;
	int			ns,
				nt,
				nl;				/* windows (odd, >= 3) */
	int			sdeg,
				tdeg,
				ldeg;
	int			sjump,
				tjump,
				ljump;
	int			inner,
				outer;
	bool		periodic;
} StlParams;

/* scratch, all from one allocation */
typedef struct StlWork
{
	double	   *detr;			/* n: detrended / deseasonalised series */
	double	   *C;				/* n + 2 np: smoothed cycle-subseries */
	double	   *ma1;			/* n + np + 1: first moving average */
	double	   *ma2;			/* n + 2: second moving average */
	double	   *ma3;			/* n: third moving average */
	double	   *L;				/* n: low-pass of C */
	double	   *rw;				/* n: robustness weights */
	double	   *sub_y;			/* n / np + 1: one cycle-subseries */
	double	   *sub_w;			/* n / np + 1: its robustness weights */
	double	   *sub_out;		/* n / np + 3: its smooth, extended */
	double	   *wk;				/* n + 2 np: loess weights of one window */
} StlWork;

void
fc_stl_control_init(FcStlControl *c, int period, int s_window)
{
	c->period = period;
	c->s_window = s_window;
	c->s_degree = 0;
	c->t_window = 0;
	c->t_degree = 1;
	c->l_window = 0;
	c->l_degree = -1;
	c->s_jump = 0;
	c->t_jump = 0;
	c->l_jump = 0;
	c->robust = false;
	c->inner = 0;
	c->outer = -1;
}

/* ------------------------------------------------------------------ */
/* settings */

static int
next_odd(long long w)
{
	if (w % 2 == 0)
		w++;
	return w > INT_MAX ? INT_MAX : (int) w;
}

/* R's default jump, ceiling(window / 10), of the window as given */
static int
default_jump(long long w)
{
	return (int) ((w + 9) / 10);
}

/*
 * Resolve defaults as R's stl does.  Note that R computes the default jumps
 * and t_window from the windows before they are made odd.
 */
static FcStatus
resolve(const FcStlControl *c, int n, StlParams *p)
{
	long long	sw;

	if (c->period < 2)
		return FC_ERR_BAD_ARGUMENT;
	p->np = c->period;
	p->periodic = (c->s_window == FC_STL_PERIODIC);
	if (p->periodic)
	{
		/* a window far wider than any subseries, with a local constant */
		sw = 10LL * n + 1;
		if (sw > INT_MAX)
			return FC_ERR_BAD_ARGUMENT;
		p->sdeg = 0;
	}
	else
	{
		if (c->s_window < 3)
			return FC_ERR_BAD_ARGUMENT;
		sw = c->s_window;
		p->sdeg = c->s_degree;
	}
	p->tdeg = c->t_degree;
	p->ldeg = c->l_degree == -1 ? c->t_degree : c->l_degree;
	if (p->sdeg < 0 || p->sdeg > 1 || p->tdeg < 0 || p->tdeg > 1 ||
		p->ldeg < 0 || p->ldeg > 1)
		return FC_ERR_BAD_ARGUMENT;
	p->ns = next_odd(sw);

	if (c->t_window == 0)
	{
		double		tw = ceil(1.5 * p->np / (1.0 - 1.5 / (double) sw));

		p->nt = next_odd(tw > INT_MAX ? INT_MAX : (long long) tw);
	}
	else if (c->t_window >= 3)
		p->nt = next_odd(c->t_window);
	else
		return FC_ERR_BAD_ARGUMENT;

	if (c->l_window == 0)
		p->nl = next_odd(p->np);
	else if (c->l_window >= 3)
		p->nl = next_odd(c->l_window);
	else
		return FC_ERR_BAD_ARGUMENT;

	if (c->s_jump < 0 || c->t_jump < 0 || c->l_jump < 0)
		return FC_ERR_BAD_ARGUMENT;
	p->sjump = c->s_jump ? c->s_jump : default_jump(sw);
	p->tjump = c->t_jump ? c->t_jump :
		default_jump(c->t_window ? c->t_window : p->nt);
	p->ljump = c->l_jump ? c->l_jump :
		default_jump(c->l_window ? c->l_window : p->nl);

	if (c->inner < 0 || c->outer < -1)
		return FC_ERR_BAD_ARGUMENT;
	p->inner = c->inner ? c->inner : (c->robust ? 1 : 2);
	p->outer = c->outer >= 0 ? c->outer : (c->robust ? 15 : 0);
	return FC_OK;
}

/* ------------------------------------------------------------------ */
/* loess */

/*
 * Loess estimate at abscissa xs (an index, possibly just outside 0..n-1)
 * from the window y[nl..nr] of a series of length n, for a smoother of
 * span len and degree 0 or 1; rw (may be NULL) multiplies the tricube
 * weights.  wk receives the weights (nr - nl + 1 values).  Returns false
 * when every weight vanishes (the caller then falls back to a neighbour).
 */
static bool
loess_point(const double *y, const double *rw, int n, int len, int degree,
			double xs, int nl, int nr, double *wk, double *out)
{
	double		h = fmax(xs - nl, nr - xs);
	double		wsum = 0.0,
				fit = 0.0;
	int			j;

	/*
	 * The tricube scale is the distance to the farthest point of the window.
	 * A span wider than the series widens it further, so that a huge span
	 * tends to equal weights (the "periodic" seasonal is a mean).
	 */
	if (len > n)
		h += (len - n) / 2;

	for (j = nl; j <= nr; j++)
	{
		double		r = fabs(j - xs);
		double		w;

		if (r <= NEAR * h)
			w = 1.0;
		else if (r <= FAR * h)
		{
			double		u = r / h;

			u = 1.0 - u * u * u;
			w = u * u * u;
		}
		else
			w = 0.0;
		if (rw)
			w *= rw[j];
		wk[j - nl] = w;
		wsum += w;
	}
	if (!(wsum > 0.0))
		return false;

	if (degree == 1 && h > 0.0)
	{
		double		xbar = 0.0,
					spread = 0.0;

		for (j = nl; j <= nr; j++)
			xbar += wk[j - nl] * j;
		xbar /= wsum;
		for (j = nl; j <= nr; j++)
			spread += wk[j - nl] * (j - xbar) * (j - xbar);
		spread /= wsum;

		/*
		 * A local line only where the abscissae are spread out enough to
		 * determine a slope; otherwise (robustness weights leave one or two
		 * neighbouring points) the local mean is the honest estimate.
		 */
		if (sqrt(spread) > 0.001 * (n - 1))
		{
			double		b = (xs - xbar) / spread;

			for (j = nl; j <= nr; j++)
				fit += wk[j - nl] * (1.0 + b * (j - xbar)) * y[j];
			*out = fit / wsum;
			return true;
		}
	}
	for (j = nl; j <= nr; j++)
		fit += wk[j - nl] * y[j];
	*out = fit / wsum;
	return true;
}

/* the len nearest neighbours of index i: a centred window, clamped */
static void
window_at(int i, int n, int len, int *nl, int *nr)
{
	if (len >= n)
	{
		*nl = 0;
		*nr = n - 1;
		return;
	}
	*nl = i - (len - 1) / 2;
	if (*nl < 0)
		*nl = 0;
	if (*nl > n - len)
		*nl = n - len;
	*nr = *nl + len - 1;
}

static void
smooth_at(const double *y, const double *rw, int n, int len, int degree,
		  int i, double *wk, double *out)
{
	int			nl,
				nr;

	window_at(i, n, len, &nl, &nr);
	if (!loess_point(y, rw, n, len, degree, i, nl, nr, wk, &out[i]))
		out[i] = y[i];
}

static void
interpolate(double *out, int a, int b)
{
	double		slope = (out[b] - out[a]) / (b - a);
	int			j;

	for (j = a + 1; j < b; j++)
		out[j] = out[a] + slope * (j - a);
}

/*
 * Loess smooth of y[0..n-1] into out, evaluated at every jump-th index and
 * the last one, linear in between (the jumps are where STL's speed comes
 * from: the smooth is close to linear over a tenth of its span).
 */
static void
loess_smooth(const double *y, const double *rw, int n, int len, int degree,
			 int jump, double *out, double *wk)
{
	int			i,
				last = -1;

	if (n < 2)
	{
		out[0] = y[0];
		return;
	}
	if (jump > n - 1)
		jump = n - 1;
	for (i = 0; i < n; i += jump)
	{
		fc_check_interrupts();
		smooth_at(y, rw, n, len, degree, i, wk, out);
		if (last >= 0)
			interpolate(out, last, i);
		last = i;
	}
	if (last < n - 1)
	{
		smooth_at(y, rw, n, len, degree, n - 1, wk, out);
		interpolate(out, last, n - 1);
	}
}

/* ------------------------------------------------------------------ */
/* the inner loop's steps */

/*
 * Step 2: smooth each cycle-subseries (the values at one position of the
 * cycle) and extend it by one value at each end, so that the low-pass
 * filter of step 3 returns a full-length series.
 */
static void
smooth_subseries(const double *x, const double *rw, int n, const StlParams *p,
				 StlWork *w)
{
	int			np = p->np;
	int			j,
				m;

	for (j = 0; j < np; j++)
	{
		int			k = (n - 1 - j) / np + 1;	/* subseries length, >= 2 */
		double	   *out = w->sub_out;
		const double *sw = rw ? w->sub_w : NULL;

		for (m = 0; m < k; m++)
		{
			w->sub_y[m] = x[j + m * np];
			if (rw)
				w->sub_w[m] = rw[j + m * np];
		}
		loess_smooth(w->sub_y, sw, k, p->ns, p->sdeg, p->sjump, out + 1, w->wk);
		if (!loess_point(w->sub_y, sw, k, p->ns, p->sdeg, -1.0,
						 0, (p->ns < k ? p->ns : k) - 1, w->wk, &out[0]))
			out[0] = out[1];
		if (!loess_point(w->sub_y, sw, k, p->ns, p->sdeg, (double) k,
						 (k - p->ns > 0 ? k - p->ns : 0), k - 1, w->wk, &out[k + 1]))
			out[k + 1] = out[k];
		for (m = 0; m < k + 2; m++)
			w->C[j + m * np] = out[m];
	}
}

/* out[i] = mean of x[i..i+len-1], i = 0..n-len */
static void
moving_average(const double *x, int n, int len, double *out)
{
	double		s = 0.0;
	int			i;

	for (i = 0; i < len; i++)
		s += x[i];
	out[0] = s / len;
	for (i = 1; i <= n - len; i++)
	{
		s += x[i + len - 1] - x[i - 1];
		out[i] = s / len;
	}
}

/*
 * Step 3: low-pass filter of C, which picks up what of the trend leaked
 * into the subseries smooths (it is subtracted in step 4).
 */
static void
low_pass(int n, const StlParams *p, StlWork *w)
{
	int			np = p->np;

	moving_average(w->C, n + 2 * np, np, w->ma1);
	moving_average(w->ma1, n + np + 1, np, w->ma2);
	moving_average(w->ma2, n + 2, 3, w->ma3);
	loess_smooth(w->ma3, NULL, n, p->nl, p->ldeg, p->ljump, w->L, w->wk);
}

/* Steps 1 to 6, `inner` times; trend carries over from the previous pass */
static void
inner_loop(const double *y, int n, const StlParams *p, const double *rw,
		   double *seasonal, double *trend, StlWork *w)
{
	int			it,
				i;

	for (it = 0; it < p->inner; it++)
	{
		fc_check_interrupts();
		for (i = 0; i < n; i++)
			w->detr[i] = y[i] - trend[i];
		smooth_subseries(w->detr, rw, n, p, w);
		low_pass(n, p, w);
		for (i = 0; i < n; i++)
			seasonal[i] = w->C[p->np + i] - w->L[i];
		for (i = 0; i < n; i++)
			w->detr[i] = y[i] - seasonal[i];
		loess_smooth(w->detr, rw, n, p->nt, p->tdeg, p->tjump, trend, w->wk);
	}
}

/* k-th smallest of a[0..n-1] (0-based), partially reordering a */
static double
select_kth(double *a, int n, int k)
{
	int			lo = 0,
				hi = n - 1;

	while (lo < hi)
	{
		double		pivot = a[k];
		int			i = lo,
					j = hi;

		do
		{
			while (a[i] < pivot)
				i++;
			while (pivot < a[j])
				j--;
			if (i <= j)
			{
				double		t = a[i];

				a[i] = a[j];
				a[j] = t;
				i++;
				j--;
			}
		} while (i <= j);
		if (j < k)
			lo = i;
		if (k < i)
			hi = j;
	}
	return a[k];
}

/*
 * Robustness weights: bisquare of |remainder| / h, h = 6 median |remainder|
 * (Cleveland et al. 1990, section 2.4); the true median, for even n the
 * mean of the two middle values (see stl.h on R).  scratch holds n values.
 */
static void
robustness_weights(const double *y, const double *seasonal,
				   const double *trend, int n, double *rw, double *scratch)
{
	int			lo = (n - 1) / 2,
				i;
	double		med,
				h;

	for (i = 0; i < n; i++)
		scratch[i] = fabs(y[i] - seasonal[i] - trend[i]);
	med = select_kth(scratch, n, lo);
	if (n % 2 == 0)
	{
		/* the upper middle value is the least of those above lo */
		double		up = scratch[lo + 1];

		for (i = lo + 2; i < n; i++)
			if (scratch[i] < up)
				up = scratch[i];
		med = 0.5 * (med + up);
	}
	h = 6.0 * med;
	for (i = 0; i < n; i++)
	{
		double		r = fabs(y[i] - seasonal[i] - trend[i]);

		if (r <= NEAR * h)
			rw[i] = 1.0;
		else if (r <= FAR * h)
		{
			double		u = r / h;

			rw[i] = (1.0 - u * u) * (1.0 - u * u);
		}
		else
			rw[i] = 0.0;
	}
}

/* R's stl makes a "periodic" seasonal exactly periodic: per-position means */
static void
make_periodic(double *seasonal, int n, int np)
{
	int			j,
				t;

	for (j = 0; j < np; j++)
	{
		double		s = 0.0;
		int			cnt = 0;

		for (t = j; t < n; t += np)
		{
			s += seasonal[t];
			cnt++;
		}
		s /= cnt;
		for (t = j; t < n; t += np)
			seasonal[t] = s;
	}
}

/* ------------------------------------------------------------------ */

FcStatus
fc_stl(const double *y, int n, const FcStlControl *c,
	   double *seasonal, double *trend, double *remainder, double *weights)
{
	StlParams	p;
	StlWork		w;
	FcStatus	st;
	double	   *block;
	size_t		sub,
				total;
	int			pass,
				i;

	if (c->period < 2)
		return FC_ERR_BAD_ARGUMENT;
	if (n <= 2LL * c->period)
		return FC_ERR_TOO_SHORT;
	st = resolve(c, n, &p);
	if (st != FC_OK)
		return st;
	for (i = 0; i < n; i++)
		if (!isfinite(y[i]))
			return FC_ERR_NONFINITE;

	sub = (size_t) (n / p.np) + 3;
	total = 8 * (size_t) n + 4 * (size_t) p.np + 3 + 3 * sub + 8;
	block = fc_alloc(sizeof(double) * total);
	w.detr = block;
	w.C = w.detr + n;
	w.ma1 = w.C + n + 2 * p.np;
	w.ma2 = w.ma1 + n + p.np + 1;
	w.ma3 = w.ma2 + n + 2;
	w.L = w.ma3 + n;
	w.rw = w.L + n;
	w.sub_y = w.rw + n;
	w.sub_w = w.sub_y + sub;
	w.sub_out = w.sub_w + sub;
	w.wk = w.sub_out + sub;		/* n + np + 8 left: any window fits */

	for (i = 0; i < n; i++)
		trend[i] = 0.0;
	for (pass = 0;; pass++)
	{
		inner_loop(y, n, &p, pass > 0 ? w.rw : NULL, seasonal, trend, &w);
		if (pass >= p.outer)
			break;
		/* ma1 is free between passes: scratch for the median */
		robustness_weights(y, seasonal, trend, n, w.rw, w.ma1);
	}
	if (p.outer == 0)
		for (i = 0; i < n; i++)
			w.rw[i] = 1.0;

	if (p.periodic)
		make_periodic(seasonal, n, p.np);
	if (remainder)
		for (i = 0; i < n; i++)
			remainder[i] = y[i] - seasonal[i] - trend[i];
	if (weights)
		for (i = 0; i < n; i++)
			weights[i] = w.rw[i];
	fc_free(block);
	return FC_OK;
}
