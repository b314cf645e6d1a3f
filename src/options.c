/*
 * options.c
 *	  Method names and the `options jsonb` argument of forecastin.fit.
 *
 * Options are validated once, on the first row of each group, and stored in
 * parsed form in the aggregate state.  Unknown keys are an error (a typo
 * such as "peroid" must not silently fall back to detection).
 */
#include "postgres.h"

#include <math.h>

#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"

#include "options.h"

static const char *const method_names[FC_METHOD_COUNT] = {
	[FC_METHOD_AUTO] = "auto",
	[FC_METHOD_NAIVE] = "naive",
	[FC_METHOD_SNAIVE] = "snaive",
	[FC_METHOD_MEAN] = "mean",
	[FC_METHOD_DRIFT] = "drift",
	[FC_METHOD_SES] = "ses",
	[FC_METHOD_HOLT] = "holt",
	[FC_METHOD_DAMPED] = "damped",
	[FC_METHOD_HW] = "hw",
	[FC_METHOD_ETS] = "ets",
	[FC_METHOD_THETA] = "theta",
	[FC_METHOD_CROSTON] = "croston",
	[FC_METHOD_SBA] = "sba",
	[FC_METHOD_TSB] = "tsb",
	[FC_METHOD_ADIDA] = "adida",
	[FC_METHOD_ARIMA] = "arima",
	[FC_METHOD_MSTL] = "mstl",
	[FC_METHOD_ENSEMBLE] = "ensemble",
	[FC_METHOD_KNN] = "knn",
};

/* Methods of the design that later releases add: a clearer error for them. */
static const char *const planned_methods[] = {
	"trend_seasonal", NULL
};

#define ACCEPTED_METHODS "auto, naive, snaive, mean, drift, ses, holt, damped, hw, ets, theta, croston, sba, tsb, adida, arima, mstl, ensemble, knn"
#define ACCEPTED_KEYS "period, missing, short, seasonal, damped, alpha, beta, gamma, phi, variant, optimise, aggregation, order, seasonal_order, constant, methods, combine, adjusted, transform, holdout"

void
fc_options_init(FcOptions *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->missing = FC_MISSING_ZERO;
	opts->short_policy = FC_SHORT_FALLBACK;
	opts->seasonal = FC_SEASONAL_AUTO;
	opts->damped = -1;
	opts->alpha = NAN;
	opts->beta = NAN;
	opts->gamma = NAN;
	opts->phi = NAN;
	opts->order[0] = opts->order[1] = opts->order[2] = -1;
	opts->seasonal_order[0] = opts->seasonal_order[1] = opts->seasonal_order[2] = -1;
	opts->constant = -1;
	opts->holdout = -1;
}

const char *
fc_method_name(FcMethod method)
{
	if ((int) method < 0 || method >= FC_METHOD_COUNT)
		return "unknown";
	return method_names[method];
}

bool
fc_member_method_ok(int code, bool zero_ok)
{
	if (code == 0)
		return zero_ok;
	return code > 0 && code < FC_METHOD_COUNT &&
		code != FC_METHOD_MSTL && code != FC_METHOD_ENSEMBLE;
}

FcMethod
fc_method_from_text(const char *name)
{
	int			i;

	for (i = 0; i < FC_METHOD_COUNT; i++)
		if (pg_strcasecmp(name, method_names[i]) == 0)
			return (FcMethod) i;

	for (i = 0; planned_methods[i] != NULL; i++)
		if (pg_strcasecmp(name, planned_methods[i]) == 0)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("forecasting method \"%s\" is not implemented yet", name),
					 errhint("Available methods: " ACCEPTED_METHODS ".")));

	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown forecasting method \"%s\"", name),
			 errhint("Available methods: " ACCEPTED_METHODS ".")));
	return FC_METHOD_AUTO;		/* keep compiler quiet */
}

static const char *
jbv_type_name(const JsonbValue *v)
{
	switch (v->type)
	{
		case jbvNull:
			return "null";
		case jbvString:
			return "string";
		case jbvNumeric:
			return "number";
		case jbvBool:
			return "boolean";
		default:
			return "container";
	}
}

static double
jbv_number(const char *key, const JsonbValue *v)
{
	if (v->type != jbvNumeric)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("option \"%s\" must be a number, not %s", key, jbv_type_name(v))));
	return DatumGetFloat8(DirectFunctionCall1(numeric_float8,
											  NumericGetDatum(v->val.numeric)));
}

static int32_t
jbv_period(const JsonbValue *v)
{
	double		d = jbv_number("period", v);

	if (!isfinite(d) || d != floor(d) || d < 1 || d > 100000)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid seasonal period %g", d),
				 errdetail("A period is a whole number of time steps between 1 and 100000."),
				 errhint("Use 7 for daily data with a weekly cycle, 24 for hourly data, 12 for monthly data.")));
	return (int32_t) d;
}

