/*
 * theta_test.c
 *	  Standalone tests of the Theta kernel (src/theta.c) against R's
 *	  forecast::thetaf (test/reference/, made by make_theta_reference.R),
 *	  closed-form checks, flat-storage round trips and forged arrays.
 *
 *	 theta_test [refdir]			  all checks (exit 1 on failure)
 *	 theta_test --bench train.csv m h test.csv [variant]
 *		fit every series (variant "standard" (default) or "optimised"),
 *		score sMAPE/MASE and OWA against Naive2 (M4 definitions).
 *
 * Tolerances against R (stated once here).  R's ses() estimates alpha and
 * l_0 with a general-purpose optimiser that stops early on flat surfaces;
 * we minimise the same SSE exactly (profiled l_0, golden section on alpha).
 * So: our SES SSE (sigma2) <= R's * (1 + 1e-6); where our alpha is within
 * 0.01 of R's, point forecasts and interval bounds within 0.1% of mean |y|
 * (observed: <= 1e-4); otherwise (flat SSE, different alpha) within 5%
 * (points) and 10% (bounds).  The seasonal decision must match exactly, and
 * the drift (half the slope) to 1e-8.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/theta.h"
#include "../../src/season.h"
#include "../../src/optim.h"
#include "testlib.h"

/* ------------------------------------------------------------------ */
/* reference data */

typedef struct Series
{
	char		name[32];
	int			m;
	int			n,
				cap;
	double	   *y;
} Series;

/* series files: name,m,t,y (reference) or series_id,t,y (M4) */
static Series *
load_series(const char *path, int has_m, int *count)
{
	FILE	   *fp = fopen(path, "r");
	char		line[512];
	char	   *f[8];
	Series	   *arr = NULL;
	int			ns = 0,
				cap = 0;

	*count = 0;
	if (!fp)
		return NULL;
	if (!fgets(line, sizeof line, fp))
	{
		fclose(fp);
		return NULL;
	}
	while (fgets(line, sizeof line, fp))
	{
		Series	   *s;
		int			nf = split_csv(line, f, 8);

		if (nf < (has_m ? 4 : 3))
			continue;
		if (ns == 0 || strcmp(arr[ns - 1].name, f[0]) != 0)
		{
			if (ns == cap)
			{
				cap = cap ? 2 * cap : 64;
				arr = realloc(arr, cap * sizeof(Series));
			}
			s = &arr[ns++];
			memset(s, 0, sizeof(*s));
			snprintf(s->name, sizeof s->name, "%s", f[0]);
			s->m = has_m ? atoi(f[1]) : 1;
		}
		s = &arr[ns - 1];
		if (s->n == s->cap)
		{
			s->cap = s->cap ? 2 * s->cap : 256;
			s->y = realloc(s->y, s->cap * sizeof(double));
		}
		s->y[s->n++] = num(f[has_m ? 3 : 2]);
	}
	fclose(fp);
	*count = ns;
	return arr;
}

static void
free_series(Series *s, int ns)
{
	int			i;

	for (i = 0; i < ns; i++)
		free(s[i].y);
	free(s);
}

static Series *
find_series(Series *s, int ns, const char *name)
{
	int			i;

	for (i = 0; i < ns; i++)
		if (strcmp(s[i].name, name) == 0)
			return &s[i];
	return NULL;
}

/* ------------------------------------------------------------------ */
/* agreement with R's thetaf */

