/*
 * reconcile_sql.c
 *	  forecastin.reconcile() and forecastin.coherence(): the SQL face of the
 *	  reconciliation kernel (reconcile.c).
 *
 * Like pgRouting, the functions take their data as inner queries (text),
 * run them with SPI as the calling user (the functions are SECURITY
 * INVOKER and do not pin search_path, so the caller's tables and search
 * path apply), and read columns by name:
 *
 *	 base query			path ltree, step int, yhat float8
 *	 "residuals" query	path ltree, t <time>, resid float8
 *	 "history" query	path ltree, t <time>, y float8
 *
 * where <time> is bigint, integer, smallint, date, timestamp or
 * timestamptz, and the numbers may be any of float8, float4, numeric or an
 * integer type.
 *
 * Rows are fetched through a cursor (SPI_cursor_open) in batches of
 * FETCH_BATCH, handed by the executor to our DestReceiver one slot at a time,
 * so a 28-million-row base query is never materialised, not even one batch.  The tree is built with a hash table
 * on the path text; a path's parent is the path without its last label,
 * and must itself be among the base forecasts.  Nodes are put in ltree
 * order (depth-first, children sorted by label exactly as ltree compares
 * them), which is both the topological order the kernel needs and the
 * (path, step) order of the result.
 *
 * ltree values are read with the layout macros of ltree.h but not through
 * DatumGetLtreeP: that would copy every short-header (packed) value, and a
 * base query of 28M rows has 28M of them.  The payload of a packed value is
 * the same bytes as that of an unpacked one, so we parse it in place.
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "access/tupmacs.h"
#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "executor/spi.h"
#include "executor/tuptable.h"
#include "tcop/pquery.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "portability/instr_time.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"

#include "ltree.h"

#include "reconcile.h"

PG_FUNCTION_INFO_V1(fc_reconcile_sql);
PG_FUNCTION_INFO_V1(fc_coherence_sql);

#define FETCH_BATCH 10000
#define STEP_DIRECT 1024
#define ACCEPTED_METHODS "bu, td_gsa, td_pha, td_fp, mo, ols, wls_struct, wls_var, mint_shrink, mint_sample"
#define ACCEPTED_OPTIONS "residuals, history, level, nonnegative"

/* ---------- a bump allocator for path keys and ltree copies ---------- */

typedef struct Arena
{
	MemoryContext cxt;
	char	   *cur;
	Size		left;
} Arena;

static void *
arena_alloc(Arena *a, Size sz)
{
	void	   *p;

	sz = MAXALIGN(sz);
	if (sz > a->left)
	{
		Size		block = Max(sz, (Size) 1024 * 1024);

		a->cur = MemoryContextAlloc(a->cxt, block);
		a->left = block;
	}
	p = a->cur;
	a->cur += sz;
	a->left -= sz;
	return p;
}

/* ---------- hash tables: path text -> node, int64 -> index ---------- */

typedef struct PathEnt
{
	const char *key;			/* NUL-terminated path text, in the arena */
	int32		node;
	uint32		hash;
	char		status;
} PathEnt;

#define SH_PREFIX pathtab
#define SH_ELEMENT_TYPE PathEnt
#define SH_KEY_TYPE const char *
#define SH_KEY key
#define SH_HASH_KEY(tb, k) hash_bytes((const unsigned char *) (k), strlen(k))
#define SH_EQUAL(tb, a, b) (strcmp((a), (b)) == 0)
#define SH_STORE_HASH
#define SH_GET_HASH(tb, a) (a)->hash
#define SH_SCOPE static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

typedef struct IntEnt
{
	int64		key;
	int32		idx;
	char		status;
} IntEnt;

static inline uint32
mix64(uint64 x)
{
	x ^= x >> 33;
	x *= UINT64CONST(0xff51afd7ed558ccd);
	x ^= x >> 33;
	x *= UINT64CONST(0xc4ceb9fe1a85ec53);
	x ^= x >> 33;
	return (uint32) x;
}

#define SH_PREFIX inttab
#define SH_ELEMENT_TYPE IntEnt
#define SH_KEY_TYPE int64
#define SH_KEY key
#define SH_HASH_KEY(tb, k) mix64((uint64) (k))
#define SH_EQUAL(tb, a, b) ((a) == (b))
#define SH_SCOPE static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

/* ---------- the base forecasts ---------- */

typedef struct Base
{
	MemoryContext cxt;
	Arena		arena;
	pathtab_hash *paths;
	StringInfoData keybuf;

	/* nodes, in order of first appearance */
	int32		n;
	int32		cap;
	char	  **key;			/* path text */
	int32	   *depth;			/* nlevel */
	struct varlena **lt;		/* copy of the caller's ltree value */

	/* steps, in order of first appearance */
	inttab_hash *steps;
	int32		h;
	int32		hcap;
	int32	   *stepval;
	double	  **col;			/* col[k][node]; NaN = not given yet */

	/* last row's node and step (rows usually come grouped by path) */
	int32		last_node;
	int32		last_step;
	int32		last_step_idx;
	int32		step_base;		/* first step seen */
	int32		step_direct[STEP_DIRECT];	/* step - step_base -> index + 1 */
	bool		step_major;		/* the last row was the next node */
	int64		rows;

	/*
	 * While every new path is greater (ltree order) than the previous new
	 * one, a path that is not the last one seen cannot have been seen
	 * before, so nodes are appended without hashing and the tree is built
	 * with a stack (base_build_tree).  The first path out of order switches
	 * to the hash table (base_hash_all) for the rest of the query.
	 */
	bool		sorted;

	/* the tree, after base_build_tree */
	int32	   *order;			/* ltree order -> node */
	int32	   *parent;			/* in ltree order */
	int32	   *step_order;		/* step indexes by ascending step */
	int32		n_agg;
} Base;

/* The name of the SQL function, for messages and the error context. */
typedef struct QueryCtx
{
	const char *func;
	const char *what;			/* "base", "residuals", "history" */
} QueryCtx;

static void
query_error_callback(void *arg)
{
	QueryCtx   *q = (QueryCtx *) arg;

	errcontext("while reading the %s query of forecastin.%s", q->what, q->func);
}

/* ---------- column types ---------- */

static bool
is_ltree_type(Oid typid)
{
	HeapTuple	tup;
	bool		res = false;

	typid = getBaseType(typid);
	tup = SearchSysCache1(TYPEOID, ObjectIdGetDatum(typid));
	if (HeapTupleIsValid(tup))
	{
		Form_pg_type t = (Form_pg_type) GETSTRUCT(tup);

		res = strcmp(NameStr(t->typname), "ltree") == 0 && t->typlen == -1;
		ReleaseSysCache(tup);
	}
	return res;
}

static int
find_column(TupleDesc desc, const char *name, const QueryCtx *q, const char *expect)
{
	int			col = SPI_fnumber(desc, name);

	if (col <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("the %s query of forecastin.%s has no column \"%s\"", q->what, q->func, name),
				 errdetail("The %s query must return columns named %s.", q->what, expect),
				 errhint("Rename columns with AS, for example %s.",
						 strcmp(expect, "path, step and yhat") == 0 ?
						 "SELECT node AS path, h AS step, fc AS yhat FROM my_forecasts" :
						 strcmp(expect, "path, t and y") == 0 ?
						 "SELECT node AS path, day AS t, qty AS y FROM my_sales" :
						 "SELECT node AS path, day AS t, err AS resid FROM my_residuals")));
	return col;
}

static void
check_column_type(TupleDesc desc, int col, const char *name, const QueryCtx *q,
				  const Oid *ok, const char *accepted)
{
	Oid			typid = getBaseType(SPI_gettypeid(desc, col));
	int			i;

	for (i = 0; ok[i] != InvalidOid; i++)
		if (typid == ok[i])
			return;
	ereport(ERROR,
			(errcode(ERRCODE_DATATYPE_MISMATCH),
			 errmsg("column \"%s\" of the %s query of forecastin.%s has type %s", name, q->what,
					q->func, format_type_be(SPI_gettypeid(desc, col))),
			 errdetail("Accepted types: %s.", accepted),
			 ok[0] == INT8OID ?
			 errhint("Cast the column, for example %s::date or %s::bigint.", name, name) :
			 errhint("Cast the column, for example %s::%s.", name,
					 ok[0] == InvalidOid ? "ltree" : ok[0] == INT4OID ? "int" : "float8")));
}

