/*
 * intermittent_test.c
 *	  Standalone tests of the intermittent-demand kernel (src/intermittent.c):
 *	  Croston against R's forecast::croston (forecasts and fitted values,
 *	  test/reference/croston_*.csv from make_theta_reference.R, to 1e-9
 *	  relative), SBA/TSB/ADIDA and the classification against closed-form
 *	  hand computations, edge cases, optimisation, flat storage and forged
 *	  arrays.
 *
 *	 intermittent_test [refdir]		exit 1 on failure
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/intermittent.h"
#include "testlib.h"

static bool
close_to(double a, double b, double rel)
{
	if (isnan(a) || isnan(b))
		return isnan(a) && isnan(b);
	return fabs(a - b) <= rel * (1.0 + fabs(b));
}

/* the series `name` from theta_series.csv into y (at most cap values) */
static int
load_one(const char *refdir, const char *name, double *y, int cap)
{
	char		path[1024],
				line[512];
	char	   *f[8];
	FILE	   *fp;
	int			n = 0;

	snprintf(path, sizeof path, "%s/theta_series.csv", refdir);
	fp = fopen(path, "r");
	if (!fp)
		return -1;
	while (fgets(line, sizeof line, fp))
		if (split_csv(line, f, 8) >= 4 && strcmp(f[0], name) == 0 && n < cap)
			y[n++] = num(f[3]);
	fclose(fp);
	return n;
}

static void
check_r_croston(const char *refdir)
{
	char		path[1024],
				line[512],
				cur[64] = "";
	char	   *f[8];
	FILE	   *fp;
	double		y[512],
				r[512];
	int			n = 0,
				nser = 0;
	double		cur_alpha = -1;
	FcIntermittentModel fit;
	FcIntermittentControl ctl;

	/* fitted values: one-step forecast = y - resid */
	snprintf(path, sizeof path, "%s/croston_fitted.csv", refdir);
	fp = fopen(path, "r");
	CHECK(fp != NULL, "cannot read %s", path);
	if (!fp)
		return;
	if (!fgets(line, sizeof line, fp))
		line[0] = '\0';
	while (fgets(line, sizeof line, fp))
	{
		int			t;
		double		a,
					rf;

		if (split_csv(line, f, 8) < 4)
			continue;
		a = num(f[1]);
		t = atoi(f[2]) - 1;
		rf = num(f[3]);
		if (strcmp(f[0], cur) != 0 || a != cur_alpha)
		{
			snprintf(cur, sizeof cur, "%s", f[0]);
			cur_alpha = a;
			n = load_one(refdir, cur, y, 512);
			fc_intermittent_control_init(&ctl);
			ctl.alpha = a;
			CHECK(fc_intermittent_fit(FC_ID_CROSTON, y, n, &ctl, &fit, r) == FC_OK,
				  "croston %s fit", cur);
			nser++;
		}
		if (t < 0 || t >= n)
			continue;
		/* R's croston reports a fitted 0 at t = 1 of an all-zero series;
		 * we report NaN at t = 1 always (documented in intermittent.h) */
		if (t == 0 && rf == 0.0 && isnan(r[0]))
		{
			n_pass++;
			continue;
		}
		CHECK(close_to(y[t] - r[t], rf, 1e-9), "croston %s alpha %g t=%d: fitted %.12g, R %.12g",
			  cur, a, t + 1, y[t] - r[t], rf);
	}
	fclose(fp);
	CHECK(nser >= 10, "only %d croston reference fits", nser);

	snprintf(path, sizeof path, "%s/croston_forecasts.csv", refdir);
	fp = fopen(path, "r");
	CHECK(fp != NULL, "cannot read %s", path);
	if (!fp)
		return;
	if (!fgets(line, sizeof line, fp))
		line[0] = '\0';
	while (fgets(line, sizeof line, fp))
	{
		double		mean[5],
					lo[5],
					hi[5];
		int			step;

		if (split_csv(line, f, 8) < 4)
			continue;
		n = load_one(refdir, f[0], y, 512);
		fc_intermittent_control_init(&ctl);
		ctl.alpha = num(f[1]);
		step = atoi(f[2]);
		if (fc_intermittent_fit(FC_ID_CROSTON, y, n, &ctl, &fit, NULL) != FC_OK ||
			step < 1 || step > 5)
		{
			CHECK(0, "croston %s fit/step", f[0]);
			continue;
		}
		fc_intermittent_forecast(&fit, 5, 0.95, mean, lo, hi);
		CHECK(close_to(mean[step - 1], num(f[3]), 1e-9) && isnan(lo[0]) && isnan(hi[4]),
			  "croston %s alpha %s step %d: %.12g, R %s", f[0], f[1], step, mean[step - 1], f[3]);
	}
	fclose(fp);
}