static void
check_reference(const char *refdir)
{
	char		path[1024];
	char		line[1024];
	char	   *f[16];
	Series	   *ser;
	int			ns,
				nfit = 0;
	FILE	   *fp;

	snprintf(path, sizeof path, "%s/theta_series.csv", refdir);
	ser = load_series(path, 1, &ns);
	if (!ser)
	{
		printf("FAIL: cannot read %s\n", path);
		n_fail++;
		return;
	}
	snprintf(path, sizeof path, "%s/theta_fit.csv", refdir);
	fp = fopen(path, "r");
	if (!fp || !fgets(line, sizeof line, fp))
	{
		printf("FAIL: cannot read %s\n", path);
		n_fail++;
		free_series(ser, ns);
		if (fp)
			fclose(fp);
		return;
	}
	while (fgets(line, sizeof line, fp))
	{
		char		name[32];
		int			seasonal_r,
					h = 0,
					i;
		double		alpha_r,
					drift_r,
					sigma2_r,
					scale = 0.0,
					maxd_mean = 0.0,
					maxd_int = 0.0;
		double		mean[64],
					lo80[64],
					hi80[64],
					lo95[64],
					hi95[64];
		double		rmean[64],
					rlo80[64],
					rhi80[64],
					rlo95[64],
					rhi95[64];
		Series	   *s;
		FcThetaModel fit;
		FcStatus	st;
		FILE	   *fq;
		char		l2[1024];
		double		tol_m,
					tol_i;

		if (split_csv(line, f, 16) < 7)
			continue;
		snprintf(name, sizeof name, "%s", f[0]);
		seasonal_r = atoi(f[3]);
		alpha_r = num(f[4]);
		drift_r = num(f[5]);
		sigma2_r = num(f[6]);
		s = find_series(ser, ns, name);
		if (!s)
			continue;
		st = fc_theta_fit(s->y, s->n, s->m, NULL, &fit, NULL);
		CHECK(st == FC_OK, "%s: fit status %d", name, st);
		if (st != FC_OK)
			continue;
		nfit++;
		for (i = 0; i < s->n; i++)
			scale += fabs(s->y[i]);
		scale /= s->n;

		/* R forecasts for this series */
		snprintf(path, sizeof path, "%s/theta_forecasts.csv", refdir);
		fq = fopen(path, "r");
		if (fq)
		{
			while (fgets(l2, sizeof l2, fq))
			{
				char	   *g[8];

				if (split_csv(l2, g, 8) < 7 || strcmp(g[0], name) != 0)
					continue;
				i = atoi(g[1]) - 1;
				if (i < 0 || i >= 64)
					continue;
				rmean[i] = num(g[2]);
				rlo80[i] = num(g[3]);
				rhi80[i] = num(g[4]);
				rlo95[i] = num(g[5]);
				rhi95[i] = num(g[6]);
				if (i + 1 > h)
					h = i + 1;
			}
			fclose(fq);
		}
		CHECK(h > 0, "%s: no R forecasts", name);
		if (h == 0)
		{
			fc_theta_model_free(&fit);
			continue;
		}
		fc_theta_forecast(&fit, h, 0.80, mean, lo80, hi80);
		fc_theta_forecast(&fit, h, 0.95, mean, lo95, hi95);
		for (i = 0; i < h; i++)
		{
			double		d = fabs(mean[i] - rmean[i]) / scale;

			if (d > maxd_mean)
				maxd_mean = d;
			d = fmax(fmax(fabs(lo80[i] - rlo80[i]), fabs(hi80[i] - rhi80[i])),
					 fmax(fabs(lo95[i] - rlo95[i]), fabs(hi95[i] - rhi95[i]))) / scale;
			if (d > maxd_int)
				maxd_int = d;
		}
		CHECK((fit.seasonal ? 1 : 0) == seasonal_r, "%s: seasonal %d, R %d", name,
			  fit.seasonal, seasonal_r);
		CHECK(fit.sigma2 <= sigma2_r * (1 + 1e-6), "%s: sigma2 %.10g > R %.10g", name,
			  fit.sigma2, sigma2_r);
		CHECK(fabs(0.5 * fit.slope - drift_r) <= 1e-8 * (1 + fabs(drift_r)),
			  "%s: drift %.10g, R %.10g", name, 0.5 * fit.slope, drift_r);
		if (fabs(fit.alpha - alpha_r) <= 0.01)
		{
			tol_m = 1e-3;
			tol_i = 1e-3;
		}
		else
		{
			tol_m = 0.05;
			tol_i = 0.10;
		}
		CHECK(maxd_mean <= tol_m && maxd_int <= tol_i,
			  "%s: forecasts differ from R by %.4g (mean) %.4g (bounds) of mean|y| (alpha %.5f, R %.5f)",
			  name, maxd_mean, maxd_int, fit.alpha, alpha_r);
		printf("  %-14s n=%4d m=%2d seas=%d alpha %.5f (R %.5f) sigma2/R %.8f  max|diff|/scale mean %.2e bounds %.2e\n",
			   name, s->n, s->m, fit.seasonal, fit.alpha, alpha_r, fit.sigma2 / sigma2_r,
			   maxd_mean, maxd_int);
		fc_theta_model_free(&fit);
	}
	fclose(fp);
	CHECK(nfit >= 10, "only %d reference series fitted", nfit);
	free_series(ser, ns);
}

/* ------------------------------------------------------------------ */
/* closed forms and properties */