static const Oid number_types[] = {FLOAT8OID, FLOAT4OID, NUMERICOID, INT8OID, INT4OID, INT2OID, InvalidOid};
static const Oid step_types[] = {INT4OID, INT2OID, INT8OID, InvalidOid};
static const Oid time_types[] = {INT8OID, INT4OID, INT2OID, DATEOID, TIMESTAMPOID, TIMESTAMPTZOID, InvalidOid};

#define NUMBER_TYPES "double precision, real, numeric, bigint, integer, smallint"
#define STEP_TYPES "integer, smallint, bigint"
#define TIME_TYPES "bigint, integer, smallint, date, timestamp, timestamptz"

static double
datum_to_double(Datum d, Oid typid)
{
	switch (typid)
	{
		case FLOAT8OID:
			return DatumGetFloat8(d);
		case FLOAT4OID:
			return (double) DatumGetFloat4(d);
		case INT8OID:
			return (double) DatumGetInt64(d);
		case INT4OID:
			return (double) DatumGetInt32(d);
		case INT2OID:
			return (double) DatumGetInt16(d);
		default:				/* NUMERICOID */
			return DatumGetFloat8(DirectFunctionCall1(numeric_float8_no_overflow, d));
	}
}

static int64
datum_to_time(Datum d, Oid typid)
{
	switch (typid)
	{
		case INT8OID:
			return DatumGetInt64(d);
		case INT4OID:
			return DatumGetInt32(d);
		case INT2OID:
			return DatumGetInt16(d);
		case DATEOID:
			return DatumGetDateADT(d);
		default:				/* TIMESTAMP(TZ)OID: microseconds */
			return DatumGetTimestamp(d);
	}
}

static char *
time_to_text(int64 t, Oid typid)
{
	switch (typid)
	{
		case DATEOID:
			return DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum((DateADT) t)));
		case TIMESTAMPOID:
			return DatumGetCString(DirectFunctionCall1(timestamp_out, TimestampGetDatum(t)));
		case TIMESTAMPTZOID:
			return DatumGetCString(DirectFunctionCall1(timestamptz_out, TimestampTzGetDatum(t)));
		default:
			return psprintf(INT64_FORMAT, t);
	}
}

/* ---------- reading ltree values ---------- */

/*
 * The path text "a.b.c" of an ltree value (packed or not) into buf;
 * returns its number of levels.  Validates lengths against the datum size
 * so that a damaged value cannot make us read past it.
 */
static int
ltree_text(struct varlena *v, StringInfo buf)
{
	const char *payload = VARDATA_ANY(v);
	Size		len = VARSIZE_ANY_EXHDR(v);
	Size		off = LTREE_HDRSIZE - VARHDRSZ;
	uint16		numlevel;
	int			i;

	resetStringInfo(buf);
	if (len < off)
		elog(ERROR, "invalid ltree value of %zu bytes", len);
	memcpy(&numlevel, payload, sizeof(uint16));
	for (i = 0; i < numlevel; i++)
	{
		uint16		llen;

		if (off + LEVEL_HDRSIZE > len)
			elog(ERROR, "invalid ltree value: truncated level %d", i);
		memcpy(&llen, payload + off, sizeof(uint16));
		if (off + LEVEL_HDRSIZE + llen > len)
			elog(ERROR, "invalid ltree value: truncated label %d", i);
		if (i > 0)
			appendStringInfoChar(buf, '.');
		appendBinaryStringInfo(buf, payload + off + LEVEL_HDRSIZE, llen);
		off += MAXALIGN(llen + LEVEL_HDRSIZE);
	}
	return numlevel;
}

static inline bool
same_payload(struct varlena *a, struct varlena *b)
{
	Size		la = VARSIZE_ANY_EXHDR(a);

	return la == VARSIZE_ANY_EXHDR(b) && memcmp(VARDATA_ANY(a), VARDATA_ANY(b), la) == 0;
}

/* ---------- the base query ---------- */

static void
base_init(Base *b, MemoryContext cxt)
{
	memset(b, 0, sizeof(*b));
	b->cxt = cxt;
	b->arena.cxt = cxt;
	b->paths = pathtab_create(cxt, 1024, NULL);
	b->steps = inttab_create(cxt, 64, NULL);
	initStringInfo(&b->keybuf);
	b->cap = 1024;
	b->key = palloc(sizeof(char *) * b->cap);
	b->depth = palloc(sizeof(int32) * b->cap);
	b->lt = palloc(sizeof(struct varlena *) * b->cap);
	b->hcap = 16;
	b->stepval = palloc(sizeof(int32) * b->hcap);
	b->col = palloc(sizeof(double *) * b->hcap);
	b->last_node = -1;
	b->sorted = true;
}

static void
fill_nan(double *p, Size from, Size to)
{
	Size		i;

	for (i = from; i < to; i++)
		p[i] = NAN;
}

/*
 * ltree order of two validated ltree values (packed or not), as
 * ltree_compare: level by level, labels by memcmp then length, a prefix
 * before its extensions.
 */
static int
ltree_payload_cmp(struct varlena *a, struct varlena *b)
{
	const char *pa = VARDATA_ANY(a);
	const char *pb = VARDATA_ANY(b);
	uint16		na,
				nb;
	Size		oa = LTREE_HDRSIZE - VARHDRSZ,
				ob = LTREE_HDRSIZE - VARHDRSZ;

	memcpy(&na, pa, sizeof(uint16));
	memcpy(&nb, pb, sizeof(uint16));
	while (na > 0 && nb > 0)
	{
		uint16		la,
					lb;
		int			r;

		memcpy(&la, pa + oa, sizeof(uint16));
		memcpy(&lb, pb + ob, sizeof(uint16));
		r = memcmp(pa + oa + LEVEL_HDRSIZE, pb + ob + LEVEL_HDRSIZE, Min(la, lb));
		if (r != 0)
			return r;
		if (la != lb)
			return la < lb ? -1 : 1;
		oa += MAXALIGN(la + LEVEL_HDRSIZE);
		ob += MAXALIGN(lb + LEVEL_HDRSIZE);
		na--;
		nb--;
	}
	return na == nb ? 0 : na < nb ? -1 : 1;
}

/* Append the node of path value v (its text in b->keybuf); its index. */
static int32
base_add_node(Base *b, struct varlena *v, int nlevel, const QueryCtx *q)
{
	int32		i = b->n;
	char	   *k;
	Size		vs = VARSIZE_ANY(v);

	if (nlevel == 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("the %s query of forecastin.%s returned an empty path", q->what, q->func),
				 errdetail("Every series needs a path of at least one label; the roots of the hierarchy have one label.")));
	if (b->n == b->cap)
	{
		int32		k2;
		Size		newcap = (Size) b->cap * 2;

		if (newcap > MaxAllocSize / sizeof(double))
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("too many paths in the %s query of forecastin.%s", q->what, q->func)));
		b->key = repalloc(b->key, sizeof(char *) * newcap);
		b->depth = repalloc(b->depth, sizeof(int32) * newcap);
		b->lt = repalloc(b->lt, sizeof(struct varlena *) * newcap);
		for (k2 = 0; k2 < b->h; k2++)
		{
			b->col[k2] = repalloc(b->col[k2], sizeof(double) * newcap);
			fill_nan(b->col[k2], b->cap, newcap);
		}
		b->cap = (int32) newcap;
	}
	k = arena_alloc(&b->arena, b->keybuf.len + 1);
	memcpy(k, b->keybuf.data, b->keybuf.len + 1);
	b->key[i] = k;
	b->depth[i] = nlevel;
	b->lt[i] = arena_alloc(&b->arena, vs);
	memcpy(b->lt[i], v, vs);
	b->n++;
	return i;
}