static void
check_hand(void)
{
	/* y = 0 2 0 0 4 0; demands 2 (interval 2) and 4 (interval 3) */
	const double y[6] = {0, 2, 0, 0, 4, 0};
	double		r[8],
				mean[3],
				lo[3],
				hi[3],
				adi,
				cv2;
	FcIntermittentModel fit;
	FcIntermittentControl ctl;
	FcDemandClass cls;

	fc_intermittent_control_init(&ctl);

	/* Croston, alpha = beta = 0.1: z = 2 + .1 (4 - 2) = 2.2, p = 2 + .1 (3 - 2) = 2.1 */
	CHECK(fc_intermittent_fit(FC_ID_CROSTON, y, 6, &ctl, &fit, r) == FC_OK, "croston hand");
	CHECK(close_to(fit.size, 2.2, 1e-14) && close_to(fit.interval, 2.1, 1e-14), "croston states %g %g",
		  fit.size, fit.interval);
	fc_intermittent_forecast(&fit, 3, 0.9, mean, lo, hi);
	CHECK(close_to(mean[2], 2.2 / 2.1, 1e-14) && isnan(lo[1]) && isnan(hi[2]), "croston forecast %g", mean[2]);
	CHECK(isnan(r[0]) && r[1] == 2.0 && r[2] == -1.0 && r[3] == -1.0 && r[4] == 3.0 &&
		  close_to(r[5], -2.2 / 2.1, 1e-14), "croston resid");
	CHECK(close_to(fit.loss, (4 + 1 + 1 + 9 + pow(2.2 / 2.1, 2)) / 5, 1e-14), "croston mse %g", fit.loss);

	/* SBA: times (1 - 0.1/2) = 0.95, fitted values too */
	CHECK(fc_intermittent_fit(FC_ID_SBA, y, 6, &ctl, &fit, r) == FC_OK, "sba hand");
	fc_intermittent_forecast(&fit, 3, 0.9, mean, NULL, NULL);
	CHECK(close_to(mean[0], 0.95 * 2.2 / 2.1, 1e-14), "sba forecast %g", mean[0]);
	CHECK(close_to(r[2], -0.95, 1e-14) && r[1] == 2.0, "sba resid %g", r[2]);
	/* separate beta = 0.3: p = 2 + .3 = 2.3, factor 0.85 */
	ctl.beta = 0.3;
	fc_intermittent_fit(FC_ID_SBA, y, 6, &ctl, &fit, r);
	CHECK(close_to(fc_intermittent_point(&fit), 0.85 * 2.2 / 2.3, 1e-14), "sba beta .3: %g",
		  fc_intermittent_point(&fit));
	ctl.beta = NAN;

	/*
	 * TSB alpha = beta = 0.1: at t=2 z = 2, d = 1/2; t=3,4 zeros: d = .45,
	 * .405; t=5 demand 4: d = .405 + .1 * .595 = .4645, z = 2.2; t=6 zero:
	 * d = .41805; forecast .41805 * 2.2
	 */
	CHECK(fc_intermittent_fit(FC_ID_TSB, y, 6, &ctl, &fit, r) == FC_OK, "tsb hand");
	CHECK(close_to(fit.interval, 0.41805, 1e-13) && close_to(fit.size, 2.2, 1e-14), "tsb states %.15g %g",
		  fit.interval, fit.size);
	CHECK(close_to(fc_intermittent_point(&fit), 0.41805 * 2.2, 1e-13), "tsb forecast");
	CHECK(isnan(r[0]) && r[1] == 2.0 && close_to(r[2], -1.0, 1e-14) && close_to(r[3], -0.9, 1e-14) &&
		  close_to(r[4], 4 - 0.81, 1e-14) && close_to(r[5], -0.4645 * 2.2, 1e-14), "tsb resid %g %g %g %g",
		  r[2], r[3], r[4], r[5]);
	/* alpha .2 beta .5: d: .5, .25, .125, .5625, .28125; z: 2, 2.4 */
	ctl.alpha = 0.2;
	ctl.beta = 0.5;
	fc_intermittent_fit(FC_ID_TSB, y, 6, &ctl, &fit, NULL);
	CHECK(close_to(fc_intermittent_point(&fit), 0.28125 * 2.4, 1e-14), "tsb .2/.5: %g",
		  fc_intermittent_point(&fit));
	fc_intermittent_control_init(&ctl);

	/*
	 * ADIDA: ADI = 5/2 = 2.5 -> k = 3; buckets (0 2 0) = 2, (0 4 0) = 4;
	 * SES from 2: 2 + .1 * 2 = 2.2; per period 2.2 / 3
	 */
	CHECK(fc_intermittent_fit(FC_ID_ADIDA, y, 6, &ctl, &fit, r) == FC_OK, "adida hand");
	CHECK(fit.aggregation == 3 && close_to(fc_intermittent_point(&fit), 2.2 / 3, 1e-14),
		  "adida k %d forecast %g", fit.aggregation, fc_intermittent_point(&fit));
	CHECK(isnan(r[0]) && isnan(r[2]) && close_to(r[3], -2.0 / 3, 1e-14) &&
		  close_to(r[4], 4 - 2.0 / 3, 1e-14) && close_to(r[5], -2.0 / 3, 1e-14), "adida resid");
	/* one older period is left out when n is not a multiple of k */
	{
		const double y7[7] = {5, 0, 2, 0, 0, 4, 0};

		ctl.aggregation = 3;
		fc_intermittent_fit(FC_ID_ADIDA, y7, 7, &ctl, &fit, r);
		CHECK(close_to(fc_intermittent_point(&fit), 2.2 / 3, 1e-14) && isnan(r[3]) &&
			  close_to(r[4], -2.0 / 3, 1e-14), "adida alignment");
		ctl.aggregation = 2;	/* (5) left out, (0 2) (0 0) (4 0): 2, 1.8, 2.02 */
		fc_intermittent_fit(FC_ID_ADIDA, y7, 7, &ctl, &fit, r);
		CHECK(close_to(fc_intermittent_point(&fit), 2.02 / 2, 1e-14), "adida k=2: %g",
			  fc_intermittent_point(&fit));
		ctl.aggregation = 50;	/* clamped to n: one bucket, no residuals */
		fc_intermittent_fit(FC_ID_ADIDA, y7, 7, &ctl, &fit, r);
		CHECK(fit.aggregation == 7 && close_to(fc_intermittent_point(&fit), 11.0 / 7, 1e-14) &&
			  isnan(fit.loss) && isnan(r[6]), "adida k > n");
		fc_intermittent_control_init(&ctl);
	}

	/* classification */
	cls = fc_intermittent_classify(y, 6, &adi, &cv2);
	CHECK(cls == FC_DEMAND_INTERMITTENT && close_to(adi, 2.5, 1e-15) && close_to(cv2, 2.0 / 9, 1e-14),
		  "class of hand series: %s %g %g", fc_demand_class_name(cls), adi, cv2);
	{
		const double sm[5] = {3, 4, 3, 5, 4};
		const double er[4] = {1, 10, 1, 10};
		const double lu[6] = {0, 0, 1, 0, 0, 20};
		const double zz[3] = {0, 0, 0};

		cls = fc_intermittent_classify(sm, 5, &adi, &cv2);
		CHECK(cls == FC_DEMAND_SMOOTH && adi == 1.0 && close_to(cv2, 0.7 / (3.8 * 3.8), 1e-14), "smooth %s %g %g",
			  fc_demand_class_name(cls), adi, cv2);
		cls = fc_intermittent_classify(er, 4, &adi, &cv2);
		CHECK(cls == FC_DEMAND_ERRATIC && adi == 1.0 && close_to(cv2, 27 / 30.25, 1e-14), "erratic");
		cls = fc_intermittent_classify(lu, 6, &adi, &cv2);
		CHECK(cls == FC_DEMAND_LUMPY && adi == 3.0 && close_to(cv2, 180.5 / 110.25, 1e-14), "lumpy");
		cls = fc_intermittent_classify(zz, 3, &adi, &cv2);
		CHECK(cls == FC_DEMAND_NONE && isnan(adi) && isnan(cv2), "none");
		CHECK(strcmp(fc_demand_class_name(FC_DEMAND_LUMPY), "lumpy") == 0, "names");
		/* cut-offs: ADI exactly 1.32 counts as intermittent side */
		cls = fc_intermittent_classify(lu, 0, &adi, &cv2);
		CHECK(cls == FC_DEMAND_NONE, "n=0 class");
	}
}