static void
check_properties(void)
{
	double		y[200],
				r[200],
				r2[200],
				mean[30],
				lo[30],
				hi[30],
				mean2[30];
	FcThetaModel fit,
				fit2;
	FcThetaControl ctl;
	FcStatus	st;
	int			t,
				i;
	double		sse;

	/* a straight line: SES + half slope drift reproduces it exactly? The
	 * standard theta forecast of y = 10 + 2t is l_n + (h - 1 + ...) B/2, the
	 * optimised one with theta -> large tracks the line. */
	for (t = 0; t < 50; t++)
		y[t] = 10.0 + 2.0 * (t + 1);
	st = fc_theta_fit(y, 50, 1, NULL, &fit, r);
	CHECK(st == FC_OK, "line: status %d", st);
	CHECK(fabs(fit.slope - 2.0) < 1e-10 && fabs(fit.intercept - 10.0) < 1e-9,
		  "line: A %g B %g", fit.intercept, fit.slope);
	fc_theta_forecast(&fit, 5, 0.95, mean, lo, hi);
	/* closed form with the fitted alpha and level */
	for (i = 0; i < 5; i++)
	{
		double		a = fit.alpha;
		double		want = fit.level + 1.0 * (i + (1 - pow(1 - a, 50)) / a);

		CHECK(fabs(mean[i] - want) < 1e-9 * (1 + fabs(want)), "line: mean[%d] %g want %g", i, mean[i], want);
		CHECK(lo[i] <= mean[i] && hi[i] >= mean[i], "line: interval order");
	}
	fc_theta_model_free(&fit);

	fc_theta_control_init(&ctl);
	ctl.variant = FC_THETA_OPTIMISED;
	st = fc_theta_fit(y, 50, 1, &ctl, &fit, r);
	CHECK(st == FC_OK, "line OTM: status %d", st);
	fc_theta_forecast(&fit, 5, 0.95, mean, NULL, NULL);
	for (i = 0; i < 5; i++)
		CHECK(fabs(mean[i] - (10.0 + 2.0 * (51 + i))) < 1e-3, "line OTM: mean[%d] %g want %g",
			  i, mean[i], 10.0 + 2.0 * (51 + i));
	CHECK(fit.mse < 1e-6, "line OTM: mse %g", fit.mse);
	fc_theta_model_free(&fit);

	/* a noisy series for the remaining checks */
	for (t = 0; t < 120; t++)
		y[t] = 100 + 0.3 * t + 8 * sin(t * 0.7) + 5 * cos(t * 1.3 + 0.2) + ((t * 37) % 11 - 5);

	/* residuals reproduce mse; resid[0] defined */
	st = fc_theta_fit(y, 120, 1, NULL, &fit, r);
	CHECK(st == FC_OK, "noisy: status %d", st);
	sse = 0;
	for (t = 0; t < 120; t++)
		sse += r[t] * r[t];
	CHECK(fabs(sse / 120 - fit.mse) < 1e-9 * fit.mse, "noisy: resid mse %g vs %g", sse / 120, fit.mse);
	CHECK(isfinite(r[0]), "noisy: resid[0] not finite");
	/* the one-step forecast from the fit equals y_n+1 - resid for an
	 * extended series?  Check instead: residual at t from the forecast
	 * of the model fitted with fixed parameters on the first t points is
	 * not the same (the slope differs), so only check consistency of
	 * forecast step 1 with the recursion form: level + drift term */
	fc_theta_forecast(&fit, 1, 0.9, mean, lo, hi);
	CHECK(fabs(mean[0] - (fit.level + 0.5 * fit.slope * (1 - pow(1 - fit.alpha, 120)) / fit.alpha)) < 1e-9 * fabs(mean[0]),
		  "noisy: step 1");
	fc_theta_model_free(&fit);

	/* OTM with theta fixed at 1 is SES: forecasts flat, equal to the SES
	 * level of the standard fit with the same alpha */
	fc_theta_control_init(&ctl);
	ctl.variant = FC_THETA_OPTIMISED;
	ctl.fixed_theta = 1.0;
	ctl.fixed_alpha = 0.3;
	st = fc_theta_fit(y, 120, 1, &ctl, &fit, r);
	CHECK(st == FC_OK, "OTM theta=1: status %d", st);
	fc_theta_forecast(&fit, 4, 0.9, mean, NULL, NULL);
	CHECK(fabs(mean[3] - mean[0]) < 1e-9 * fabs(mean[0]), "OTM theta=1: not flat");
	ctl.variant = FC_THETA_STANDARD;
	ctl.fixed_theta = NAN;
	st = fc_theta_fit(y, 120, 1, &ctl, &fit2, r2);
	CHECK(st == FC_OK && fabs(fit2.level - fit.level) < 1e-8 * fabs(fit.level),
		  "OTM theta=1 vs SES level %g %g", fit.level, fit2.level);
	CHECK(fabs(fit.init_level - fit2.init_level) < 1e-8 * fabs(fit.init_level),
		  "OTM theta=1 vs SES l0 %g %g", fit.init_level, fit2.init_level);
	fc_theta_model_free(&fit);
	fc_theta_model_free(&fit2);

	/* OTM MSE <= OTM with theta fixed at 2 <= SES (theta 1), nested */
	{
		double		mse_free,
					mse2,
					mse1;

		fc_theta_control_init(&ctl);
		ctl.variant = FC_THETA_OPTIMISED;
		fc_theta_fit(y, 120, 1, &ctl, &fit, NULL);
		mse_free = fit.mse;
		CHECK(fit.theta >= 1.0, "OTM theta %g < 1", fit.theta);
		fc_theta_model_free(&fit);
		ctl.fixed_theta = 2.0;
		fc_theta_fit(y, 120, 1, &ctl, &fit, NULL);
		mse2 = fit.mse;
		fc_theta_model_free(&fit);
		ctl.fixed_theta = 1.0;
		fc_theta_fit(y, 120, 1, &ctl, &fit, NULL);
		mse1 = fit.mse;
		fc_theta_model_free(&fit);
		CHECK(mse_free <= mse2 * (1 + 1e-9) && mse_free <= mse1 * (1 + 1e-9),
			  "OTM nesting: free %g theta2 %g theta1 %g", mse_free, mse2, mse1);
	}

	/* shift equivariance of both variants */
	for (i = 0; i < 2; i++)
	{
		double		ys[120];

		fc_theta_control_init(&ctl);
		ctl.variant = i == 0 ? FC_THETA_STANDARD : FC_THETA_OPTIMISED;
		for (t = 0; t < 120; t++)
			ys[t] = y[t] + 1e6;
		fc_theta_fit(y, 120, 1, &ctl, &fit, NULL);
		fc_theta_fit(ys, 120, 1, &ctl, &fit2, NULL);
		fc_theta_forecast(&fit, 10, 0.9, mean, NULL, NULL);
		fc_theta_forecast(&fit2, 10, 0.9, mean2, NULL, NULL);
		CHECK(fabs(mean2[9] - 1e6 - mean[9]) < 1e-4 && fabs(fit.alpha - fit2.alpha) < 1e-5,
			  "variant %d: shift equivariance %g vs %g (alpha %g %g)", i,
			  mean2[9] - 1e6, mean[9], fit.alpha, fit2.alpha);
		fc_theta_model_free(&fit);
		fc_theta_model_free(&fit2);
	}

	/* seasonal: decomposition indices average 1 and forecasts follow them */
	{
		double		ys[96],
					idx[96],
					sum = 0;

		for (t = 0; t < 96; t++)
			ys[t] = (50 + 0.2 * t) * (1 + 0.3 * sin(2 * M_PI * t / 12)) + ((t * 7) % 5) * 0.1;
		st = fc_theta_mult_indices(ys, 96, 12, idx);
		CHECK(st == FC_OK, "indices status %d", st);
		for (t = 0; t < 12; t++)
			sum += idx[t];
		CHECK(fabs(sum / 12 - 1) < 1e-12, "indices mean %g", sum / 12);
		CHECK(fabs(idx[3] - idx[15]) < 1e-15, "indices not periodic");
		st = fc_theta_fit(ys, 96, 12, NULL, &fit, r);
		CHECK(st == FC_OK && fit.seasonal, "seasonal fit: status %d seasonal %d", st, fit.seasonal);
		if (st == FC_OK && fit.seasonal)
		{
			CHECK(fabs(fit.season[0] - idx[0]) < 1e-12 && fabs(fit.season[5] - idx[5]) < 1e-12,
				  "forecast indices continue the cycle");
			fc_theta_forecast(&fit, 24, 0.95, mean, lo, hi);
			CHECK(fabs(mean[12] / mean[0] - 1) < 0.05, "seasonal forecast repeats");
		}
		fc_theta_model_free(&fit);
		ctl.season = FC_THETA_SEASON_NONE;
		fc_theta_control_init(&ctl);
		ctl.season = FC_THETA_SEASON_NONE;
		st = fc_theta_fit(ys, 96, 12, &ctl, &fit, r);
		CHECK(st == FC_OK && !fit.seasonal && fit.season == NULL, "season none");
		fc_theta_model_free(&fit);
		/* a zero disables the decomposition, no error */
		ys[10] = 0.0;
		st = fc_theta_fit(ys, 96, 12, NULL, &fit, r);
		CHECK(st == FC_OK && !fit.seasonal, "zero in seasonal series: %d %d", st, fit.seasonal);
		fc_theta_model_free(&fit);
	}
}