/* Leave sorted mode: put every node so far in the hash table. */
static void
base_hash_all(Base *b)
{
	int32		i;

	if (!b->sorted)
		return;
	b->sorted = false;
	for (i = 0; i < b->n; i++)
	{
		bool		found;
		PathEnt    *e = pathtab_insert(b->paths, b->key[i], &found);

		Assert(!found);
		e->node = i;
	}
}

/* Node of the path value v, adding it when new. */
static int32
base_node(Base *b, struct varlena *v, const QueryCtx *q)
{
	PathEnt    *e;
	bool		found;
	int			nlevel;

	/*
	 * Rows usually come grouped by path (the same node again) or by step
	 * (the next node, in order of first appearance): try those before
	 * hashing, which costs a few cache misses per row on a large tree.
	 */
	if (b->last_node >= 0)
	{
		int32		next = b->last_node + 1 < b->n ? b->last_node + 1 : 0;

		if (b->step_major)
		{
			if (same_payload(v, b->lt[next]))
			{
				b->last_node = next;
				return next;
			}
			if (same_payload(v, b->lt[b->last_node]))
			{
				b->step_major = false;
				return b->last_node;
			}
		}
		else
		{
			if (same_payload(v, b->lt[b->last_node]))
				return b->last_node;
			if (same_payload(v, b->lt[next]))
			{
				b->step_major = true;
				b->last_node = next;
				return next;
			}
		}
	}

	nlevel = ltree_text(v, &b->keybuf);
	if (b->sorted)
	{
		/* beyond every path so far: new, no lookup needed */
		if (b->n == 0 || ltree_payload_cmp(v, b->lt[b->n - 1]) > 0)
		{
			b->last_node = base_add_node(b, v, nlevel, q);
			return b->last_node;
		}
		base_hash_all(b);
	}
	e = pathtab_insert(b->paths, b->keybuf.data, &found);
	if (!found)
	{
		e->node = base_add_node(b, v, nlevel, q);
		e->key = b->key[e->node];
	}
	b->last_node = e->node;
	return e->node;
}

static int32
base_step(Base *b, int32 step)
{
	IntEnt	   *e;
	bool		found;
	int64		d;

	if (b->h > 0 && step == b->last_step)
		return b->last_step_idx;
	/* steps near the first one seen: a direct map, no hashing per row */
	d = (int64) step - b->step_base;
	if (b->h > 0 && d >= 0 && d < STEP_DIRECT && b->step_direct[d] > 0)
	{
		b->last_step = step;
		b->last_step_idx = b->step_direct[d] - 1;
		return b->last_step_idx;
	}
	e = inttab_insert(b->steps, step, &found);
	if (!found)
	{
		if (b->h == b->hcap)
		{
			b->hcap *= 2;
			b->stepval = repalloc(b->stepval, sizeof(int32) * b->hcap);
			b->col = repalloc(b->col, sizeof(double *) * b->hcap);
		}
		b->stepval[b->h] = step;
		b->col[b->h] = palloc(sizeof(double) * b->cap);
		fill_nan(b->col[b->h], 0, b->cap);
		if (b->h == 0)
		{
			b->step_base = step;
			d = 0;
		}
		e->idx = b->h++;
		if (d >= 0 && d < STEP_DIRECT)
			b->step_direct[d] = e->idx + 1;
	}
	b->last_step = step;
	b->last_step_idx = e->idx;
	return e->idx;
}

/*
 * Open a cursor on the inner query and return its portal; the caller
 * fetches.  SPI calls return in SPI's procedure memory context, which
 * SPI_finish frees: switch back to the caller's context, where everything
 * that must outlive SPI is allocated.
 */
static Portal
open_query(const char *sql, const QueryCtx *q)
{
	MemoryContext cxt = CurrentMemoryContext;
	Portal		portal;

	portal = SPI_cursor_open_with_args(NULL, sql, 0, NULL, NULL, NULL, false, 0);
	MemoryContextSwitchTo(cxt);
	if (portal == NULL)
		elog(ERROR, "SPI_cursor_open_with_args failed: %s", SPI_result_code_string(SPI_result));
	return portal;
}

/*
 * Rows of an inner query go straight from the executor to a row function
 * through this DestReceiver: no copy of each tuple into an SPI tuple table.
 * The portal is still fetched FETCH_BATCH rows at a time.
 */
typedef void (*RowFn) (void *arg, Datum *values, bool *nulls);

typedef struct RowReceiver
{
	DestReceiver pub;			/* must be first */
	RowFn		fn;
	void	   *arg;
	MemoryContext cxt;
} RowReceiver;

static bool
rr_receive(TupleTableSlot *slot, DestReceiver *self)
{
	RowReceiver *r = (RowReceiver *) self;
	MemoryContext old = MemoryContextSwitchTo(r->cxt);

	slot_getallattrs(slot);
	r->fn(r->arg, slot->tts_values, slot->tts_isnull);
	MemoryContextSwitchTo(old);
	return true;
}

static void
rr_startup(DestReceiver *self, int operation, TupleDesc typeinfo)
{
}

static void
rr_noop(DestReceiver *self)
{
}

/* Run the portal to its end, each row to fn (in memory context cxt). */
static void
fetch_all(Portal portal, RowFn fn, void *arg, MemoryContext cxt)
{
	RowReceiver r;

	memset(&r, 0, sizeof(r));
	r.pub.receiveSlot = rr_receive;
	r.pub.rStartup = rr_startup;
	r.pub.rShutdown = rr_noop;
	r.pub.rDestroy = rr_noop;
	r.pub.mydest = DestNone;
	r.fn = fn;
	r.arg = arg;
	r.cxt = cxt;
	for (;;)
	{
		uint64		got = PortalRunFetch(portal, FETCH_FORWARD, FETCH_BATCH, &r.pub);

		MemoryContextSwitchTo(cxt);
		if (got == 0)
			break;
		CHECK_FOR_INTERRUPTS();
	}
	SPI_cursor_close(portal);
	MemoryContextSwitchTo(cxt);
}

/* A path value of a row, in-line (detoasted when compressed or external). */
static inline struct varlena *
row_path(Datum d)
{
	struct varlena *v = (struct varlena *) DatumGetPointer(d);

	if (VARATT_IS_EXTENDED(v) && !VARATT_IS_SHORT(v))
		v = pg_detoast_datum_packed(v);
	return v;
}

typedef struct BaseReader
{
	Base	   *b;
	const QueryCtx *q;
	int			cpath,
				cstep,
				cy;
	Oid			tstep,
				ty;
} BaseReader;

static void
base_row(void *arg, Datum *values, bool *nulls)
{
	BaseReader *r = (BaseReader *) arg;
	Base	   *b = r->b;
	const QueryCtx *q = r->q;
	int32		node,
				sidx;
	int64		step;
	double		y;
	struct varlena *v;

	if (nulls[r->cpath] || nulls[r->cstep] || nulls[r->cy])
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("the %s query of forecastin.%s returned a NULL %s", q->what, q->func,
						nulls[r->cpath] ? "path" : nulls[r->cstep] ? "step" : "yhat"),
				 errhint("Filter NULLs out, or replace a missing forecast with coalesce(yhat, 0).")));
	step = r->tstep == INT8OID ? DatumGetInt64(values[r->cstep]) :
		r->tstep == INT4OID ? DatumGetInt32(values[r->cstep]) : DatumGetInt16(values[r->cstep]);
	if (step < PG_INT32_MIN || step > PG_INT32_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("step " INT64_FORMAT " is out of range for integer", step)));
	y = datum_to_double(values[r->cy], r->ty);
	v = row_path(values[r->cpath]);
	node = base_node(b, v, q);
	if (v != (struct varlena *) DatumGetPointer(values[r->cpath]))
		pfree(v);				/* a detoasted copy (base_node kept its own) */
	if (!isfinite(y))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("forecast for path \"%s\" at step %d is %s", b->key[node], (int32) step,
						isnan(y) ? "NaN" : "infinite"),
				 errdetail("Base forecasts must be finite numbers."),
				 errhint("Fix or filter the model that produced it, for example WHERE yhat <> 'NaN'.")));
	sidx = base_step(b, (int32) step);
	if (!isnan(b->col[sidx][node]))
		ereport(ERROR,
				(errcode(ERRCODE_CARDINALITY_VIOLATION),
				 errmsg("duplicate forecast for path \"%s\" at step %d", b->key[node], (int32) step),
				 errdetail("Each (path, step) may appear once in the base forecasts."),
				 errhint("Aggregate duplicates first, for example with GROUP BY path, step.")));
	b->col[sidx][node] = y;
	b->rows++;
}

