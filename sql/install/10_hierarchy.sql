
------------------------------------------------------------------------------
-- Hierarchies over ltree paths (sql/install/10_hierarchy.sql)
--
-- A hierarchy is a named set of leaf paths; every prefix of a leaf is a node.
-- Leaves live in forecastin.hierarchy_leaf (the only source of truth, kept by
-- pg_dump); the L4 tier is two materialized views derived from it, refreshed
-- by forecastin.refresh_hierarchy_views() (by hand, after register, or from
-- pg_cron).  The navigation functions read the views, so they answer from
-- index range scans whatever the size of the hierarchy.
--
-- search_path: functions that run only our own SQL pin it FROM CURRENT, which
-- inside CREATE EXTENSION is "forecastin, <schema of ltree>" (ltree's
-- operators are looked up there); relations are always schema-qualified.
-- The one function that runs a caller's query (register_hierarchy(text,
-- text)) runs it with the caller's rights and search_path, and wraps it in SQL
-- that names everything with its schema.
------------------------------------------------------------------------------

CREATE TABLE hierarchy_leaf (
	hierarchy text NOT NULL,
	path ltree NOT NULL,
	PRIMARY KEY (hierarchy, path),
	CONSTRAINT hierarchy_leaf_name_not_empty CHECK (btrim(hierarchy) <> ''),
	CONSTRAINT hierarchy_leaf_path_not_empty CHECK (nlevel(path) > 0)
);

CREATE INDEX hierarchy_leaf_path_gist ON hierarchy_leaf USING gist (path);
COMMENT ON INDEX hierarchy_leaf_pkey IS 'One row per (hierarchy, leaf); leaves of a hierarchy in path order.';
COMMENT ON INDEX hierarchy_leaf_path_gist IS 'Ad-hoc subtree and lquery filters on leaves (<@, @>, ~).';

-- user rows are data, not part of the extension: pg_dump dumps them
SELECT pg_catalog.pg_extension_config_dump('hierarchy_leaf', '');

COMMENT ON TABLE hierarchy_leaf IS
'Leaves of every registered hierarchy: one row per bottom-level ltree path. Inner nodes are the prefixes of the leaves. Write it with forecastin.register_hierarchy(); no leaf may be a prefix of another.';
COMMENT ON COLUMN hierarchy_leaf.hierarchy IS 'Name of the hierarchy.';
COMMENT ON COLUMN hierarchy_leaf.path IS 'A leaf (bottom-level) path of the hierarchy.';

-- No leaf may be a prefix of another leaf (it would be an inner node, and its
-- own data would be counted twice when leaves are summed up the tree).
-- Checked per statement, over the hierarchies the statement touched: in ltree
-- order the descendants of a path follow it immediately, so a leaf has a leaf
-- below it exactly when the next leaf in path order is one of its
-- descendants.  One ordered pass, O(n log n) whatever plan is cached (a
-- per-new-row probe would be cheaper for single-row inserts, but a plan
-- cached while the table was small could turn it into n sequential scans).
CREATE FUNCTION hierarchy_leaf_check() RETURNS trigger
	LANGUAGE plpgsql
	SET search_path FROM CURRENT
AS $$
DECLARE
	v_hierarchy text;
	v_upper ltree;
	v_lower ltree;
BEGIN
	SELECT s.hierarchy, s.path, s.next_path
	  INTO v_hierarchy, v_upper, v_lower
	  FROM (SELECT l.hierarchy, l.path,
	               lead(l.path) OVER (PARTITION BY l.hierarchy ORDER BY l.path) AS next_path
	          FROM forecastin.hierarchy_leaf l
	         WHERE l.hierarchy IN (SELECT n.hierarchy FROM new_leaves n)) s
	 WHERE s.next_path <@ s.path
	 ORDER BY s.hierarchy, s.path
	 LIMIT 1;

	IF v_hierarchy IS NOT NULL THEN
		RAISE EXCEPTION 'leaf "%" of hierarchy "%" is a prefix of leaf "%"',
			v_upper, v_hierarchy, v_lower
		USING ERRCODE = 'check_violation',
		      DETAIL = 'Leaves are the bottom level of the tree: every prefix of a leaf is an inner node, so no leaf may be a prefix of another.',
		      HINT = 'Register only the bottom-level paths (inner nodes are derived from them), or extend the shorter path with a label of its own, e.g. "' || v_upper::text || '.other".',
		      SCHEMA = 'forecastin', TABLE = 'hierarchy_leaf';
	END IF;
	RETURN NULL;
END
$$;

COMMENT ON FUNCTION hierarchy_leaf_check() IS
'Trigger function of forecastin.hierarchy_leaf (internal): rejects a leaf that is a prefix of another leaf of the same hierarchy (check_violation).';

