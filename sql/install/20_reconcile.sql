------------------------------------------------------------------------------
-- Hierarchical reconciliation (src/reconcile.c, src/reconcile_sql.c)
--
-- Inner queries are passed as text (as pgRouting does) and run with the
-- rights and search_path of the caller; hence VOLATILE (they may read
-- anything, including volatile functions) and PARALLEL UNSAFE (they run
-- through SPI).  No SET search_path here on purpose: it would change how
-- the caller's own queries resolve their table names.
------------------------------------------------------------------------------

CREATE FUNCTION reconcile(base_query text, method text DEFAULT 'mint_shrink',
                          options jsonb DEFAULT '{}')
	RETURNS TABLE (path ltree, step int, yhat float8)
	AS 'MODULE_PATHNAME', 'fc_reconcile_sql'
	LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE ROWS 1000;

COMMENT ON FUNCTION reconcile(text, text, jsonb) IS
'Coherent forecasts for a hierarchy of ltree paths. base_query returns (path ltree, step int, yhat float8) for every path and step; every prefix of a path must be present. Methods: bu, td_gsa, td_pha, td_fp, mo, ols, wls_struct, wls_var, mint_shrink (default), mint_sample. Options: {"residuals": "SELECT path, t, resid ..."} for wls_var and mint_*, {"history": "SELECT path, t, y ..."} for td_gsa and td_pha, {"level": n} for mo, {"nonnegative": true}. Rows come in (path, step) order.';

CREATE FUNCTION coherence(query text)
	RETURNS TABLE (step int, n_parents int, max_rel_gap float8, mean_rel_gap float8,
	               max_abs_gap float8, worst_path ltree)
	AS 'MODULE_PATHNAME', 'fc_coherence_sql'
	LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE ROWS 28;

COMMENT ON FUNCTION coherence(text) IS
'How far forecasts are from coherent, per step. query returns (path ltree, step int, yhat float8) like the base query of reconcile(). For each parent, gap = yhat - sum of its children''s yhat and relative gap = |gap| / max(|yhat|, sum of |children''s yhat|) (0 when both are 0); reports their maximum and mean over the parents, the largest absolute gap and the parent with the largest relative gap.';