static void
read_base(Base *b, const char *sql, const QueryCtx *q)
{
	Portal		portal = open_query(sql, q);
	TupleDesc	desc = portal->tupDesc;
	BaseReader	r;

	MemoryContextSwitchTo(b->cxt);
	r.b = b;
	r.q = q;
	r.cpath = find_column(desc, "path", q, "path, step and yhat");
	r.cstep = find_column(desc, "step", q, "path, step and yhat");
	r.cy = find_column(desc, "yhat", q, "path, step and yhat");
	if (!is_ltree_type(SPI_gettypeid(desc, r.cpath)))
		check_column_type(desc, r.cpath, "path", q, (const Oid[]) {InvalidOid}, "ltree");
	check_column_type(desc, r.cstep, "step", q, step_types, STEP_TYPES);
	check_column_type(desc, r.cy, "yhat", q, number_types, NUMBER_TYPES);
	r.tstep = getBaseType(SPI_gettypeid(desc, r.cstep));
	r.ty = getBaseType(SPI_gettypeid(desc, r.cy));
	/* attribute numbers to array indexes */
	r.cpath--;
	r.cstep--;
	r.cy--;
	fetch_all(portal, base_row, &r, b->cxt);
}

/* ltree order of two sibling labels: memcmp, then length */
typedef struct LabelRef
{
	const char *s;				/* the last label of the path */
	int32		len;
	int32		node;
} LabelRef;

static int
label_cmp(const void *a, const void *b)
{
	const LabelRef *x = (const LabelRef *) a;
	const LabelRef *y = (const LabelRef *) b;
	int			r = memcmp(x->s, y->s, Min(x->len, y->len));

	if (r != 0)
		return r;
	return x->len - y->len;
}

static const int32 *sort_steps;

static int
step_cmp(const void *a, const void *b)
{
	int32		x = sort_steps[*(const int32 *) a],
				y = sort_steps[*(const int32 *) b];

	return x < y ? -1 : x > y;
}

/*
 * The tree of nodes that arrived in ltree order (b->sorted): each node's
 * parent is the nearest node before it with one label less, found with a
 * stack of the current ancestors; the order is the identity, nothing to
 * reorder.  Returns false, having changed nothing in b, when a parent is
 * missing (the general code then reports it).
 */