CREATE TRIGGER hierarchy_leaf_check_insert
	AFTER INSERT ON hierarchy_leaf
	REFERENCING NEW TABLE AS new_leaves
	FOR EACH STATEMENT EXECUTE FUNCTION hierarchy_leaf_check();
CREATE TRIGGER hierarchy_leaf_check_update
	AFTER UPDATE ON hierarchy_leaf
	REFERENCING NEW TABLE AS new_leaves
	FOR EACH STATEMENT EXECUTE FUNCTION hierarchy_leaf_check();
COMMENT ON TRIGGER hierarchy_leaf_check_insert ON hierarchy_leaf IS
'Rejects inserted leaves that are a prefix of another leaf, or have one as a prefix.';
COMMENT ON TRIGGER hierarchy_leaf_check_update ON hierarchy_leaf IS
'Rejects updated leaves that are a prefix of another leaf, or have one as a prefix.';

------------------------------------------------------------------------------
-- The L4 tier: materialized views over every registered hierarchy
------------------------------------------------------------------------------

-- (node, ancestor) pairs, the node itself included at distance 0: a closure
-- table, so "all descendants of X" is one index range (ancestor = X) in
-- path order, and rolling leaf values up to every level is one join.
CREATE MATERIALIZED VIEW mv_entity_ancestors AS
SELECT n.hierarchy,
       n.node,
       subpath(n.node, 0, k) AS ancestor,
       nlevel(n.node) - k AS distance
  FROM (SELECT DISTINCT l.hierarchy, subpath(l.path, 0, j) AS node
          FROM forecastin.hierarchy_leaf l,
               generate_series(1, nlevel(l.path)) AS j) n,
       generate_series(1, nlevel(n.node)) AS k
WITH DATA;

CREATE UNIQUE INDEX mv_entity_ancestors_key
	ON mv_entity_ancestors (hierarchy, node, ancestor);
CREATE INDEX mv_entity_ancestors_by_ancestor
	ON mv_entity_ancestors (hierarchy, ancestor, node) INCLUDE (distance);

COMMENT ON INDEX mv_entity_ancestors_key IS 'Unique key; needed by REFRESH ... CONCURRENTLY.';
COMMENT ON INDEX mv_entity_ancestors_by_ancestor IS 'All descendants of an ancestor, in path order.';

COMMENT ON MATERIALIZED VIEW mv_entity_ancestors IS
'Closure of every registered hierarchy: one row per node and each of its ancestors, the node itself included (distance 0). Refresh with forecastin.refresh_hierarchy_views().';
COMMENT ON COLUMN mv_entity_ancestors.hierarchy IS 'Name of the hierarchy.';
COMMENT ON COLUMN mv_entity_ancestors.node IS 'A node (any prefix of a leaf).';
COMMENT ON COLUMN mv_entity_ancestors.ancestor IS 'An ancestor of node, or node itself.';
COMMENT ON COLUMN mv_entity_ancestors.distance IS 'Levels between node and ancestor: 0 for the node itself, 1 for its parent, ...';

-- One row per node: where it sits and how much lies below it.  parent and
-- children are beyond the minimal (node, depth, descendants, leaves): parent
-- makes "children of X" an exact index range, children tells a UI how many
-- rows expanding a node will show.
CREATE MATERIALIZED VIEW mv_descendant_counts AS
WITH nodes AS (
	SELECT l.hierarchy,
	       subpath(l.path, 0, j) AS node,
	       bool_or(j = nlevel(l.path)) AS is_leaf
	  FROM forecastin.hierarchy_leaf l,
	       generate_series(1, nlevel(l.path)) AS j
	 GROUP BY 1, 2
)
SELECT n.hierarchy,
       subpath(n.node, 0, k) AS node,
       subpath(n.node, 0, k - 1) AS parent,
       k AS depth,
       count(*) FILTER (WHERE nlevel(n.node) = k + 1) AS children,
       count(*) - 1 AS descendants,
       count(*) FILTER (WHERE n.is_leaf) AS leaves
  FROM nodes n,
       generate_series(1, nlevel(n.node)) AS k
 GROUP BY n.hierarchy, subpath(n.node, 0, k), subpath(n.node, 0, k - 1), k
WITH DATA;

CREATE UNIQUE INDEX mv_descendant_counts_key
	ON mv_descendant_counts (hierarchy, node);
CREATE INDEX mv_descendant_counts_by_parent
	ON mv_descendant_counts (hierarchy, parent, node);
CREATE INDEX mv_descendant_counts_by_depth
	ON mv_descendant_counts (hierarchy, depth, node);
CREATE INDEX mv_descendant_counts_node_gist
	ON mv_descendant_counts USING gist (node);