static char *
jbv_string(const char *key, const JsonbValue *v)
{
	if (v->type != jbvString)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("option \"%s\" must be a string, not %s", key, jbv_type_name(v))));
	return pnstrdup(v->val.string.val, v->val.string.len);
}

static double
jbv_smoothing(const char *key, const JsonbValue *v)
{
	double		d = jbv_number(key, v);

	if (!(d > 0.0 && d < 1.0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("option \"%s\" must be between 0 and 1 (exclusive), got %g", key, d)));
	return d;
}

/*
 * A method that can be a member of an ensemble or the adjusted-series model
 * of mstl: any single method, but not auto or a composite (no nesting).
 */
static FcMethod
member_method(const char *key, const char *name)
{
	FcMethod	m = fc_method_from_text(name);

	if (m == FC_METHOD_AUTO || m == FC_METHOD_ENSEMBLE || m == FC_METHOD_MSTL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("method \"%s\" cannot be used in option \"%s\"", name, key),
				 errhint("Use single methods such as \"ets\", \"arima\" or \"theta\".")));
	return m;
}

/* "methods": ["ets", "arima", "theta"] -- the members of an ensemble. */
static void
read_member_list(JsonbIterator **it, FcOptions *opts)
{
	JsonbValue	v;
	JsonbIteratorToken tok;

	opts->nmembers = 0;
	while ((tok = JsonbIteratorNext(it, &v, false)) != WJB_END_ARRAY)
	{
		if (tok != WJB_ELEM || v.type != jbvString)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("option \"methods\" must be an array of method names"),
					 errhint("For example {\"methods\": [\"ets\", \"arima\", \"theta\"]}.")));
		if (opts->nmembers >= FC_MAX_MEMBERS)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("too many methods in option \"methods\""),
					 errdetail("An ensemble has at most %d members.", FC_MAX_MEMBERS)));
		opts->members[opts->nmembers++] =
			(uint8_t) member_method("methods", pnstrdup(v.val.string.val, v.val.string.len));
	}
	if (opts->nmembers < 2)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("option \"methods\" needs at least two methods"),
				 errhint("For example {\"methods\": [\"ets\", \"arima\", \"theta\"]}.")));
}