static bool
base_tree_sorted(Base *b)
{
	int32		n = b->n;
	int32	   *par = palloc(sizeof(int32) * (n + 1));
	int32	   *stack = palloc(sizeof(int32) * (n + 1));
	bool	   *isagg = palloc0(sizeof(bool) * (n + 1));
	int32		sp = 0,
				i;

	for (i = 0; i < n; i++)
	{
		int32		d = b->depth[i];

		while (sp > 0 && b->depth[stack[sp - 1]] >= d)
			sp--;
		if (d == 1)
			par[i] = -1;
		else
		{
			int32		p = sp > 0 ? stack[sp - 1] : -1;
			size_t		lp = p >= 0 ? strlen(b->key[p]) : 0;

			if (p < 0 || b->depth[p] != d - 1 ||
				strncmp(b->key[i], b->key[p], lp) != 0 || b->key[i][lp] != '.')
			{
				pfree(par);
				pfree(stack);
				pfree(isagg);
				return false;
			}
			par[i] = p;
			isagg[p] = true;
		}
		stack[sp++] = i;
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	b->n_agg = 0;
	b->order = palloc(sizeof(int32) * (n + 1));
	for (i = 0; i < n; i++)
	{
		b->order[i] = i;
		b->n_agg += isagg[i];
	}
	b->parent = par;
	pfree(stack);
	pfree(isagg);
	return true;
}

/* Parents, children sorted by label, ltree order, for any arrival order. */
static void
base_tree_general(Base *b, const QueryCtx *q, bool reorder)
{
	int32		n = b->n;
	int32	   *par = palloc(sizeof(int32) * (n + 1));
	int32	   *start = palloc0(sizeof(int32) * (n + 2));
	LabelRef   *kids = palloc(sizeof(LabelRef) * (n + 1));
	int32	   *fill = palloc0(sizeof(int32) * (n + 1));
	LabelRef   *roots = palloc(sizeof(LabelRef) * (n + 1));
	int32	   *stack = palloc(sizeof(int32) * (n + 1));
	int32	   *pos = palloc(sizeof(int32) * (n + 1));
	int32		nroots = 0,
				sp = 0,
				cnt = 0;
	int32		i,
				k;

	/* parents */
	for (i = 0; i < n; i++)
	{
		const char *key = b->key[i];
		const char *dot = strrchr(key, '.');
		PathEnt    *e;

		if (dot == NULL)
		{
			par[i] = -1;
			roots[nroots].s = key;
			roots[nroots].len = strlen(key);
			roots[nroots++].node = i;
			continue;
		}
		resetStringInfo(&b->keybuf);
		appendBinaryStringInfo(&b->keybuf, key, dot - key);
		e = pathtab_lookup(b->paths, b->keybuf.data);
		if (e == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("path \"%s\" has no parent \"%s\" in the %s forecasts", key, b->keybuf.data, q->what),
					 errdetail("Every prefix of a path must have its own forecasts: the hierarchy is read from the paths."),
					 errhint("Add the missing aggregate (for example the sum of its children), or start the paths below it with subpath().")));
		par[i] = e->node;
		start[e->node + 1]++;
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	/* children lists, sorted by label */
	for (i = 0; i < n; i++)
		start[i + 1] += start[i];
	for (i = 0; i < n; i++)
		if (par[i] >= 0)
		{
			LabelRef   *l = &kids[start[par[i]] + fill[par[i]]++];
			const char *dot = strrchr(b->key[i], '.');

			l->s = dot + 1;
			l->len = strlen(dot + 1);
			l->node = i;
		}
	qsort(roots, nroots, sizeof(LabelRef), label_cmp);
	for (i = 0; i < n; i++)
		if (start[i + 1] - start[i] > 1)
			qsort(kids + start[i], start[i + 1] - start[i], sizeof(LabelRef), label_cmp);
	b->n_agg = 0;
	for (i = 0; i < n; i++)
		if (start[i + 1] > start[i])
			b->n_agg++;

	/* depth-first, pre-order: parents first, siblings by label */
	b->order = palloc(sizeof(int32) * (n + 1));
	for (i = nroots - 1; i >= 0; i--)
		stack[sp++] = roots[i].node;
	while (sp > 0)
	{
		int32		v = stack[--sp];

		pos[v] = cnt;
		b->order[cnt++] = v;
		for (k = start[v + 1] - 1; k >= start[v]; k--)
			stack[sp++] = kids[k].node;
	}
	Assert(cnt == n);
	b->parent = palloc(sizeof(int32) * (n + 1));
	for (i = 0; i < n; i++)
	{
		int32		v = b->order[i];

		b->parent[i] = par[v] < 0 ? -1 : pos[par[v]];
	}

	if (reorder)
	{
		double	   *tmp = palloc(sizeof(double) * (Size) Max(n, 1));

		for (k = 0; k < b->h; k++)
		{
			double	   *c = b->col[k];

			for (i = 0; i < n; i++)
				tmp[i] = c[b->order[i]];
			b->col[k] = tmp;
			tmp = c;
		}
		pfree(tmp);
	}

	pfree(par);
	pfree(start);
	pfree(kids);
	pfree(fill);
	pfree(roots);
	pfree(stack);
	pfree(pos);
}

/*
 * Parents from the path text, completeness of the (path, step) grid, and
 * the ltree order.  With reorder, b->col is permuted into that order.
 */
static void
base_build_tree(Base *b, const QueryCtx *q, bool reorder)
{
	int32		n = b->n;
	int32		i,
				k;

	/* every node has every step */
	for (k = 0; k < b->h; k++)
	{
		const double *c = b->col[k];

		for (i = 0; i < n; i++)
			if (isnan(c[i]))
				ereport(ERROR,
						(errcode(ERRCODE_DATA_EXCEPTION),
						 errmsg("missing forecast for path \"%s\" at step %d", b->key[i], b->stepval[k]),
						 errdetail("Every path needs a forecast for every step that appears in the %s query (%d steps).",
								   q->what, b->h),
						 errhint("Restrict the query to a common horizon, or fill the gap.")));
		CHECK_FOR_INTERRUPTS();
	}

	if (!(b->sorted && base_tree_sorted(b)))
	{
		base_hash_all(b);
		base_tree_general(b, q, reorder);
	}

	b->step_order = palloc(sizeof(int32) * (b->h + 1));
	for (k = 0; k < b->h; k++)
		b->step_order[k] = k;
	sort_steps = b->stepval;
	qsort(b->step_order, b->h, sizeof(int32), step_cmp);
}

/* ---------- residuals and history ---------- */

typedef enum AuxMode
{
	AUX_STORE,					/* keep every value, aligned on t */
	AUX_MOMENTS					/* keep count, sum of squares, t fingerprint */
} AuxMode;

typedef struct Aux
{
	AuxMode		mode;
	const char *valname;		/* "resid" or "y" */
	const char *noun;			/* "residual" or "history value" */
	int32		n;				/* nodes (ltree order) */
	const bool *needed;			/* which nodes must have a series */
	int32	   *count;
	uint64	   *fingerprint;	/* sum of mix(t) */
	double	   *sumsq;			/* AUX_MOMENTS */
	/* AUX_STORE: t-major columns over all n nodes */
	inttab_hash *times;
	int32		t;
	int32		tcap;
	int64	   *tval;
	double	  **col;
	Oid			ttype;
} Aux;

typedef struct AuxReader
{
	Base	   *b;
	Aux		   *a;
	const QueryCtx *q;
	int			cpath,
				ct,
				cv;
	Oid			tv;
	int32	   *pos;			/* original node -> ltree position */
	int32		last_node;
	struct varlena *last_v;
	int64		last_t;
	int32		last_tidx;
} AuxReader;

static void
aux_row(void *arg, Datum *values, bool *nulls)
{
	AuxReader  *r = (AuxReader *) arg;
	Base	   *b = r->b;
	Aux		   *a = r->a;
	const QueryCtx *q = r->q;
	struct varlena *v;
	int32		node;
	int64		t;
	double		y;

	if (nulls[r->cpath] || nulls[r->ct] || nulls[r->cv])
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("the %s query of forecastin.%s returned a NULL %s", q->what, q->func,
						nulls[r->cpath] ? "path" : nulls[r->ct] ? "t" : a->valname),
				 errhint("Filter NULLs out, and give every series the same time points.")));
	v = row_path(values[r->cpath]);
	if (r->last_v != NULL && same_payload(v, r->last_v))
		node = r->last_node;
	else
	{
		PathEnt    *e;

		ltree_text(v, &b->keybuf);
		e = pathtab_lookup(b->paths, b->keybuf.data);
		/* paths outside the base forecasts are not used */
		node = e ? r->pos[e->node] : -1;
		r->last_node = node;
		r->last_v = node >= 0 ? b->lt[e->node] : NULL;
	}
	if (v != (struct varlena *) DatumGetPointer(values[r->cpath]))
		pfree(v);
	if (node < 0 || !a->needed[node])
		return;
	t = datum_to_time(values[r->ct], a->ttype);
	y = datum_to_double(values[r->cv], r->tv);
	if (!isfinite(y))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("%s of path \"%s\" at t = %s is %s", a->noun, b->key[b->order[node]],
						time_to_text(t, a->ttype), isnan(y) ? "NaN" : "infinite"),
				 errdetail("The %s query must return finite numbers.", q->what)));
	a->count[node]++;
	a->fingerprint[node] += (uint64) mix64((uint64) t) * UINT64CONST(0x9E3779B97F4A7C15) + (uint64) t;
	if (a->mode == AUX_MOMENTS)
		a->sumsq[node] += y * y;
	else
	{
		int32		tidx;
		double	   *slot;

		if (r->last_tidx >= 0 && t == r->last_t)
			tidx = r->last_tidx;
		else
		{
			bool		found;
			IntEnt	   *e = inttab_insert(a->times, t, &found);

			if (!found)
			{
				if (a->t == a->tcap)
				{
					a->tcap *= 2;
					a->tval = repalloc(a->tval, sizeof(int64) * a->tcap);
					a->col = repalloc(a->col, sizeof(double *) * a->tcap);
				}
				a->tval[a->t] = t;
				a->col[a->t] = palloc(sizeof(double) * (a->n + 1));
				fill_nan(a->col[a->t], 0, a->n);
				e->idx = a->t++;
			}
			tidx = e->idx;
			r->last_t = t;
			r->last_tidx = tidx;
		}
		slot = &a->col[tidx][node];
		if (!isnan(*slot))
			ereport(ERROR,
					(errcode(ERRCODE_CARDINALITY_VIOLATION),
					 errmsg("duplicate %s for path \"%s\" at t = %s", a->noun,
							b->key[b->order[node]], time_to_text(t, a->ttype)),
					 errdetail("Each (path, t) may appear once in the %s query.", q->what)));
		*slot = y;
	}
}

static void
read_aux(Base *b, Aux *a, const char *sql, const QueryCtx *q)
{
	Portal		portal = open_query(sql, q);
	TupleDesc	desc = portal->tupDesc;
	AuxReader	r;
	char		expect[64];
	int32		i;

	MemoryContextSwitchTo(b->cxt);
	base_hash_all(b);			/* rows are matched to nodes by path text */
	memset(&r, 0, sizeof(r));
	r.b = b;
	r.a = a;
	r.q = q;
	r.last_node = -1;
	r.last_tidx = -1;
	snprintf(expect, sizeof(expect), "path, t and %s", a->valname);
	r.cpath = find_column(desc, "path", q, expect);
	r.ct = find_column(desc, "t", q, expect);
	r.cv = find_column(desc, a->valname, q, expect);
	if (!is_ltree_type(SPI_gettypeid(desc, r.cpath)))
		check_column_type(desc, r.cpath, "path", q, (const Oid[]) {InvalidOid}, "ltree");
	check_column_type(desc, r.ct, "t", q, time_types, TIME_TYPES);
	check_column_type(desc, r.cv, a->valname, q, number_types, NUMBER_TYPES);
	a->ttype = getBaseType(SPI_gettypeid(desc, r.ct));
	r.tv = getBaseType(SPI_gettypeid(desc, r.cv));
	r.cpath--;
	r.ct--;
	r.cv--;

	r.pos = palloc(sizeof(int32) * (b->n + 1));
	for (i = 0; i < b->n; i++)
		r.pos[b->order[i]] = i;
	a->count = palloc0(sizeof(int32) * (a->n + 1));
	a->fingerprint = palloc0(sizeof(uint64) * (a->n + 1));
	if (a->mode == AUX_MOMENTS)
		a->sumsq = palloc0(sizeof(double) * (a->n + 1));
	else
	{
		a->times = inttab_create(b->cxt, 256, NULL);
		a->tcap = 64;
		a->tval = palloc(sizeof(int64) * a->tcap);
		a->col = palloc(sizeof(double *) * a->tcap);
	}
	fetch_all(portal, aux_row, &r, b->cxt);
	pfree(r.pos);
}