COMMENT ON INDEX mv_descendant_counts_key IS 'Unique key; needed by REFRESH ... CONCURRENTLY; also the subtree range scan of descendants().';
COMMENT ON INDEX mv_descendant_counts_by_parent IS 'Children of a node in path order (children()).';
COMMENT ON INDEX mv_descendant_counts_by_depth IS 'Nodes of one level in path order (level_nodes()).';
COMMENT ON INDEX mv_descendant_counts_node_gist IS 'Ad-hoc subtree and lquery filters on nodes (<@, @>, ~).';

COMMENT ON MATERIALIZED VIEW mv_descendant_counts IS
'One row per node of every registered hierarchy: parent, depth, number of children, descendants and leaves below it. Refresh with forecastin.refresh_hierarchy_views().';
COMMENT ON COLUMN mv_descendant_counts.hierarchy IS 'Name of the hierarchy.';
COMMENT ON COLUMN mv_descendant_counts.node IS 'A node (any prefix of a leaf).';
COMMENT ON COLUMN mv_descendant_counts.parent IS 'The parent node; the empty path '''' for a top-level node.';
COMMENT ON COLUMN mv_descendant_counts.depth IS 'nlevel(node): 1 for a top-level node.';
COMMENT ON COLUMN mv_descendant_counts.children IS 'Number of direct children.';
COMMENT ON COLUMN mv_descendant_counts.descendants IS 'Number of nodes below node (0 for a leaf).';
COMMENT ON COLUMN mv_descendant_counts.leaves IS 'Number of leaves below node, node included (1 for a leaf).';

-- Live summary straight from the table (no refresh needed).
CREATE VIEW hierarchies AS
SELECT l.hierarchy,
       count(*) AS leaves,
       min(nlevel(l.path)) AS min_leaf_depth,
       max(nlevel(l.path)) AS max_leaf_depth
  FROM forecastin.hierarchy_leaf l
 GROUP BY l.hierarchy;

COMMENT ON VIEW hierarchies IS
'Registered hierarchies with their number of leaves and the depth range of the leaves, read live from forecastin.hierarchy_leaf.';
COMMENT ON COLUMN hierarchies.hierarchy IS 'Name of the hierarchy.';
COMMENT ON COLUMN hierarchies.leaves IS 'Number of leaves.';
COMMENT ON COLUMN hierarchies.min_leaf_depth IS 'Depth (nlevel) of the shallowest leaf.';
COMMENT ON COLUMN hierarchies.max_leaf_depth IS 'Depth (nlevel) of the deepest leaf.';

------------------------------------------------------------------------------
-- Refresh
------------------------------------------------------------------------------

-- SECURITY DEFINER: REFRESH needs ownership of the views; EXECUTE is
-- revoked from PUBLIC below, so the administrator decides who may refresh
-- (GRANT EXECUTE ... TO a role, or schedule it from pg_cron as the owner).
--
-- Planner settings for the duration of the refresh:
-- * enable_hashjoin = off: REFRESH ... CONCURRENTLY diffs old and new
--   contents with a FULL JOIN on the unique key.  ltree's = is not hashable
--   in PostgreSQL 15, so the only hash key is the hierarchy name, which has
--   a handful of values: with a work_mem large enough to hold the view the
--   planner takes that hash join and the diff becomes quadratic (minutes for
--   200,000 leaves).  The merge join it takes instead is O(n log n).
-- * jit = off: generate_series(1, nlevel(path)) is estimated at 1000 rows,
--   the view queries look astronomically expensive, and JIT compilation
--   with inlining and optimization costs more than the whole query.
CREATE FUNCTION refresh_hierarchy_views(concurrently boolean DEFAULT true)
	RETURNS void
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
	SET enable_hashjoin = off
	SET jit = off
AS $$
DECLARE
	v_view regclass;
BEGIN
	IF refresh_hierarchy_views.concurrently IS NULL THEN
		RAISE EXCEPTION 'concurrently must not be NULL'
		USING ERRCODE = 'null_value_not_allowed',
		      HINT = 'Pass true (readers are not blocked) or false (faster, blocks readers).';
	END IF;
	-- One refresh at a time, and each REFRESH statement below starts (and
	-- takes its snapshot) only after this wait: without it, a refresh queued
	-- behind another session's register-and-refresh would wait for the lock
	-- on the view holding a snapshot from before that session committed, and
	-- write views without its hierarchy (under READ COMMITTED).
	PERFORM pg_advisory_xact_lock(hashtext('forecastin.refresh_hierarchy_views'), 0);
	FOREACH v_view IN ARRAY ARRAY['forecastin.mv_entity_ancestors'::regclass,
	                              'forecastin.mv_descendant_counts'::regclass]
	LOOP
		-- CONCURRENTLY needs a populated view (e.g. after a restore made it
		-- unpopulated); then the plain form is the only one that works.
		IF refresh_hierarchy_views.concurrently AND (SELECT c.relispopulated FROM pg_class c WHERE c.oid = v_view) THEN
			EXECUTE format('REFRESH MATERIALIZED VIEW CONCURRENTLY %s', v_view);
		ELSE
			EXECUTE format('REFRESH MATERIALIZED VIEW %s', v_view);
		END IF;
		-- fresh statistics for the navigation queries and the next refresh
		EXECUTE format('ANALYZE %s', v_view);
	END LOOP;
END
$$;

REVOKE EXECUTE ON FUNCTION refresh_hierarchy_views(boolean) FROM PUBLIC;

COMMENT ON FUNCTION refresh_hierarchy_views(boolean) IS
'Refresh the hierarchy views mv_entity_ancestors and mv_descendant_counts from forecastin.hierarchy_leaf; concurrently (default) does not block readers. For pg_cron: SELECT cron.schedule(''forecastin-l4'', ''*/15 * * * *'', ''SELECT forecastin.refresh_hierarchy_views()'').';

------------------------------------------------------------------------------
-- Registering hierarchies
------------------------------------------------------------------------------

CREATE FUNCTION hierarchy_check_name(name text) RETURNS void
	LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
	SET search_path FROM CURRENT
AS $$
BEGIN
	IF name IS NULL THEN
		RAISE EXCEPTION 'hierarchy name must not be NULL'
		USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF btrim(name) = '' THEN
		RAISE EXCEPTION 'hierarchy name must not be empty'
		USING ERRCODE = 'invalid_parameter_value',
		      HINT = 'Name the hierarchy, for example ''products'' or ''geography''.';
	END IF;
END
$$;

COMMENT ON FUNCTION hierarchy_check_name(text) IS
'Internal: raise null_value_not_allowed or invalid_parameter_value for a NULL or empty hierarchy name.';

CREATE FUNCTION register_hierarchy(name text, leaves ltree[], refresh boolean DEFAULT true)
	RETURNS TABLE (hierarchy text, n_leaves bigint, n_nodes bigint, max_depth int)
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path FROM CURRENT
AS $$
DECLARE
	v_null int;
	v_leaves bigint;
	v_nodes bigint;
	v_depth int;
BEGIN
	PERFORM forecastin.hierarchy_check_name(register_hierarchy.name);
	IF register_hierarchy.leaves IS NULL THEN
		RAISE EXCEPTION 'leaves must not be NULL'
		USING ERRCODE = 'null_value_not_allowed',
		      HINT = 'Pass an array of leaf paths, e.g. ARRAY[''a.x'', ''a.y'']::ltree[].';
	END IF;
	IF register_hierarchy.refresh IS NULL THEN
		RAISE EXCEPTION 'refresh must not be NULL'
		USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF cardinality(register_hierarchy.leaves) = 0 THEN
		RAISE EXCEPTION 'hierarchy "%" has no leaves', register_hierarchy.name
		USING ERRCODE = 'invalid_parameter_value',
		      HINT = 'A hierarchy is defined by its leaves; to remove one, use forecastin.drop_hierarchy().';
	END IF;
	v_null := array_position(register_hierarchy.leaves, NULL);
	IF v_null IS NOT NULL THEN
		RAISE EXCEPTION 'leaf path must not be NULL'
		USING ERRCODE = 'null_value_not_allowed',
		      DETAIL = format('Element %s of %s leaves is NULL.', v_null,
		                      cardinality(register_hierarchy.leaves)),
		      HINT = 'Filter NULL paths out, e.g. WHERE path IS NOT NULL.';
	END IF;
	IF ''::ltree = ANY (register_hierarchy.leaves) THEN
		RAISE EXCEPTION 'leaf path must not be empty'
		USING ERRCODE = 'invalid_parameter_value',
		      DETAIL = 'The empty path '''' is the root above every hierarchy, not a leaf.';
	END IF;

	-- one registration of a name at a time: the second waits, then replaces
	PERFORM pg_advisory_xact_lock(hashtext('forecastin.hierarchy'),
	                              hashtext(register_hierarchy.name));
	DELETE FROM forecastin.hierarchy_leaf l
	 WHERE l.hierarchy = register_hierarchy.name;
	INSERT INTO forecastin.hierarchy_leaf (hierarchy, path)
	SELECT DISTINCT register_hierarchy.name, p
	  FROM unnest(register_hierarchy.leaves) AS p
	 ORDER BY 2;
	GET DIAGNOSTICS v_leaves = ROW_COUNT;

	SELECT count(DISTINCT subpath(l.path, 0, j)), max(nlevel(l.path))
	  INTO v_nodes, v_depth
	  FROM forecastin.hierarchy_leaf l,
	       generate_series(1, nlevel(l.path)) AS j
	 WHERE l.hierarchy = register_hierarchy.name;

	IF register_hierarchy.refresh THEN
		PERFORM forecastin.refresh_hierarchy_views(true);
	END IF;

	hierarchy := register_hierarchy.name;
	n_leaves := v_leaves;
	n_nodes := v_nodes;
	max_depth := v_depth;
	RETURN NEXT;