static void
check_edges(void)
{
	const double zeros[5] = {0, 0, 0, 0, 0};
	const double single[8] = {0, 0, 0, 5, 0, 0, 0, 0};
	const double pos[6] = {4, 6, 5, 3, 7, 5};
	double		r[8],
				mean[4],
				bad[4] = {1, 0, -2, 3};
	FcIntermittentModel fit;
	FcIntermittentControl ctl;
	int			meth,
				t;

	fc_intermittent_control_init(&ctl);
	for (meth = 0; meth < 4; meth++)
	{
		/* all zero: forecast 0, residuals 0 */
		CHECK(fc_intermittent_fit(meth, zeros, 5, &ctl, &fit, r) == FC_OK, "zeros m%d", meth);
		CHECK(fc_intermittent_point(&fit) == 0.0 && (meth == 3 || (isnan(r[0]) && r[4] == 0.0)),
			  "zeros m%d forecast %g", meth, fc_intermittent_point(&fit));
		ctl.optimise = true;
		CHECK(fc_intermittent_fit(meth, zeros, 5, &ctl, &fit, r) == FC_OK &&
			  fc_intermittent_point(&fit) == 0.0, "zeros optimised m%d", meth);
		ctl.optimise = false;
		/* n = 1 */
		CHECK(fc_intermittent_fit(meth, pos, 1, &ctl, &fit, r) == FC_OK && isnan(r[0]) &&
			  isnan(fit.loss), "n=1 m%d", meth);
		CHECK(fc_intermittent_fit(meth, zeros, 1, &ctl, &fit, r) == FC_OK &&
			  fc_intermittent_point(&fit) == 0.0, "n=1 zero m%d", meth);
		/* bad input */
		CHECK(fc_intermittent_fit(meth, bad, 4, &ctl, &fit, r) == FC_ERR_BAD_ARGUMENT, "negative m%d", meth);
		bad[2] = NAN;
		CHECK(fc_intermittent_fit(meth, bad, 4, &ctl, &fit, r) == FC_ERR_NONFINITE, "NaN m%d", meth);
		bad[2] = -2;
		CHECK(fc_intermittent_fit(meth, pos, 0, &ctl, &fit, r) == FC_ERR_TOO_SHORT, "n=0 m%d", meth);
		CHECK(fc_intermittent_fit(meth, NULL, 3, &ctl, &fit, r) == FC_ERR_BAD_ARGUMENT, "NULL m%d", meth);
	}
	CHECK(fc_intermittent_fit((FcIntermittentMethod) 9, pos, 6, &ctl, &fit, r) == FC_ERR_BAD_ARGUMENT,
		  "method 9");
	ctl.alpha = 1.2;
	CHECK(fc_intermittent_fit(FC_ID_CROSTON, pos, 6, &ctl, &fit, r) == FC_ERR_BAD_ARGUMENT, "alpha 1.2");
	fc_intermittent_control_init(&ctl);
	ctl.aggregation = -1;
	CHECK(fc_intermittent_fit(FC_ID_ADIDA, pos, 6, &ctl, &fit, r) == FC_ERR_BAD_ARGUMENT, "k -1");
	fc_intermittent_control_init(&ctl);

	/* a single non-zero value (5 at position 4) */
	fc_intermittent_fit(FC_ID_CROSTON, single, 8, &ctl, &fit, r);
	CHECK(close_to(fc_intermittent_point(&fit), 5.0 / 4, 1e-15) && r[4] == -1.25, "single croston");
	fc_intermittent_fit(FC_ID_SBA, single, 8, &ctl, &fit, r);
	CHECK(close_to(fc_intermittent_point(&fit), 0.95 * 5.0 / 4, 1e-15), "single sba");
	fc_intermittent_fit(FC_ID_TSB, single, 8, &ctl, &fit, r);
	CHECK(close_to(fc_intermittent_point(&fit), 5 * 0.25 * pow(0.9, 4), 1e-14), "single tsb %g",
		  fc_intermittent_point(&fit));
	fc_intermittent_fit(FC_ID_ADIDA, single, 8, &ctl, &fit, r);	/* k = 4: (0 0 0 5), (0 0 0 0) */
	CHECK(fit.aggregation == 4 && close_to(fc_intermittent_point(&fit), 4.5 / 4, 1e-15), "single adida %g",
		  fc_intermittent_point(&fit));

	/* no zero: Croston = TSB = SES from y_1; SBA = 0.95 x that */
	{
		double		l = pos[0],
					fc,
					ft;

		for (t = 1; t < 6; t++)
			l += 0.1 * (pos[t] - l);
		fc_intermittent_fit(FC_ID_CROSTON, pos, 6, &ctl, &fit, r);
		fc = fc_intermittent_point(&fit);
		fc_intermittent_fit(FC_ID_TSB, pos, 6, &ctl, &fit, r);
		ft = fc_intermittent_point(&fit);
		CHECK(close_to(fc, l, 1e-14) && close_to(ft, l, 1e-14), "all positive: %g %g %g", fc, ft, l);
		fc_intermittent_fit(FC_ID_SBA, pos, 6, &ctl, &fit, r);
		CHECK(close_to(fc_intermittent_point(&fit), 0.95 * l, 1e-14), "all positive sba");
		fc_intermittent_fit(FC_ID_ADIDA, pos, 6, &ctl, &fit, r);	/* k = 1: SES */
		CHECK(fit.aggregation == 1 && close_to(fc_intermittent_point(&fit), l, 1e-14), "all positive adida");
	}

	/* forecast arguments */
	CHECK(fc_intermittent_forecast(&fit, 0, 0.9, mean, NULL, NULL) == FC_ERR_BAD_ARGUMENT, "h=0");
	CHECK(fc_intermittent_forecast(&fit, 4, 1.5, mean, r, r + 4) == FC_ERR_BAD_ARGUMENT, "level");
	CHECK(fc_intermittent_forecast(&fit, 4, 0.9, mean, r, NULL) == FC_ERR_BAD_ARGUMENT, "lo only");
}