/*
 * Every needed node has a series, all of the same length and on the same
 * time points.  Returns that length.
 */
static int32
aux_check(Base *b, Aux *a, const QueryCtx *q, const char *method)
{
	int32		i,
				ref = -1;
	int32		len = 0;

	for (i = 0; i < a->n; i++)
	{
		if (!a->needed[i])
			continue;
		if (a->count[i] == 0)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("no %s for path \"%s\"", strcmp(q->what, "history") == 0 ? "history" : "residuals",
							b->key[b->order[i]]),
					 errdetail("Method %s needs the %s of %s.", method, q->what,
							   strcmp(q->what, "history") == 0 ?
							   "every bottom-level path (the roots' totals are summed from them when absent)" :
							   "every path of the base forecasts"),
					 errhint("Check the paths returned by the %s query.", q->what)));
		if (ref < 0)
		{
			ref = i;
			len = a->count[i];
			continue;
		}
		if (a->count[i] != len)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("%s series of unequal length", strcmp(q->what, "history") == 0 ? "history" : "residual"),
					 errdetail("Path \"%s\" has %d values, path \"%s\" has %d.",
							   b->key[b->order[ref]], len, b->key[b->order[i]], a->count[i]),
					 errhint("Give every series the same time points, for example by restricting the %s query to a common window.",
							 q->what)));
		if (a->fingerprint[i] != a->fingerprint[ref])
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("%s series cover different time points", strcmp(q->what, "history") == 0 ? "history" : "residual"),
					 errdetail("Paths \"%s\" and \"%s\" have %d values each, at different times.",
							   b->key[b->order[ref]], b->key[b->order[i]], len),
					 errhint("Give every series the same time points, for example by restricting the %s query to a common window.",
							 q->what)));
	}
	return len;
}

/* Node-major copies of the stored series, pointers for the kernel. */
static const double **
aux_series(Aux *a, int32 T)
{
	const double **ser = palloc0(sizeof(double *) * (a->n + 1));
	Size		nneed = 0;
	double	   *block;
	int32		i,
				k;

	for (i = 0; i < a->n; i++)
		if (a->needed[i] && a->count[i] > 0)
			nneed++;
	block = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(double) * (nneed * T + 1));
	for (i = 0; i < a->n; i++)
	{
		double	   *dst;

		if (!a->needed[i] || a->count[i] == 0)
			continue;
		dst = block;
		block += T;
		for (k = 0; k < T; k++)
			dst[k] = a->col[k][i];
		ser[i] = dst;
	}
	for (k = 0; k < a->t; k++)
		pfree(a->col[k]);
	return ser;
}

/* ---------- options ---------- */

typedef struct RecOptions
{
	char	   *residuals;
	char	   *history;
	int32		level;
	bool		level_given;
	bool		nonnegative;
} RecOptions;

static const char *
jbv_type(const JsonbValue *v)
{
	switch (v->type)
	{
		case jbvNull:
			return "null";
		case jbvString:
			return "a string";
		case jbvNumeric:
			return "a number";
		case jbvBool:
			return "a boolean";
		default:
			return "an object or array";
	}
}

static void
parse_options(Jsonb *jb, RecOptions *o)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	char	   *key = NULL;
	int			depth = 0;

	memset(o, 0, sizeof(*o));
	if (jb == NULL)
		return;
	if (!JB_ROOT_IS_OBJECT(jb) || JB_ROOT_IS_SCALAR(jb))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("reconciliation options must be a JSON object"),
				 errhint("For example '{\"residuals\": \"SELECT path, t, resid FROM r\"}'.")));
	it = JsonbIteratorInit(&jb->root);
	while ((tok = JsonbIteratorNext(&it, &v, false)) != WJB_DONE)
	{
		if (tok == WJB_BEGIN_OBJECT || tok == WJB_BEGIN_ARRAY)
		{
			if (++depth > 1)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("option \"%s\" must not be an object or array", key ? key : "?")));
			continue;
		}
		if (tok == WJB_END_OBJECT || tok == WJB_END_ARRAY)
		{
			depth--;
			continue;
		}
		if (tok == WJB_KEY)
		{
			key = pnstrdup(v.val.string.val, v.val.string.len);
			continue;
		}
		if (tok != WJB_VALUE)
			continue;
		if (strcmp(key, "residuals") == 0 || strcmp(key, "history") == 0)
		{
			if (v.type != jbvString)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("option \"%s\" must be a string (a query), not %s", key, jbv_type(&v))));
			if (key[0] == 'r')
				o->residuals = pnstrdup(v.val.string.val, v.val.string.len);
			else
				o->history = pnstrdup(v.val.string.val, v.val.string.len);
		}
		else if (strcmp(key, "level") == 0)
		{
			double		d;

			if (v.type != jbvNumeric)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("option \"level\" must be a number, not %s", jbv_type(&v))));
			d = DatumGetFloat8(DirectFunctionCall1(numeric_float8, NumericGetDatum(v.val.numeric)));
			if (!(d >= 1 && d <= 65535 && d == floor(d)))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("invalid middle-out level %g", d),
						 errdetail("A level is a path depth (nlevel): a whole number from 1 (the roots) down.")));
			o->level = (int32) d;
			o->level_given = true;
		}
		else if (strcmp(key, "nonnegative") == 0)
		{
			if (v.type != jbvBool)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("option \"nonnegative\" must be true or false, not %s", jbv_type(&v))));
			o->nonnegative = v.val.boolean;
		}
		else
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unknown reconciliation option \"%s\"", key),
					 errhint("Accepted options: " ACCEPTED_OPTIONS ".")));
	}
}

static FcRecMethod
parse_method(text *t)
{
	char	   *s = text_to_cstring(t);
	char	   *c;
	int			m;

	for (c = s; *c; c++)
		*c = pg_ascii_tolower((unsigned char) *c);
	m = fc_rec_method_from_name(s);
	if (m < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown reconciliation method \"%s\"", text_to_cstring(t)),
				 errhint("Accepted methods: " ACCEPTED_METHODS ".")));
	return (FcRecMethod) m;
}

/* ---------- kernel failures ---------- */

static void
report_kernel(FcStatus st, const FcRecInfo *info, const Base *b, FcRecMethod m,
			  const RecOptions *o, int32 T)
{
	const char *path = info->bad_node >= 0 && info->bad_node < b->n ?
		b->key[b->order[info->bad_node]] : "?";

	switch (info->reason)
	{
		case FC_REC_LEVEL_RANGE:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("middle-out level %d does not exist in the hierarchy", o->level),
					 errdetail("Levels are path depths (nlevel), from 1 (the roots) to %d here.", info->bad_value)));
			break;
		case FC_REC_LEAF_ABOVE_LEVEL:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("path \"%s\" is a bottom-level series at level %d, above the middle-out level %d",
							path, info->bad_value, o->level),
					 errdetail("Middle-out needs every path at level %d to have its own forecast and every bottom-level path at that level or deeper; "
							   "this path would be both a leaf and a parent of level %d.", o->level, o->level),
					 errhint("Choose a level no deeper than %d, or a method that accepts leaves at different depths (bu, td_*, ols, wls_*, mint_*).",
							 info->bad_value)));
			break;
		case FC_REC_NO_HISTORY:
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("no history for path \"%s\"", path),
					 errdetail("Method %s needs the history of every bottom-level path.", fc_rec_method_name(m))));
			break;
		case FC_REC_ZERO_TOTAL:
			ereport(ERROR,
					(errcode(ERRCODE_DIVISION_BY_ZERO),
					 errmsg("history of the total \"%s\" is zero %s", path,
							m == FC_REC_TD_GSA ? "in every period" : "in sum"),
					 errdetail("Top-down proportions divide by the history of the top of the hierarchy."),
					 errhint("Use td_fp (forecast proportions) or a longer history.")));
			break;
		case FC_REC_NO_RESID:
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("no residuals for path \"%s\"", path),
					 errdetail("Method %s needs the in-sample residuals of every path.", fc_rec_method_name(m))));
			break;
		case FC_REC_ZERO_VARIANCE:
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("residuals of path \"%s\" are all zero", path),
					 errdetail("Method %s weights each series by the inverse of its residual variance.", fc_rec_method_name(m)),
					 errhint("Leave that series out of the hierarchy, or use wls_struct or ols.")));
			break;
		case FC_REC_TOO_FEW_RESID:
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("too few residuals for %s: %d per series", fc_rec_method_name(m), T),
					 errdetail("The covariance estimate needs at least 2 time points.")));
			break;
		case FC_REC_TOO_MANY_AGG:
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("hierarchy has %d aggregate series, more than %s accepts (%d)",
							info->n_agg, fc_rec_method_name(m), info->bad_value),
					 errdetail("MinT solves a dense system with one row per aggregate series."),
					 errhint("Use wls_var or wls_struct, which run in linear time, or reconcile subtrees separately.")));
			break;
		case FC_REC_NOT_PD:
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("covariance of the coherence errors is singular even after shrinkage"),
					 errdetail("Shrinkage intensity %.4g; the residuals are exactly coherent or collinear.", info->lambda),
					 errhint("Use wls_var or wls_struct.")));
			break;
		case FC_REC_NONFINITE:
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("%s reconciliation produced a non-finite value", fc_rec_method_name(m)),
					 errdetail("The forecasts, history or residuals may be too large in magnitude.")));
			break;
		default:
			elog(ERROR, "reconciliation kernel failed: status %d, reason %d", (int) st, (int) info->reason);
	}
}