END
$$;

COMMENT ON FUNCTION register_hierarchy(text, ltree[], boolean) IS
'Register (or replace) hierarchy name with the given leaf paths (duplicates are merged; NULL, empty and prefix-of-another-leaf paths are errors). refresh (default true) refreshes the hierarchy views afterwards. Returns the number of leaves, nodes and the deepest leaf depth.';

-- Runs the caller's query with the caller's rights and search_path (no SET
-- clause on purpose: the query is theirs); everything this function adds to
-- it is schema-qualified.
CREATE FUNCTION register_hierarchy(name text, leaves_query text, refresh boolean DEFAULT true)
	RETURNS TABLE (hierarchy text, n_leaves bigint, n_nodes bigint, max_depth int)
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $$
DECLARE
	v_query text;
	v_ltree text;
	v_columns int;
BEGIN
	PERFORM forecastin.hierarchy_check_name(register_hierarchy.name);
	IF leaves_query IS NULL THEN
		RAISE EXCEPTION 'leaves_query must not be NULL'
		USING ERRCODE = 'null_value_not_allowed',
		      HINT = 'Pass a query returning one ltree (or text) column of leaf paths, e.g. ''SELECT DISTINCT path FROM sales''.';
	END IF;
	-- a trailing semicolon is harmless; anything else after it is not
	v_query := pg_catalog.regexp_replace(leaves_query, '[[:space:];]+$', '');
	IF pg_catalog.btrim(v_query) = '' THEN
		RAISE EXCEPTION 'leaves_query must not be empty'
		USING ERRCODE = 'invalid_parameter_value',
		      HINT = 'Pass a query returning one ltree (or text) column of leaf paths, e.g. ''SELECT DISTINCT path FROM sales''.';
	END IF;
	IF v_query OPERATOR(pg_catalog.~) '^[[:space:]]*\{' THEN
		RAISE EXCEPTION 'leaves_query looks like an array literal, not a query'
		USING ERRCODE = 'invalid_parameter_value',
		      HINT = 'To register an array of paths, cast it: register_hierarchy(name, ''{a.x,a.y}''::ltree[]).';
	END IF;

	-- exactly one column: naming more columns than a subquery has fails
	-- (42P10) at parse time, without running it
	BEGIN
		EXECUTE pg_catalog.format('SELECT 1 FROM (%s) AS q(path, extra) LIMIT 0', v_query);
		v_columns := 2;
	EXCEPTION WHEN invalid_column_reference THEN
		BEGIN
			EXECUTE pg_catalog.format('SELECT 1 FROM (%s) AS q(path) LIMIT 0', v_query);
			v_columns := 1;
		EXCEPTION WHEN invalid_column_reference THEN
			v_columns := 0;
		END;
	END;
	IF v_columns <> 1 THEN
		RAISE EXCEPTION 'leaves_query must return exactly one column'
		USING ERRCODE = 'invalid_parameter_value',
		      DETAIL = CASE v_columns WHEN 0 THEN 'The query returns no column.'
		                              ELSE 'The query returns more than one column.' END,
		      HINT = 'Select only the leaf paths, e.g. ''SELECT DISTINCT path FROM sales''.';
	END IF;

	-- ltree's schema, so that the cast below resolves whatever the caller's
	-- search_path is
	SELECT pg_catalog.format('%I.%I', n.nspname, t.typname)
	  INTO v_ltree
	  FROM pg_catalog.pg_attribute a
	  JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
	  JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
	 WHERE a.attrelid = 'forecastin.hierarchy_leaf'::pg_catalog.regclass
	   AND a.attname = 'path';

	-- The query parsed above, so a cannot_coerce here is our cast.
	BEGIN
		RETURN QUERY EXECUTE pg_catalog.format(
			'SELECT * FROM forecastin.register_hierarchy($1, '
			'(SELECT COALESCE(pg_catalog.array_agg(DISTINCT q.path::%1$s), ''{}''::%1$s[]) '
			'FROM (%2$s) AS q(path)), $2)',
			v_ltree, v_query)
		USING register_hierarchy.name, register_hierarchy.refresh;
	EXCEPTION WHEN cannot_coerce THEN
		RAISE EXCEPTION 'leaves_query must return ltree or text paths'
		USING ERRCODE = 'datatype_mismatch',
		      DETAIL = pg_catalog.format('The column cannot be read as a path: %s.', SQLERRM),
		      HINT = 'Select an ltree column, or text in ltree syntax (labels separated by dots).';
	END;