static void
check_optimise(const char *refdir)
{
	double		y[512],
				r[512];
	int			n = load_one(refdir, "int_b", y, 512),
				meth,
				loss;
	FcIntermittentModel fit,
				fit0;
	FcIntermittentControl ctl;

	CHECK(n > 50, "int_b series");
	for (loss = 0; loss < 2; loss++)
		for (meth = 0; meth < 4; meth++)
		{
			int			i;
			double		worse = 0;

			fc_intermittent_control_init(&ctl);
			ctl.loss = loss;
			fc_intermittent_fit(meth, y, n, &ctl, &fit0, r);
			ctl.optimise = true;
			CHECK(fc_intermittent_fit(meth, y, n, &ctl, &fit, r) == FC_OK, "opt m%d", meth);
			CHECK(fit.loss <= fit0.loss * (1 + 1e-12), "opt m%d loss %d: %g > default %g", meth, loss,
				  fit.loss, fit0.loss);
			CHECK(fit.alpha >= 0.01 && fit.alpha <= 1 && (meth == 3 ? fit.beta == 0 : fit.beta >= 0.01 && fit.beta <= 1),
				  "opt m%d params %g %g", meth, fit.alpha, fit.beta);
			if (meth <= 1)
				CHECK(fit.alpha == fit.beta, "croston/sba tied");
			/* no neighbour on a fine grid does better (by more than 1e-9) */
			for (i = 1; i <= 100; i++)
			{
				FcIntermittentModel f2;

				ctl.alpha = 0.01 * i;
				if (meth == 2)
					ctl.beta = fit.beta;
				fc_intermittent_fit(meth, y, n, &ctl, &f2, NULL);
				if (f2.loss < fit.loss - 1e-9 * fit.loss)
					worse = f2.loss;
			}
			CHECK(worse == 0, "opt m%d loss %d: alpha grid finds %g < %g", meth, loss, worse, fit.loss);
			printf("  optimised %-7s %s: alpha %.4f beta %.4f loss %.5g (default %.5g)\n",
				   meth == 0 ? "croston" : meth == 1 ? "sba" : meth == 2 ? "tsb" : "adida",
				   loss ? "MAE" : "MSE", fit.alpha, fit.beta, fit.loss, fit0.loss);
		}
	/* fixed parameters are honoured when optimising */
	fc_intermittent_control_init(&ctl);
	ctl.optimise = true;
	ctl.beta = 0.25;
	fc_intermittent_fit(FC_ID_TSB, y, n, &ctl, &fit, NULL);
	CHECK(fit.beta == 0.25, "tsb fixed beta");
	ctl.alpha = 0.05;
	ctl.beta = NAN;
	fc_intermittent_fit(FC_ID_CROSTON, y, n, &ctl, &fit, NULL);
	CHECK(fit.alpha == 0.05 && fit.beta == 0.05, "croston fixed alpha, tied beta");
}