static void
apply_scalar_option(FcOptions *opts, const char *key, const JsonbValue *v)
{
	if (strcmp(key, "period") == 0)
	{
		opts->nperiods = 1;
		opts->periods[0] = jbv_period(v);
	}
	else if (strcmp(key, "missing") == 0)
	{
		char	   *s = jbv_string(key, v);

		if (strcmp(s, "zero") == 0)
			opts->missing = FC_MISSING_ZERO;
		else if (strcmp(s, "interpolate") == 0)
			opts->missing = FC_MISSING_INTERPOLATE;
		else if (strcmp(s, "error") == 0)
			opts->missing = FC_MISSING_ERROR;
		else
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid value \"%s\" for option \"missing\"", s),
					 errhint("Accepted values: \"zero\" (default), \"interpolate\", \"error\".")));
	}
	else if (strcmp(key, "short") == 0)
	{
		char	   *s = jbv_string(key, v);

		if (strcmp(s, "fallback") == 0)
			opts->short_policy = FC_SHORT_FALLBACK;
		else if (strcmp(s, "error") == 0)
			opts->short_policy = FC_SHORT_ERROR;
		else
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid value \"%s\" for option \"short\"", s),
					 errhint("Accepted values: \"fallback\" (default), \"error\".")));
	}
	else if (strcmp(key, "seasonal") == 0)
	{
		char	   *s = jbv_string(key, v);

		if (strcmp(s, "additive") == 0)
			opts->seasonal = FC_SEASONAL_ADDITIVE;
		else if (strcmp(s, "multiplicative") == 0)
			opts->seasonal = FC_SEASONAL_MULTIPLICATIVE;
		else
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid value \"%s\" for option \"seasonal\"", s),
					 errhint("Accepted values: \"additive\", \"multiplicative\".")));
	}
	else if (strcmp(key, "damped") == 0)
	{
		if (v->type != jbvBool)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("option \"damped\" must be true or false, not %s", jbv_type_name(v))));
		opts->damped = v->val.boolean ? 1 : 0;
	}
	else if (strcmp(key, "variant") == 0)
	{
		char	   *str = jbv_string(key, v);

		if (strcmp(str, "standard") == 0 || strcmp(str, "median") == 0)
			opts->variant = FC_VARIANT_DEFAULT;
		else if (strcmp(str, "optimised") == 0 || strcmp(str, "optimized") == 0)
			opts->variant = FC_VARIANT_OPTIMISED;
		else if (strcmp(str, "mean") == 0)
			opts->variant = FC_VARIANT_MEAN;
		else
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid value \"%s\" for option \"variant\"", str),
					 errhint("Accepted values: for theta \"standard\" (default) or \"optimised\"; for knn \"median\" (default) or \"mean\".")));
	}
	else if (strcmp(key, "optimise") == 0 || strcmp(key, "optimize") == 0)
	{
		if (v->type != jbvBool)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("option \"%s\" must be true or false, not %s", key, jbv_type_name(v))));
		opts->optimise = v->val.boolean ? 1 : 0;
	}
	else if (strcmp(key, "aggregation") == 0)
	{
		double		d = jbv_number(key, v);

		if (!isfinite(d) || d != floor(d) || d < 1 || d > 10000)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid aggregation %g", d),
					 errdetail("The ADIDA bucket size is a whole number of time steps between 1 and 10000.")));
		opts->aggregation = (int32_t) d;
	}
	else if (strcmp(key, "holdout") == 0)
	{
		double		d = jbv_number(key, v);

		if (!isfinite(d) || d != floor(d) || d < 0 || d > FC_MAX_HOLDOUT)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid holdout %g", d),
					 errdetail("The holdout is a whole number of time steps between 0 (choose no model: the median) and %d.",
							   FC_MAX_HOLDOUT)));
		opts->holdout = (int32_t) d;
	}
	else if (strcmp(key, "constant") == 0)
	{
		if (v->type != jbvBool)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("option \"constant\" must be true or false, not %s", jbv_type_name(v))));
		opts->constant = v->val.boolean ? 1 : 0;
	}
	else if (strcmp(key, "combine") == 0)
	{
		char	   *str = jbv_string(key, v);

		if (strcmp(str, "median") == 0)
			opts->combine = FC_COMBINE_MEDIAN;
		else if (strcmp(str, "mean") == 0)
			opts->combine = FC_COMBINE_MEAN;
		else if (strcmp(str, "aicc") == 0)
			opts->combine = FC_COMBINE_AICC;
		else
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid value \"%s\" for option \"combine\"", str),
					 errhint("Accepted values: \"median\" (default), \"mean\" (for ensemble), \"aicc\" (for ets).")));
	}
	else if (strcmp(key, "transform") == 0)
	{
		char	   *str = jbv_string(key, v);

		if (strcmp(str, "none") == 0)
			opts->transform = FC_TRANSFORM_NONE;
		else if (strcmp(str, "log") == 0)
			opts->transform = FC_TRANSFORM_LOG;
		else if (strcmp(str, "sqrt") == 0)
			opts->transform = FC_TRANSFORM_SQRT;
		else
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid value \"%s\" for option \"transform\"", str),
					 errhint("Accepted values: \"none\" (default), \"log\", \"sqrt\".")));
	}
	else if (strcmp(key, "adjusted") == 0)
		opts->adjusted = (uint8_t) member_method(key, jbv_string(key, v));
	else if (strcmp(key, "methods") == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("option \"methods\" must be an array of method names"),
				 errhint("For example {\"methods\": [\"ets\", \"arima\", \"theta\"]}.")));
	else if (strcmp(key, "order") == 0 || strcmp(key, "seasonal_order") == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("option \"%s\" must be an array of three whole numbers", key),
				 errhint("For example {\"order\": [1, 1, 1], \"seasonal_order\": [0, 1, 1]}.")));
	else if (strcmp(key, "alpha") == 0)
		opts->alpha = jbv_smoothing(key, v);
	else if (strcmp(key, "beta") == 0)
		opts->beta = jbv_smoothing(key, v);
	else if (strcmp(key, "gamma") == 0)
		opts->gamma = jbv_smoothing(key, v);
	else if (strcmp(key, "phi") == 0)
		opts->phi = jbv_smoothing(key, v);
	else
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown option \"%s\"", key),
				 errhint("Accepted options: " ACCEPTED_KEYS ".")));
}