END
$$;

COMMENT ON FUNCTION register_hierarchy(text, text, boolean) IS
'Register (or replace) hierarchy name with the leaf paths returned by leaves_query (one ltree or text column; run with the caller''s rights and search_path; duplicates merged). refresh (default true) refreshes the hierarchy views afterwards.';

CREATE FUNCTION drop_hierarchy(name text, refresh boolean DEFAULT true)
	RETURNS bigint
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path FROM CURRENT
AS $$
DECLARE
	v_leaves bigint;
BEGIN
	PERFORM forecastin.hierarchy_check_name(drop_hierarchy.name);
	IF drop_hierarchy.refresh IS NULL THEN
		RAISE EXCEPTION 'refresh must not be NULL'
		USING ERRCODE = 'null_value_not_allowed';
	END IF;
	PERFORM pg_advisory_xact_lock(hashtext('forecastin.hierarchy'),
	                              hashtext(drop_hierarchy.name));
	DELETE FROM forecastin.hierarchy_leaf l WHERE l.hierarchy = drop_hierarchy.name;
	GET DIAGNOSTICS v_leaves = ROW_COUNT;
	IF v_leaves = 0 THEN
		RAISE EXCEPTION 'hierarchy "%" does not exist', drop_hierarchy.name
		USING ERRCODE = 'undefined_object';
	END IF;
	IF drop_hierarchy.refresh THEN
		PERFORM forecastin.refresh_hierarchy_views(true);
	END IF;
	RETURN v_leaves;