static void
check_storage(const char *refdir)
{
	double		y[512],
				buf[FC_INTERMITTENT_STATE_SIZE],
				forged[FC_INTERMITTENT_STATE_SIZE];
	int			n = load_one(refdir, "lumpy_c", y, 512),
				meth,
				i,
				b;
	FcIntermittentModel fit,
				back;
	FcIntermittentControl ctl;
	static const double badv[] = {NAN, INFINITY, -INFINITY, -1.0, 0.0, 1e300, 0.5, 2.5e9, 7.0};

	fc_intermittent_control_init(&ctl);
	for (meth = 0; meth < 4; meth++)
	{
		double		m1[3],
					m2[3];

		fc_intermittent_fit(meth, y, n, &ctl, &fit, NULL);
		CHECK(fc_intermittent_state_size(&fit) == FC_INTERMITTENT_STATE_SIZE, "size");
		fc_intermittent_pack(&fit, buf);
		CHECK(fc_intermittent_unpack(buf, FC_INTERMITTENT_STATE_SIZE, &back) == FC_OK, "unpack m%d", meth);
		fc_intermittent_forecast(&fit, 3, 0.9, m1, NULL, NULL);
		fc_intermittent_forecast(&back, 3, 0.9, m2, NULL, NULL);
		CHECK(memcmp(m1, m2, sizeof m1) == 0, "round trip m%d", meth);
		CHECK(fc_intermittent_unpack(buf, FC_INTERMITTENT_STATE_SIZE - 1, &back) == FC_ERR_BAD_ARGUMENT, "short");
		CHECK(fc_intermittent_unpack(NULL, FC_INTERMITTENT_STATE_SIZE, &back) == FC_ERR_BAD_ARGUMENT, "NULL");
		for (i = 0; i < FC_INTERMITTENT_STATE_SIZE; i++)
			for (b = 0; b < (int) (sizeof badv / sizeof badv[0]); b++)
			{
				memcpy(forged, buf, sizeof buf);
				forged[i] = badv[b];
				if (fc_intermittent_unpack(forged, FC_INTERMITTENT_STATE_SIZE, &back) == FC_OK)
				{
					double		p = fc_intermittent_point(&back);

					CHECK(isfinite(p) && p >= 0, "accepted forgery gives forecast %g (field %d)", p, i);
				}
			}
		memcpy(forged, buf, sizeof buf);
		forged[2] = 4;
		CHECK(fc_intermittent_unpack(forged, FC_INTERMITTENT_STATE_SIZE, &back) == FC_ERR_BAD_ARGUMENT, "method 4");
		memcpy(forged, buf, sizeof buf);
		forged[8] = -1;
		CHECK(fc_intermittent_unpack(forged, FC_INTERMITTENT_STATE_SIZE, &back) == FC_ERR_BAD_ARGUMENT, "neg size");
		memcpy(forged, buf, sizeof buf);
		forged[9] = meth == 2 ? 1.5 : 0.5;
		CHECK(fc_intermittent_unpack(forged, FC_INTERMITTENT_STATE_SIZE, &back) == FC_ERR_BAD_ARGUMENT,
			  "interval/probability out of range");
		memcpy(forged, buf, sizeof buf);
		forged[5] = 1e6;
		CHECK(fc_intermittent_unpack(forged, FC_INTERMITTENT_STATE_SIZE, &back) == FC_ERR_BAD_ARGUMENT, "k > n");
	}
}

int
main(int argc, char **argv)
{
	const char *refdir = argc > 1 ? argv[1] : "../reference";

	check_r_croston(refdir);
	check_hand();
	check_edges();
	check_optimise(refdir);
	check_storage(refdir);
	printf("intermittent_test (croston vs R, sba/tsb/adida by hand, classes, storage):\n");
	printf("%d passed, %d failed\n", n_pass, n_fail);
	return n_fail ? 1 : 0;
}