/* ---------- the result ---------- */

/*
 * Where heap_fill_tuple puts attributes 2 (step) and 3 (yhat) after the
 * ltree value v in a (path, step, yhat) tuple: the same rules (a short
 * varlena is not aligned; a 4-byte-header one that fits is made short).
 * -1 when v is not a plain in-line value.
 */
static void
result_offsets(TupleDesc desc, struct varlena *v, Size *off_step, Size *off_y)
{
	Form_pg_attribute a0 = TupleDescAttr(desc, 0);
	Size		off = 0;

	if (VARATT_IS_EXTERNAL(v) || VARATT_IS_COMPRESSED(v))
	{
		*off_step = *off_y = (Size) -1;
		return;
	}
	if (VARATT_IS_SHORT(v))
		off = VARSIZE_SHORT(v);
	else if (a0->attstorage != TYPSTORAGE_PLAIN && VARATT_CAN_MAKE_SHORT(v))
		off = VARATT_CONVERTED_SHORT_SIZE(v);
	else
		off = att_align_nominal(off, a0->attalign) + VARSIZE(v);
	off = att_align_nominal(off, TupleDescAttr(desc, 1)->attalign);
	*off_step = off;
	off = att_align_nominal(off + sizeof(int32), TupleDescAttr(desc, 2)->attalign);
	*off_y = off;
}

/*
 * Rows in (path, step) order.  28 million rows go through here for a
 * million-path tree, so the tuple of each path is formed once, for its first
 * step, and then only its step and yhat bytes change (checked against what
 * heap_form_minimal_tuple wrote; any surprise and that path's rows are formed
 * the ordinary way).
 */