END
$$;

COMMENT ON FUNCTION drop_hierarchy(text, boolean) IS
'Remove hierarchy name (all its leaves); returns the number of leaves removed. refresh (default true) refreshes the hierarchy views afterwards.';

------------------------------------------------------------------------------
-- Navigation (drill-down, breadcrumbs, keyset pagination)
--
-- All three return rows of one shape:
--   path, parent, depth (nlevel), distance (levels from the argument node),
--   is_leaf, n_children, n_descendants, n_leaves
-- in ltree order (a node, then its subtree, then its next sibling), which is
-- stable.  Paging: pass the path of the last row of a page as "after"; it need
-- not exist any more (rows are those with path > after).  The empty path ''
-- is the root above the top-level nodes.
------------------------------------------------------------------------------

CREATE FUNCTION hierarchy_check_args(hierarchy text, node ltree, lim int DEFAULT 1)
	RETURNS void
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path FROM CURRENT
AS $$
BEGIN
	IF hierarchy_check_args.hierarchy IS NULL THEN
		RAISE EXCEPTION 'hierarchy must not be NULL'
		USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF hierarchy_check_args.node IS NULL THEN
		RAISE EXCEPTION 'node must not be NULL'
		USING ERRCODE = 'null_value_not_allowed',
		      HINT = 'Use the empty path '''' for the root above the top-level nodes.';
	END IF;
	IF hierarchy_check_args.lim IS NULL THEN
		RAISE EXCEPTION 'lim must not be NULL'
		USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF hierarchy_check_args.lim < 1 OR hierarchy_check_args.lim > 10000 THEN
		RAISE EXCEPTION 'lim must be between 1 and 10000, not %', hierarchy_check_args.lim
		USING ERRCODE = 'invalid_parameter_value',
		      HINT = 'Fetch larger results page by page: pass the path of the last row as after.';
	END IF;

	IF NOT EXISTS (SELECT 1 FROM forecastin.mv_descendant_counts c
	                WHERE c.hierarchy = hierarchy_check_args.hierarchy) THEN
		IF has_table_privilege('forecastin.hierarchy_leaf', 'SELECT')
		   AND EXISTS (SELECT 1 FROM forecastin.hierarchy_leaf l
		                WHERE l.hierarchy = hierarchy_check_args.hierarchy) THEN
			RAISE EXCEPTION 'hierarchy "%" is not in the hierarchy views yet',
				hierarchy_check_args.hierarchy
			USING ERRCODE = 'object_not_in_prerequisite_state',
			      DETAIL = 'It was registered after the views were last refreshed.',
			      HINT = 'Run SELECT forecastin.refresh_hierarchy_views().';
		END IF;
		RAISE EXCEPTION 'hierarchy "%" does not exist', hierarchy_check_args.hierarchy
		USING ERRCODE = 'undefined_object',
		      HINT = 'Register it with forecastin.register_hierarchy(); SELECT * FROM forecastin.hierarchies lists the registered ones.';
	END IF;

	IF nlevel(hierarchy_check_args.node) > 0
	   AND NOT EXISTS (SELECT 1 FROM forecastin.mv_descendant_counts c
	                    WHERE c.hierarchy = hierarchy_check_args.hierarchy
	                      AND c.node = hierarchy_check_args.node) THEN
		RAISE EXCEPTION 'node "%" is not in hierarchy "%"',
			hierarchy_check_args.node, hierarchy_check_args.hierarchy
		USING ERRCODE = 'undefined_object',
		      HINT = 'Nodes are the leaves and their prefixes as of the last forecastin.refresh_hierarchy_views(); '''' is the root above the top-level nodes.';
	END IF;