/* ------------------------------------------------------------------ */
/* the optimised variant against a direct 3-parameter search */

typedef struct OtmCtx
{
	const double *y;
	int			n;
	double		A,
				B;
} OtmCtx;

/* in-sample MSE of the OTM written out from Fiorucci et al. (2016) */
static double
otm_mse(const double *p, void *vctx)
{
	const OtmCtx *c = vctx;
	double		a = p[0],
				w = p[1],
				l = p[2],
				sse = 0;
	int			t;

	for (t = 1; t <= c->n; t++)
	{
		double		mu = l + w * (pow(1 - a, t - 1) * c->A + (1 - pow(1 - a, t)) / a * c->B);

		sse += (c->y[t - 1] - mu) * (c->y[t - 1] - mu);
		l = a * c->y[t - 1] + (1 - a) * l;
	}
	return sse / c->n;
}

static void
check_otm_direct(const char *refdir)
{
	static const char *names[] = {"Nile", "WWWusage", "BJsales", "W300", "short5", "lynx"};
	char		path[1024];
	Series	   *ser;
	int			ns,
				i;

	snprintf(path, sizeof path, "%s/theta_series.csv", refdir);
	ser = load_series(path, 1, &ns);
	for (i = 0; i < (int) (sizeof names / sizeof names[0]); i++)
	{
		Series	   *s = ser ? find_series(ser, ns, names[i]) : NULL;
		FcThetaModel fit;
		FcThetaControl ctl;
		OtmCtx		c;
		double		best = HUGE_VAL,
					mine;
		int			sa,
					sw;

		if (!s)
		{
			CHECK(0, "series %s missing", names[i]);
			continue;
		}
		fc_theta_control_init(&ctl);
		ctl.variant = FC_THETA_OPTIMISED;
		CHECK(fc_theta_fit(s->y, s->n, 1, &ctl, &fit, NULL) == FC_OK, "OTM %s", names[i]);
		c.y = s->y;
		c.n = s->n;
		c.A = fit.intercept;
		c.B = fit.slope;
		{
			double		p[3] = {fit.alpha, 1 - 1 / fit.theta, fit.init_level};

			mine = otm_mse(p, &c);
		}
		CHECK(fabs(mine - fit.mse) <= 1e-9 * fit.mse, "OTM %s: reported mse %g, recomputed %g",
			  names[i], fit.mse, mine);
		/* Nelder-Mead from a 3 x 3 set of starts (alpha, w), l0 = y_1 */
		for (sa = 0; sa < 3; sa++)
			for (sw = 0; sw < 3; sw++)
			{
				double		x[3] = {0.1 + 0.4 * sa, 0.3 * sw, s->y[0]};
				double		step[3] = {0.05, 0.1, 0.1 * (fabs(s->y[0]) + 1)};
				double		lo[3] = {1e-4, 0, -HUGE_VAL},
							hi[3] = {0.9999, 1 - 1e-6, HUGE_VAL};
				FcNMOptions opt;
				FcNMResult	res;

				fc_nm_options_init(&opt, 3);
				opt.max_eval = 3000;
				opt.max_restarts = 3;
				if (fc_nelder_mead(otm_mse, &c, 3, x, step, lo, hi, &opt, &res) == FC_OK &&
					res.fmin < best)
					best = res.fmin;
			}
		CHECK(fit.mse <= best * (1 + 1e-7), "OTM %s: mse %.10g, direct search %.10g", names[i],
			  fit.mse, best);
		printf("  OTM %-9s alpha %.4f theta %.4g mse %.6g (direct search %.6g)\n", names[i],
			   fit.alpha, fit.theta, fit.mse, best);
		fc_theta_model_free(&fit);
	}
	if (ser)
		free_series(ser, ns);
}