static int64
write_result(ReturnSetInfo *rsinfo, Base *b)
{
	int64		slow = 0;
	TupleDesc	desc = rsinfo->setDesc;
	TupleTableSlot *slot = MakeSingleTupleTableSlot(desc, &TTSOpsMinimalTuple);
	int32		i,
				k;

	for (i = 0; i < b->n; i++)
	{
		Datum		values[3];
		bool		nulls[3] = {false, false, false};
		int32		s0 = b->step_order[0];
		MinimalTuple mt;
		char	   *data;
		Size		off_step,
					off_y;
		bool		fast;

		if (b->h == 0)
			break;
		values[0] = PointerGetDatum(b->lt[b->order[i]]);
		values[1] = Int32GetDatum(b->stepval[s0]);
		values[2] = Float8GetDatum(b->col[s0][i]);
		mt = heap_form_minimal_tuple(desc, values, nulls);
		data = (char *) mt - MINIMAL_TUPLE_OFFSET + mt->t_hoff;
		result_offsets(desc, b->lt[b->order[i]], &off_step, &off_y);
		fast = off_y != (Size) -1 && off_y + sizeof(float8) <= mt->t_len - (mt->t_hoff - MINIMAL_TUPLE_OFFSET) &&
			memcmp(data + off_step, &b->stepval[s0], sizeof(int32)) == 0 &&
			memcmp(data + off_y, &b->col[s0][i], sizeof(float8)) == 0;
		for (k = 0; k < b->h; k++)
		{
			int32		s = b->step_order[k];

			if (fast)
			{
				memcpy(data + off_step, &b->stepval[s], sizeof(int32));
				memcpy(data + off_y, &b->col[s][i], sizeof(float8));
				ExecStoreMinimalTuple(mt, slot, false);
				tuplestore_puttupleslot(rsinfo->setResult, slot);
			}
			else
			{
				values[1] = Int32GetDatum(b->stepval[s]);
				values[2] = Float8GetDatum(b->col[s][i]);
				tuplestore_putvalues(rsinfo->setResult, desc, values, nulls);
				slow++;
			}
		}
		ExecClearTuple(slot);
		pfree(mt);
		if ((i & 0xFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	ExecDropSingleTupleTableSlot(slot);
	return slow;
}

/* ---------- forecastin.reconcile ---------- */

static double
elapsed_ms(instr_time start)
{
	instr_time	now;

	INSTR_TIME_SET_CURRENT(now);
	INSTR_TIME_SUBTRACT(now, start);
	return INSTR_TIME_GET_MILLISEC(now);
}

/*
 * Common start of reconcile() and coherence(): the result tuplestore, the
 * caller's work context made current (the caller deletes it), an error
 * context naming the inner query being run, and SPI to run them with.
 */
static void
begin_inner_queries(FunctionCallInfo fcinfo, MemoryContext work, Base *b,
					QueryCtx *q, ErrorContextCallback *errcb)
{
	InitMaterializedSRF(fcinfo, 0);
	MemoryContextSwitchTo(work);
	base_init(b, work);

	errcb->callback = query_error_callback;
	errcb->arg = q;
	errcb->previous = error_context_stack;
	error_context_stack = errcb;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	MemoryContextSwitchTo(work);	/* not SPI's context: freed by SPI_finish */
}

Datum
fc_reconcile_sql(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	MemoryContext callercxt = CurrentMemoryContext;
	MemoryContext work;
	FcRecMethod method;
	RecOptions	opts;
	char	   *base_sql;
	Base		b;
	Aux			aux;
	bool	   *needed = NULL;
	FcRecProblem prob;
	FcRecInfo	info;
	FcStatus	st;
	QueryCtx	q = {"reconcile", "base"};
	ErrorContextCallback errcb;
	instr_time	t0;
	double		ms_base,
				ms_tree,
				ms_aux = 0,
				ms_kernel,
				ms_out;
	int64		slow;
	int32		i,
				T = 0;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("base query of forecastin.reconcile must not be NULL")));
	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("reconciliation method must not be NULL"),
				 errhint("Accepted methods: " ACCEPTED_METHODS ".")));
	base_sql = text_to_cstring(PG_GETARG_TEXT_PP(0));
	method = parse_method(PG_GETARG_TEXT_PP(1));
	parse_options(PG_ARGISNULL(2) ? NULL : PG_GETARG_JSONB_P(2), &opts);

	if (FC_REC_NEEDS_RESID(method) && opts.residuals == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("method %s needs option \"residuals\"", fc_rec_method_name(method)),
				 errhint("Pass the in-sample residuals of every path, for example '{\"residuals\": \"SELECT path, t, resid FROM my_residuals\"}'.")));
	if (FC_REC_NEEDS_HISTORY(method) && opts.history == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("method %s needs option \"history\"", fc_rec_method_name(method)),
				 errhint("Pass the history of the bottom-level paths, for example '{\"history\": \"SELECT path, t, y FROM sales\"}'.")));
	if (method == FC_REC_MO && !opts.level_given)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("method mo needs option \"level\""),
				 errhint("For example '{\"level\": 2}' keeps the base forecasts of the paths with two labels.")));

	work = AllocSetContextCreate(callercxt, "forecastin reconcile", ALLOCSET_DEFAULT_SIZES);
	begin_inner_queries(fcinfo, work, &b, &q, &errcb);
	INSTR_TIME_SET_CURRENT(t0);
	read_base(&b, base_sql, &q);
	ms_base = elapsed_ms(t0);

	if (b.n == 0)
	{
		/* no base forecasts: nothing to reconcile, no rows */
		SPI_finish();
		error_context_stack = errcb.previous;
		MemoryContextSwitchTo(callercxt);
		MemoryContextDelete(work);
		return (Datum) 0;
	}

	INSTR_TIME_SET_CURRENT(t0);
	base_build_tree(&b, &q, true);
	ms_tree = elapsed_ms(t0);

	if (FC_REC_NEEDS_RESID(method) || FC_REC_NEEDS_HISTORY(method))
	{
		bool		hist = FC_REC_NEEDS_HISTORY(method);

		if ((method == FC_REC_MINT_SHRINK || method == FC_REC_MINT_SAMPLE) &&
			b.n_agg > FC_REC_MAX_AGG_DEFAULT)
		{
			info.n_agg = b.n_agg;
			info.reason = FC_REC_TOO_MANY_AGG;
			info.bad_value = FC_REC_MAX_AGG_DEFAULT;
			info.bad_node = -1;
			error_context_stack = errcb.previous;
			report_kernel(FC_ERR_BAD_ARGUMENT, &info, &b, method, &opts, 0);
		}
		INSTR_TIME_SET_CURRENT(t0);
		memset(&aux, 0, sizeof(aux));
		needed = palloc0(sizeof(bool) * (b.n + 1));
		if (hist)
		{
			/* the leaves below a root, and the roots (optional) */
			bool	   *isagg = palloc0(sizeof(bool) * (b.n + 1));

			for (i = 0; i < b.n; i++)
				if (b.parent[i] >= 0)
					isagg[b.parent[i]] = true;
			for (i = 0; i < b.n; i++)
				needed[i] = (!isagg[i] && b.parent[i] >= 0) || (b.parent[i] < 0 && isagg[i]);
			pfree(isagg);
		}
		else
			for (i = 0; i < b.n; i++)
				needed[i] = true;
		aux.mode = method == FC_REC_WLS_VAR ? AUX_MOMENTS : AUX_STORE;
		aux.valname = hist ? "y" : "resid";
		aux.noun = hist ? "history value" : "residual";
		aux.n = b.n;
		aux.needed = needed;
		q.what = hist ? "history" : "residuals";
		read_aux(&b, &aux, hist ? opts.history : opts.residuals, &q);

		/* roots' history is optional: their totals are then summed */
		if (hist)
			for (i = 0; i < b.n; i++)
				if (b.parent[i] < 0 && aux.count[i] == 0)
					needed[i] = false;
		T = aux_check(&b, &aux, &q, fc_rec_method_name(method));
		ms_aux = elapsed_ms(t0);
	}
	SPI_finish();
	error_context_stack = errcb.previous;
	MemoryContextSwitchTo(work);

	memset(&prob, 0, sizeof(prob));
	prob.n = b.n;
	prob.parent = b.parent;
	prob.h = b.h;
	prob.yhat = (const double *const *) b.col;
	prob.t = T;
	prob.level = opts.level;
	prob.nonnegative = opts.nonnegative;
	if (FC_REC_NEEDS_HISTORY(method))
		prob.history = aux_series(&aux, T);
	else if (method == FC_REC_WLS_VAR)
	{
		double	   *var = palloc(sizeof(double) * (b.n + 1));

		for (i = 0; i < b.n; i++)
			var[i] = T > 0 ? aux.sumsq[i] / T : 0.0;
		prob.node_var = var;
	}
	else if (FC_REC_NEEDS_RESID(method))
		prob.resid = aux_series(&aux, T);

	INSTR_TIME_SET_CURRENT(t0);
	/* in place: the reconciled values replace the base forecasts */
	st = fc_reconcile(method, &prob, b.col, &info);
	ms_kernel = elapsed_ms(t0);
	if (st != FC_OK)
		report_kernel(st, &info, &b, method, &opts, T);

	if (info.fell_back)
		ereport(NOTICE,
				(errmsg("sample covariance of the residuals is singular; using the shrinkage estimator"),
				 errdetail("%d time points for %d series; shrinkage intensity %.4f.", T, b.n, info.lambda),
				 errhint("mint_shrink gives the same result without this notice.")));
	if (info.nonneg_unconverged > 0)
		ereport(NOTICE,
				(errmsg("non-negative reconciliation stopped before convergence in %d of %d steps",
						info.nonneg_unconverged, b.h),
				 errdetail("In those steps the active set needed more than 200 iterations or, for MinT, more than %d series held at zero; "
						   "the remaining negative bottom-level values were set to zero and the hierarchy summed again.",
						   FC_REC_NONNEG_MAX_SYSTEM - info.n_agg)));

	INSTR_TIME_SET_CURRENT(t0);
	slow = write_result(rsinfo, &b);
	ms_out = elapsed_ms(t0);
	elog(DEBUG1, "forecastin.reconcile %s: %d paths (%d aggregates) x %d steps, " INT64_FORMAT " rows; "
		 "base query %.1f ms, tree %.1f ms, %s query %.1f ms, kernel %.1f ms, output %.1f ms (" INT64_FORMAT " rows formed in full)",
		 fc_rec_method_name(method), b.n, b.n_agg, b.h, b.rows, ms_base, ms_tree,
		 FC_REC_NEEDS_HISTORY(method) ? "history" : "residuals", ms_aux, ms_kernel, ms_out, slow);

	MemoryContextSwitchTo(callercxt);
	MemoryContextDelete(work);
	return (Datum) 0;
}

/* ---------- forecastin.coherence ---------- */

Datum
fc_coherence_sql(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	MemoryContext callercxt = CurrentMemoryContext;
	MemoryContext work;
	Base		b;
	QueryCtx	q = {"coherence", "input"};
	ErrorContextCallback errcb;
	int32		k;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("query of forecastin.coherence must not be NULL")));

	work = AllocSetContextCreate(callercxt, "forecastin coherence", ALLOCSET_DEFAULT_SIZES);
	begin_inner_queries(fcinfo, work, &b, &q, &errcb);
	read_base(&b, text_to_cstring(PG_GETARG_TEXT_PP(0)), &q);
	SPI_finish();
	MemoryContextSwitchTo(work);
	base_build_tree(&b, &q, true);
	error_context_stack = errcb.previous;

	for (k = 0; k < b.h; k++)
	{
		int32		s = b.step_order[k];
		FcRecCoherence c;
		Datum		values[6];
		bool		nulls[6] = {false, false, false, false, false, false};

		fc_rec_coherence(b.n, b.parent, b.col[s], &c);
		values[0] = Int32GetDatum(b.stepval[s]);
		values[1] = Int32GetDatum(c.n_parents);
		values[2] = Float8GetDatum(c.max_rel_gap);
		values[3] = Float8GetDatum(c.mean_rel_gap);
		values[4] = Float8GetDatum(c.max_abs_gap);
		if (c.worst_node >= 0 && c.max_rel_gap > 0.0)
			values[5] = PointerGetDatum(b.lt[b.order[c.worst_node]]);
		else
			nulls[5] = true;
		if (c.n_parents == 0)
			nulls[2] = nulls[3] = nulls[4] = true;
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		CHECK_FOR_INTERRUPTS();
	}

	MemoryContextSwitchTo(callercxt);
	MemoryContextDelete(work);
	return (Datum) 0;
}