END
$$;

COMMENT ON FUNCTION hierarchy_check_args(text, ltree, int) IS
'Internal: validate the arguments of the navigation functions (NULLs, lim range, unknown hierarchy or node) with the proper SQLSTATE.';

CREATE FUNCTION children(hierarchy text, node ltree, after ltree DEFAULT NULL, lim int DEFAULT 100)
	RETURNS TABLE (path ltree, parent ltree, depth int, distance int, is_leaf boolean,
	               n_children bigint, n_descendants bigint, n_leaves bigint)
	LANGUAGE plpgsql STABLE PARALLEL SAFE ROWS 100
	SET search_path FROM CURRENT
AS $$
BEGIN
	PERFORM forecastin.hierarchy_check_args(children.hierarchy, children.node, children.lim);
	RETURN QUERY
	SELECT c.node, c.parent, c.depth, 1, c.descendants = 0,
	       c.children, c.descendants, c.leaves
	  FROM forecastin.mv_descendant_counts c
	 WHERE c.hierarchy = children.hierarchy
	   AND c.parent = children.node
	   AND c.node > coalesce(children.after, ''::ltree)
	 ORDER BY c.node
	 LIMIT children.lim;
END
$$;

COMMENT ON FUNCTION children(text, ltree, ltree, int) IS
'Direct children of node ('''' for the top-level nodes) in path order, at most lim (1..10000) rows after the path after (keyset paging). Reads the hierarchy views.';

CREATE FUNCTION descendants(hierarchy text, node ltree, max_depth int DEFAULT NULL,
                            after ltree DEFAULT NULL, lim int DEFAULT 100)
	RETURNS TABLE (path ltree, parent ltree, depth int, distance int, is_leaf boolean,
	               n_children bigint, n_descendants bigint, n_leaves bigint)
	LANGUAGE plpgsql STABLE PARALLEL SAFE ROWS 100
	SET search_path FROM CURRENT
AS $$
DECLARE
	v_level int := nlevel(descendants.node);
	v_k int;
	v_upper ltree;
BEGIN
	PERFORM forecastin.hierarchy_check_args(descendants.hierarchy, descendants.node, descendants.lim);
	IF descendants.max_depth < 1 THEN
		RAISE EXCEPTION 'max_depth must be at least 1, not %', descendants.max_depth
		USING ERRCODE = 'invalid_parameter_value',
		      HINT = 'max_depth counts levels below node (1 = children only); NULL means all levels.';
	END IF;

	IF descendants.max_depth = 1 THEN
		-- children only: the parent index is an exact range
		RETURN QUERY
		SELECT c.node, c.parent, c.depth, 1, c.descendants = 0,
		       c.children, c.descendants, c.leaves
		  FROM forecastin.mv_descendant_counts c
		 WHERE c.hierarchy = descendants.hierarchy
		   AND c.parent = descendants.node
		   AND c.node > coalesce(descendants.after, ''::ltree)
		 ORDER BY c.node
		 LIMIT descendants.lim;
		RETURN;
	END IF;

	IF v_level = 0 THEN
		-- below the root: every node of the hierarchy
		RETURN QUERY
		SELECT c.node, c.parent, c.depth, c.depth, c.descendants = 0,
		       c.children, c.descendants, c.leaves
		  FROM forecastin.mv_descendant_counts c
		 WHERE c.hierarchy = descendants.hierarchy
		   AND c.node > coalesce(descendants.after, ''::ltree)
		   AND (descendants.max_depth IS NULL OR c.depth <= descendants.max_depth)
		 ORDER BY c.node
		 LIMIT descendants.lim;
		RETURN;
	END IF;

	-- In ltree order the subtree of node follows node and ends before the
	-- path whose last label is node's last label followed by '0' (labels are
	-- compared bytewise, a shorter one first, and no label character sorts
	-- below '0' in PostgreSQL 15).  That bound only narrows the index range
	-- of the unique key; <@ decides membership, so the result stays right
	-- should a later ltree accept smaller characters.  A label already at the
	-- 255-character limit cannot be extended: take the nearest ancestor's.
	v_k := v_level;
	WHILE v_k > 0 AND char_length(subpath(descendants.node, v_k - 1, 1)::text) >= 255 LOOP
		v_k := v_k - 1;
	END LOOP;
	IF v_k > 0 THEN
		v_upper := subpath(descendants.node, 0, v_k - 1)
		           || (subpath(descendants.node, v_k - 1, 1)::text || '0')::ltree;
		RETURN QUERY
		SELECT c.node, c.parent, c.depth, c.depth - v_level, c.descendants = 0,
		       c.children, c.descendants, c.leaves
		  FROM forecastin.mv_descendant_counts c
		 WHERE c.hierarchy = descendants.hierarchy
		   AND c.node > greatest(descendants.node, descendants.after)
		   AND c.node < v_upper
		   AND c.node <@ descendants.node
		   AND (descendants.max_depth IS NULL OR c.depth <= v_level + descendants.max_depth)
		 ORDER BY c.node
		 LIMIT descendants.lim;
	ELSE
		-- every label at the length limit: the closure table gives the range
		RETURN QUERY
		SELECT c.node, c.parent, c.depth, a.distance, c.descendants = 0,
		       c.children, c.descendants, c.leaves
		  FROM forecastin.mv_entity_ancestors a
		  JOIN forecastin.mv_descendant_counts c
		    ON c.hierarchy = a.hierarchy AND c.node = a.node
		 WHERE a.hierarchy = descendants.hierarchy
		   AND a.ancestor = descendants.node
		   AND a.node > greatest(descendants.node, descendants.after)
		   AND (descendants.max_depth IS NULL OR a.distance <= descendants.max_depth)
		 ORDER BY a.node
		 LIMIT descendants.lim;
	END IF;
END
$$;

COMMENT ON FUNCTION descendants(text, ltree, int, ltree, int) IS
'Nodes below node (all of them for ''''), down to max_depth levels (NULL: all), in path order (depth first), at most lim (1..10000) rows after the path after (keyset paging). Reads the hierarchy views.';