/* "order": [p, d, q] / "seasonal_order": [P, D, Q] of arima. */
static void
read_order(JsonbIterator **it, const char *key, int8_t *dst)
{
	JsonbValue	v;
	JsonbIteratorToken tok;
	int			k = 0;
	bool		seasonal = strcmp(key, "seasonal_order") == 0;

	while ((tok = JsonbIteratorNext(it, &v, false)) != WJB_END_ARRAY)
	{
		double		d;
		int			limit;

		if (tok != WJB_ELEM || v.type != jbvNumeric || k >= 3)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("option \"%s\" must be an array of three whole numbers", key),
					 errhint("For example {\"order\": [1, 1, 1], \"seasonal_order\": [0, 1, 1]}.")));
		d = jbv_number(key, &v);
		/* p, q <= 20 and d <= 3; P, Q <= 5 and D <= 2 */
		limit = seasonal ? (k == 1 ? 2 : 5) : (k == 1 ? 3 : 20);
		if (!isfinite(d) || d != floor(d) || d < 0 || d > limit)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid %s%s %g in option \"%s\"", seasonal ? "seasonal " : "",
							k == 0 ? "AR order" : k == 1 ? "differencing order" : "MA order", d, key),
					 errdetail("Accepted: p and q 0..20, d 0..3; P and Q 0..5, D 0..2.")));
		dst[k++] = (int8_t) d;
	}
	if (k != 3)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("option \"%s\" must be an array of three whole numbers", key),
				 errhint("For example {\"order\": [1, 1, 1], \"seasonal_order\": [0, 1, 1]}.")));
}

/* "period": [24, 168] -- a list of periods (the first is the main one). */
static void
read_period_list(JsonbIterator **it, FcOptions *opts)
{
	JsonbValue	v;
	JsonbIteratorToken tok;

	opts->nperiods = 0;
	while ((tok = JsonbIteratorNext(it, &v, false)) != WJB_END_ARRAY)
	{
		if (tok != WJB_ELEM)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("option \"period\" must be a number or an array of numbers")));
		if (opts->nperiods >= FC_MAX_PERIODS)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("too many seasonal periods"),
					 errdetail("At most %d periods are accepted.", FC_MAX_PERIODS)));
		opts->periods[opts->nperiods++] = jbv_period(&v);
	}
	if (opts->nperiods == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("option \"period\" must not be an empty array")));
}

void
fc_options_from_jsonb(Jsonb *jb, FcOptions *opts)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	char	   *key = NULL;

	fc_options_init(opts);
	if (jb == NULL)
		return;

	if (!JB_ROOT_IS_OBJECT(jb) || JB_ROOT_IS_SCALAR(jb))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("fit options must be a JSON object"),
				 errhint("For example '{\"period\": 7}'.")));

	it = JsonbIteratorInit(&jb->root);
	while ((tok = JsonbIteratorNext(&it, &v, false)) != WJB_DONE)
	{
		switch (tok)
		{
			case WJB_BEGIN_OBJECT:
				if (key != NULL)
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("option \"%s\" must not be an object", key)));
				break;
			case WJB_KEY:
				key = pnstrdup(v.val.string.val, v.val.string.len);
				break;
			case WJB_VALUE:
				apply_scalar_option(opts, key, &v);
				key = NULL;
				break;
			case WJB_BEGIN_ARRAY:
				if (key != NULL && strcmp(key, "order") == 0)
					read_order(&it, key, opts->order);
				else if (key != NULL && strcmp(key, "seasonal_order") == 0)
					read_order(&it, key, opts->seasonal_order);
				else if (key != NULL && strcmp(key, "methods") == 0)
					read_member_list(&it, opts);
				else if (key == NULL || strcmp(key, "period") != 0)
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("option \"%s\" must not be an array", key ? key : "?"),
							 errhint("Only \"period\", \"methods\", \"order\" and \"seasonal_order\" accept a list.")));
				else
					read_period_list(&it, opts);
				key = NULL;
				break;
			default:
				break;
		}
	}
}

/*
 * Options whose value only makes sense for some methods.  Most options are
 * ignored by the methods they do not concern (so one options object can
 * serve several methods); "combine": "aicc" is not, because it changes what
 * kind of model ets returns, and for the composite methods it would nest an
 * ensemble inside one.
 */
void
fc_options_check_method(FcMethod method, const FcOptions *opts)
{
	if ((method == FC_METHOD_THETA && opts->variant == FC_VARIANT_MEAN) ||
		(method == FC_METHOD_KNN && opts->variant == FC_VARIANT_OPTIMISED))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("option \"variant\": \"%s\" does not apply to method \"%s\"",
						opts->variant == FC_VARIANT_MEAN ? "mean" : "optimised",
						fc_method_name(method)),
				 errhint("Accepted values: for theta \"standard\" (default) or \"optimised\"; for knn \"median\" (default) or \"mean\".")));
	if (opts->combine == FC_COMBINE_AICC && method != FC_METHOD_ETS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("option \"combine\": \"aicc\" applies to method \"ets\" only, not \"%s\"",
						fc_method_name(method)),
				 errdetail("Akaike weights compare models of one family fitted by maximum likelihood to the same data."),
				 errhint("For an ensemble use \"median\" or \"mean\".")));
}