/* ------------------------------------------------------------------ */
/* bad input, flat storage, forged arrays */

static void
check_edges(void)
{
	double		y[40],
				r[40],
				mean[5],
				lo[5],
				hi[5],
				buf[64],
				forged[64];
	FcThetaModel fit,
				back;
	FcThetaControl ctl;
	FcStatus	st;
	int			t,
				i,
				len,
				v;

	for (t = 0; t < 40; t++)
		y[t] = 5 + (t % 4) + 0.1 * t;

	CHECK(fc_theta_fit(y, 2, 1, NULL, &fit, r) == FC_ERR_TOO_SHORT, "n=2");
	CHECK(fc_theta_fit(y, 0, 1, NULL, &fit, r) == FC_ERR_TOO_SHORT, "n=0");
	CHECK(fc_theta_fit(y, 10, 0, NULL, &fit, r) == FC_ERR_BAD_ARGUMENT, "m=0");
	CHECK(fc_theta_fit(NULL, 10, 1, NULL, &fit, r) == FC_ERR_BAD_ARGUMENT, "y NULL");
	y[5] = NAN;
	CHECK(fc_theta_fit(y, 10, 1, NULL, &fit, r) == FC_ERR_NONFINITE, "NaN");
	y[5] = INFINITY;
	CHECK(fc_theta_fit(y, 10, 1, NULL, &fit, r) == FC_ERR_NONFINITE, "Inf");
	y[5] = 6;
	fc_theta_control_init(&ctl);
	ctl.fixed_alpha = 1.5;
	CHECK(fc_theta_fit(y, 10, 1, &ctl, &fit, r) == FC_ERR_BAD_ARGUMENT, "alpha 1.5");
	fc_theta_control_init(&ctl);
	ctl.fixed_theta = 0.5;
	CHECK(fc_theta_fit(y, 10, 1, &ctl, &fit, r) == FC_ERR_BAD_ARGUMENT, "theta 0.5");
	fc_theta_control_init(&ctl);
	ctl.variant = (FcThetaVariant) 7;
	CHECK(fc_theta_fit(y, 10, 1, &ctl, &fit, r) == FC_ERR_BAD_ARGUMENT, "variant 7");

	/* constant series: flat forecast equal to the constant, zero width */
	{
		double		c[10] = {4, 4, 4, 4, 4, 4, 4, 4, 4, 4};

		for (v = 0; v < 2; v++)
		{
			fc_theta_control_init(&ctl);
			ctl.variant = v;
			st = fc_theta_fit(c, 10, 4, &ctl, &fit, r);
			CHECK(st == FC_OK, "constant: status %d", st);
			if (st != FC_OK)
				continue;
			fc_theta_forecast(&fit, 5, 0.95, mean, lo, hi);
			CHECK(fabs(mean[4] - 4) < 1e-9 && fabs(hi[4] - lo[4]) < 1e-6 && fabs(r[9]) < 1e-9,
				  "constant v%d: mean %g width %g", v, mean[4], hi[4] - lo[4]);
			fc_theta_model_free(&fit);
		}
	}
	/* n = 3 works for both variants (OTM sigma2 NaN: no dof) */
	for (v = 0; v < 2; v++)
	{
		fc_theta_control_init(&ctl);
		ctl.variant = v;
		st = fc_theta_fit(y, 3, 1, &ctl, &fit, r);
		CHECK(st == FC_OK, "n=3 v%d: %d", v, st);
		if (st == FC_OK)
		{
			fc_theta_forecast(&fit, 5, 0.95, mean, lo, hi);
			CHECK(isfinite(mean[4]) && (v == 0 ? isfinite(lo[4]) : isnan(lo[4])),
				  "n=3 v%d: mean %g lo %g", v, mean[4], lo[4]);
			fc_theta_model_free(&fit);
		}
	}

	/* forecast arguments */
	fc_theta_fit(y, 40, 4, NULL, &fit, r);
	CHECK(fc_theta_forecast(&fit, 0, 0.9, mean, lo, hi) == FC_ERR_BAD_ARGUMENT, "h=0");
	CHECK(fc_theta_forecast(&fit, 3, 1.0, mean, lo, hi) == FC_ERR_BAD_ARGUMENT, "level=1");
	CHECK(fc_theta_forecast(&fit, 3, 0.9, mean, lo, NULL) == FC_ERR_BAD_ARGUMENT, "lo without hi");
	CHECK(fc_theta_forecast(&fit, 3, NAN, mean, NULL, NULL) == FC_OK, "points only ignore level");
	fc_theta_model_free(&fit);

	/* pack / unpack round trips, seasonal and not, both variants */
	for (v = 0; v < 4; v++)
	{
		double		ys[60],
					m1[12],
					m2[12],
					l1[12],
					l2[12],
					h1[12],
					h2[12];

		for (t = 0; t < 60; t++)
			ys[t] = (20 + 0.1 * t) * (1 + 0.4 * ((t % 6) == 2)) + 0.01 * (t % 7);
		fc_theta_control_init(&ctl);
		ctl.variant = v % 2;
		st = fc_theta_fit(ys, 60, v < 2 ? 6 : 1, &ctl, &fit, NULL);
		CHECK(st == FC_OK && fit.seasonal == (v < 2), "pack fit v%d", v);
		len = fc_theta_state_size(&fit);
		CHECK(len <= 64, "state size %d", len);
		fc_theta_pack(&fit, buf);
		st = fc_theta_unpack(buf, len, &back);
		CHECK(st == FC_OK, "unpack v%d: %d", v, st);
		fc_theta_forecast(&fit, 12, 0.8, m1, l1, h1);
		fc_theta_forecast(&back, 12, 0.8, m2, l2, h2);
		CHECK(memcmp(m1, m2, sizeof m1) == 0 && memcmp(l1, l2, sizeof l1) == 0 &&
			  memcmp(h1, h2, sizeof h1) == 0, "round trip v%d", v);
		fc_theta_model_free(&back);

		/* forgeries: wrong length, every field set to nonsense */
		CHECK(fc_theta_unpack(buf, len - 1, &back) == FC_ERR_BAD_ARGUMENT, "short");
		CHECK(fc_theta_unpack(buf, len + 1, &back) == FC_ERR_BAD_ARGUMENT, "long");
		CHECK(fc_theta_unpack(NULL, len, &back) == FC_ERR_BAD_ARGUMENT, "NULL");
		CHECK(fc_theta_unpack(buf, -3, &back) == FC_ERR_BAD_ARGUMENT, "negative len");
		for (i = 0; i < len; i++)
		{
			static const double bad[] = {NAN, INFINITY, -INFINITY, -1.0, 0.0, 1e300, 0.5, 2.5e9};
			int			b;

			for (b = 0; b < 8; b++)
			{
				memcpy(forged, buf, sizeof(double) * len);
				forged[i] = bad[b];
				st = fc_theta_unpack(forged, len, &back);
				if (st == FC_OK)
				{
					/* accepted: must then forecast without trouble */
					double		fm[5],
								fl[5],
								fh[5];

					fc_theta_forecast(&back, 5, 0.9, fm, fl, fh);
					fc_theta_model_free(&back);
				}
				else
					CHECK(back.season == NULL, "failed unpack leaves no memory");
			}
		}
		/* structural fields must be rejected */
		memcpy(forged, buf, sizeof(double) * len);
		forged[0] = 1;
		CHECK(fc_theta_unpack(forged, len, &back) == FC_ERR_BAD_ARGUMENT, "tag");
		memcpy(forged, buf, sizeof(double) * len);
		forged[4] = 1e9;
		st = fc_theta_unpack(forged, len, &back);
		CHECK(v >= 2 ? st == FC_OK : st == FC_ERR_BAD_ARGUMENT, "huge m (only used when seasonal)");
		fc_theta_model_free(&back);
		memcpy(forged, buf, sizeof(double) * len);
		forged[4] = 3e9;
		CHECK(fc_theta_unpack(forged, len, &back) == FC_ERR_BAD_ARGUMENT, "m beyond int");
		memcpy(forged, buf, sizeof(double) * len);
		forged[6] = 0;
		CHECK(fc_theta_unpack(forged, len, &back) == FC_ERR_BAD_ARGUMENT, "alpha 0");
		memcpy(forged, buf, sizeof(double) * len);
		forged[3] = 2.5;
		CHECK(fc_theta_unpack(forged, len, &back) == FC_ERR_BAD_ARGUMENT, "fractional n");
		if (v < 2)
		{
			memcpy(forged, buf, sizeof(double) * len);
			forged[len - 1] = -2;
			CHECK(fc_theta_unpack(forged, len, &back) == FC_ERR_BAD_ARGUMENT, "negative index");
			memcpy(forged, buf, sizeof(double) * len);
			forged[5] = 0;
			CHECK(fc_theta_unpack(forged, len, &back) == FC_ERR_BAD_ARGUMENT, "seasonal flag vs len");
		}
		fc_theta_model_free(&fit);
	}
}