CREATE FUNCTION level_nodes(hierarchy text, level int, after ltree DEFAULT NULL, lim int DEFAULT 100)
	RETURNS TABLE (path ltree, parent ltree, depth int, distance int, is_leaf boolean,
	               n_children bigint, n_descendants bigint, n_leaves bigint)
	LANGUAGE plpgsql STABLE PARALLEL SAFE ROWS 100
	SET search_path FROM CURRENT
AS $$
BEGIN
	PERFORM forecastin.hierarchy_check_args(level_nodes.hierarchy, ''::ltree, level_nodes.lim);
	IF level_nodes.level IS NULL THEN
		RAISE EXCEPTION 'level must not be NULL'
		USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF level_nodes.level < 1 THEN
		RAISE EXCEPTION 'level must be at least 1, not %', level_nodes.level
		USING ERRCODE = 'invalid_parameter_value',
		      HINT = 'A level is a path depth (nlevel): 1 for the top-level nodes.';
	END IF;
	RETURN QUERY
	SELECT c.node, c.parent, c.depth, c.depth, c.descendants = 0,
	       c.children, c.descendants, c.leaves
	  FROM forecastin.mv_descendant_counts c
	 WHERE c.hierarchy = level_nodes.hierarchy
	   AND c.depth = level_nodes.level
	   AND c.node > coalesce(level_nodes.after, ''::ltree)
	 ORDER BY c.node
	 LIMIT level_nodes.lim;
END
$$;

COMMENT ON FUNCTION level_nodes(text, int, ltree, int) IS
'Every node at depth level (nlevel; 1 = top level) of the hierarchy, across all branches, in path order, at most lim (1..10000) rows after the path after (keyset paging). Reads the hierarchy views.';

CREATE FUNCTION ancestors(hierarchy text, node ltree, include_self boolean DEFAULT false)
	RETURNS TABLE (path ltree, parent ltree, depth int, distance int, is_leaf boolean,
	               n_children bigint, n_descendants bigint, n_leaves bigint)
	LANGUAGE plpgsql STABLE PARALLEL SAFE ROWS 10
	SET search_path FROM CURRENT
AS $$
BEGIN
	PERFORM forecastin.hierarchy_check_args(ancestors.hierarchy, ancestors.node);
	IF ancestors.include_self IS NULL THEN
		RAISE EXCEPTION 'include_self must not be NULL'
		USING ERRCODE = 'null_value_not_allowed';
	END IF;
	RETURN QUERY
	SELECT c.node, c.parent, c.depth, a.distance, c.descendants = 0,
	       c.children, c.descendants, c.leaves
	  FROM forecastin.mv_entity_ancestors a
	  JOIN forecastin.mv_descendant_counts c
	    ON c.hierarchy = a.hierarchy AND c.node = a.ancestor
	 WHERE a.hierarchy = ancestors.hierarchy
	   AND a.node = ancestors.node
	   AND (a.distance >= 1 OR ancestors.include_self)
	 ORDER BY a.ancestor;
END
$$;

COMMENT ON FUNCTION ancestors(text, ltree, boolean) IS
'Ancestors of node from the top-level node down to its parent (breadcrumbs); include_self adds the node itself as the last row. Reads the hierarchy views.';