/* ------------------------------------------------------------------ */
/* M4-style benchmark with Naive2 and OWA */

static void
naive2(const double *y, int n, int m, int h, double *f)
{
	double		ratio;
	double	   *idx = NULL;
	int			i;

	if (m > 1 && fc_season_test(y, n, m, &ratio))
	{
		idx = malloc(sizeof(double) * n);
		if (fc_theta_mult_indices(y, n, m, idx) != FC_OK)
		{
			free(idx);
			idx = NULL;
		}
	}
	for (i = 0; i < h; i++)
	{
		double		last = idx ? y[n - 1] / idx[n - 1] : y[n - 1];

		f[i] = idx ? last * idx[(n + i) % m] : last;
	}
	free(idx);
}

static int
run_bench(const char *train, int m, int h, const char *test, const char *variant)
{
	Series	   *tr,
			   *te;
	int			ntr,
				nte,
				i,
				k,
				nseas = 0,
				nerr = 0;
	double		sm = 0,
				ma = 0,
				sm2 = 0,
				ma2 = 0,
				sumalpha = 0;
	int			nbound = 0;
	FcThetaControl ctl;
	double	   *f = malloc(sizeof(double) * h),
			   *f2 = malloc(sizeof(double) * h);

	tr = load_series(train, 0, &ntr);
	te = load_series(test, 0, &nte);
	if (!tr || !te || ntr != nte)
	{
		printf("cannot read %s / %s\n", train, test);
		return 1;
	}
	fc_theta_control_init(&ctl);
	if (variant && strncmp(variant, "opt", 3) == 0)
		ctl.variant = FC_THETA_OPTIMISED;
	for (i = 0; i < ntr; i++)
	{
		FcThetaModel fit;
		FcStatus	st;
		double		scale = 0,
					s1 = 0,
					a1 = 0,
					s2 = 0,
					a2 = 0;
		const double *y = tr[i].y,
				   *yt = te[i].y;
		int			n = tr[i].n;

		st = fc_theta_fit(y, n, m, &ctl, &fit, NULL);
		if (st != FC_OK)
		{
			nerr++;
			for (k = 0; k < h; k++)
				f[k] = y[n - 1];
		}
		else
		{
			fc_theta_forecast(&fit, h, 0.95, f, NULL, NULL);
			nseas += fit.seasonal;
			nbound += fit.theta > 1e5;
			sumalpha += fit.alpha;
			fc_theta_model_free(&fit);
		}
		naive2(y, n, m, h, f2);
		for (k = m; k < n; k++)
			scale += fabs(y[k] - y[k - m]);
		scale /= (n - m);
		for (k = 0; k < h && k < te[i].n; k++)
		{
			s1 += 200 * fabs(yt[k] - f[k]) / (fabs(yt[k]) + fabs(f[k]));
			a1 += fabs(yt[k] - f[k]);
			s2 += 200 * fabs(yt[k] - f2[k]) / (fabs(yt[k]) + fabs(f2[k]));
			a2 += fabs(yt[k] - f2[k]);
		}
		sm += s1 / h;
		ma += a1 / h / scale;
		sm2 += s2 / h;
		ma2 += a2 / h / scale;
	}
	sm /= ntr;
	ma /= ntr;
	sm2 /= ntr;
	ma2 /= ntr;
	printf("%s (m=%d, h=%d), theta variant %s: %d series, %d seasonal, %d errors, mean alpha %.3f, theta at its upper bound: %d\n",
		   train, m, h, ctl.variant == FC_THETA_OPTIMISED ? "optimised" : "standard", ntr, nseas,
		   nerr, sumalpha / ntr, nbound);
	printf("  Naive2: sMAPE %.3f MASE %.3f\n", sm2, ma2);
	printf("  Theta:  sMAPE %.3f MASE %.3f OWA %.3f\n", sm, ma, 0.5 * (sm / sm2 + ma / ma2));
	free(f);
	free(f2);
	free_series(tr, ntr);
	free_series(te, nte);
	return nerr ? 1 : 0;
}

int
main(int argc, char **argv)
{
	const char *refdir = "../reference";

	if (argc > 1 && strcmp(argv[1], "--bench") == 0)
	{
		if (argc < 6)
		{
			printf("usage: theta_test --bench train.csv m h test.csv [standard|optimised]\n");
			return 2;
		}
		return run_bench(argv[2], atoi(argv[3]), atoi(argv[4]), argv[5], argc > 6 ? argv[6] : NULL);
	}
	if (argc > 1)
		refdir = argv[1];
	check_reference(refdir);
	check_properties();
	check_otm_direct(refdir);
	check_edges();
	printf("theta_test (theta kernel vs R thetaf, closed forms, storage):\n");
	printf("%d passed, %d failed\n", n_pass, n_fail);
	return n_fail ? 1 : 0;
}
