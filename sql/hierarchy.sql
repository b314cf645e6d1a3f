--
-- hierarchy: ltree hierarchies, the L4 views and drill-down navigation
-- (bad input is in hierarchy_errors.sql)
--

-- A small, ragged retail hierarchy: country.region.store.category, and one
-- store (west.s4) sold as a whole, without categories.  Duplicate rows, a
-- text column and a trailing semicolon are all fine.
CREATE TABLE hier_sales (path text, day date, qty float8);
INSERT INTO hier_sales VALUES
	('in.north.s1.food',  '2024-01-01', 10), ('in.north.s1.food',  '2024-01-02', 12),
	('in.north.s1.drink', '2024-01-01',  4),
	('in.north.s2.food',  '2024-01-01',  7), ('in.north.s2.drink', '2024-01-01',  1),
	('in.north.s2.home',  '2024-01-01',  2),
	('in.south.s3.food',  '2024-01-01',  9),
	('in.west.s4',        '2024-01-01',  5);

SELECT * FROM forecastin.register_hierarchy('retail', 'SELECT path FROM hier_sales;');
SELECT * FROM forecastin.hierarchies ORDER BY hierarchy;

-- the views
SELECT node, parent, depth, children, descendants, leaves
  FROM forecastin.mv_descendant_counts WHERE hierarchy = 'retail' ORDER BY node;
SELECT node, ancestor, distance
  FROM forecastin.mv_entity_ancestors
 WHERE hierarchy = 'retail' AND node <@ 'in.north.s2' ORDER BY node, distance;

-- the closure table rolls leaf data up to every level in one join
SELECT a.ancestor AS node, sum(s.qty) AS qty
  FROM hier_sales s
  JOIN forecastin.mv_entity_ancestors a
    ON a.hierarchy = 'retail' AND a.node = s.path::ltree
 GROUP BY a.ancestor ORDER BY a.ancestor;

-- drill-down: the top level ('' is the root above it), then into a node
SELECT * FROM forecastin.children('retail', '');
SELECT * FROM forecastin.children('retail', 'in');
SELECT * FROM forecastin.children('retail', 'in.north.s2');
SELECT * FROM forecastin.children('retail', 'in.west.s4');	-- a leaf: no rows

-- keyset pages of 2: pass the last path of a page as after
SELECT path FROM forecastin.children('retail', 'in', lim => 2);
SELECT path FROM forecastin.children('retail', 'in', after => 'in.south', lim => 2);
SELECT path FROM forecastin.children('retail', 'in', after => 'in.west', lim => 2);
-- the cursor need not be a node (rows deleted between pages do not break paging)
SELECT path FROM forecastin.children('retail', 'in', after => 'in.r', lim => 2);

-- breadcrumbs
SELECT * FROM forecastin.ancestors('retail', 'in.north.s2.home');
SELECT path, distance FROM forecastin.ancestors('retail', 'in.north.s2.home', include_self => true);
SELECT path FROM forecastin.ancestors('retail', 'in');	-- top level: no rows
SELECT path FROM forecastin.ancestors('retail', '');

-- descendants, depth first, to a depth, in pages
SELECT * FROM forecastin.descendants('retail', 'in.north');
SELECT path, distance FROM forecastin.descendants('retail', 'in', max_depth => 1);
SELECT path, distance FROM forecastin.descendants('retail', 'in', max_depth => 2);
SELECT path, distance FROM forecastin.descendants('retail', '', max_depth => 2);
SELECT path FROM forecastin.descendants('retail', 'in', lim => 4);
SELECT path FROM forecastin.descendants('retail', 'in', after => 'in.north.s2', lim => 4);
SELECT path FROM forecastin.descendants('retail', 'in', after => 'in.south.s3.food', lim => 4);
SELECT path FROM forecastin.descendants('retail', 'in', max_depth => 2, after => 'in.north.s1', lim => 2);
SELECT count(*) FROM forecastin.descendants('retail', '', lim => 10000);

-- one level across all branches (e.g. every store), in pages
SELECT * FROM forecastin.level_nodes('retail', 3);
SELECT path FROM forecastin.level_nodes('retail', 4, lim => 2);
SELECT path FROM forecastin.level_nodes('retail', 4, after => 'in.north.s1.food', lim => 2);
SELECT path FROM forecastin.level_nodes('retail', 5);	-- deeper than any leaf: no rows

-- paging through every node 3 at a time visits each node once, in order
WITH RECURSIVE pages(n, paths) AS (
	SELECT 1, ARRAY(SELECT d.path FROM forecastin.descendants('retail', '', lim => 3) d)
	UNION ALL
	SELECT p.n + 1,
	       ARRAY(SELECT d.path
	               FROM forecastin.descendants('retail', '', after => p.paths[cardinality(p.paths)], lim => 3) d)
	  FROM pages p
	 WHERE cardinality(p.paths) = 3
)
SELECT n, paths FROM pages ORDER BY n;

-- subtrees end where they should: siblings whose labels extend the node's
-- label (s70, s7_, s7a) are not its descendants, and labels at the
-- 255-character limit work
SELECT n_nodes FROM forecastin.register_hierarchy('bounds',
	ARRAY['a.s7.x', 'a.s7.y.z', 'a.s70.y', 'a.s7_.z', 'a.s7a.w', 'a.s6.w', 'a.s8.v',
	      'b.' || repeat('l', 255) || '.' || repeat('m', 255),
	      repeat('q', 255) || '.' || repeat('r', 255) || '.t',
	      repeat('q', 255) || '.' || repeat('r', 255) || '.u',
	      repeat('q', 255) || '.' || repeat('r', 254) || 'z.v']::ltree[]);
SELECT path, distance FROM forecastin.descendants('bounds', 'a.s7');
SELECT path FROM forecastin.descendants('bounds', 'a.s7', after => 'a.s7.x');
SELECT count(*) FROM forecastin.descendants('bounds', 'a');
SELECT nlevel(path), distance, length(path::text) FROM forecastin.descendants('bounds', ('b.' || repeat('l', 255))::ltree);
SELECT nlevel(path), distance, right(path::text, 3) FROM forecastin.descendants('bounds', (repeat('q', 255) || '.' || repeat('r', 255))::ltree);
SELECT forecastin.drop_hierarchy('bounds');

-- a second hierarchy from an array; replacing it changes its nodes only
SELECT * FROM forecastin.register_hierarchy('geo',
	ARRAY['world.asia.india', 'world.asia.china', 'world.europe']::ltree[]);
SELECT path, n_leaves FROM forecastin.children('geo', 'world');
SELECT * FROM forecastin.register_hierarchy('geo',
	ARRAY['world.asia.india.delhi', 'world.asia.india.mumbai', 'world.asia.india.delhi']::ltree[]);
SELECT path, n_leaves FROM forecastin.descendants('geo', '');
SELECT hierarchy, count(*) FROM forecastin.mv_descendant_counts GROUP BY 1 ORDER BY 1;

-- the caller's search_path applies inside leaves_query
CREATE SCHEMA hier_app;
CREATE TABLE hier_app.stores (path ltree);
INSERT INTO hier_app.stores VALUES ('chain.a'), ('chain.b');
SET search_path = hier_app, public;
SELECT * FROM forecastin.register_hierarchy('stores', 'SELECT path FROM stores');
RESET search_path;

-- registering without refresh: the views (and navigation) wait for a refresh
SELECT * FROM forecastin.register_hierarchy('stores',
	'SELECT path FROM hier_app.stores UNION ALL SELECT ''chain.c''::ltree', refresh => false);
SELECT path FROM forecastin.children('stores', 'chain');
SELECT forecastin.refresh_hierarchy_views(concurrently => false);
SELECT path FROM forecastin.children('stores', 'chain');
SELECT forecastin.refresh_hierarchy_views();
SELECT path FROM forecastin.children('stores', 'chain');

-- drop
SELECT forecastin.drop_hierarchy('stores');
SELECT forecastin.drop_hierarchy('geo', refresh => false);
SELECT forecastin.refresh_hierarchy_views();
SELECT * FROM forecastin.hierarchies ORDER BY hierarchy;
SELECT hierarchy, count(*) FROM forecastin.mv_entity_ancestors GROUP BY 1 ORDER BY 1;

-- a refresh of a view left unpopulated (e.g. by a restore) falls back to the
-- plain form instead of failing
REFRESH MATERIALIZED VIEW forecastin.mv_entity_ancestors WITH NO DATA;
SELECT forecastin.refresh_hierarchy_views(true);
SELECT relname, relispopulated FROM pg_class
 WHERE oid IN ('forecastin.mv_entity_ancestors'::regclass, 'forecastin.mv_descendant_counts'::regclass)
 ORDER BY 1;

-- the navigation queries are index range scans
SET enable_seqscan = off;
EXPLAIN (COSTS OFF)
SELECT c.node FROM forecastin.mv_descendant_counts c
 WHERE c.hierarchy = 'retail' AND c.parent = 'in' AND c.node > 'in.north'
 ORDER BY c.node LIMIT 2;
EXPLAIN (COSTS OFF)
SELECT c.node FROM forecastin.mv_descendant_counts c
 WHERE c.hierarchy = 'retail' AND c.depth = 3 AND c.node > 'in.north'
 ORDER BY c.node LIMIT 2;
EXPLAIN (COSTS OFF)
SELECT a.node FROM forecastin.mv_entity_ancestors a
 WHERE a.hierarchy = 'retail' AND a.ancestor = 'in' AND a.node > 'in.north'
 ORDER BY a.node LIMIT 2;
RESET enable_seqscan;

-- catalog: leaves survive pg_dump, every object is documented, volatility,
-- parallel safety and search_path are declared
SELECT 'forecastin.hierarchy_leaf'::regclass = ANY (extconfig) AS leaf_table_dumped
  FROM pg_extension WHERE extname = 'forecastin';
SELECT c.oid::regclass AS relation, c.relkind, obj_description(c.oid, 'pg_class') IS NOT NULL AS commented,
       (SELECT count(*) FROM pg_attribute a
         WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
           AND col_description(c.oid, a.attnum) IS NULL) AS columns_without_comment
  FROM pg_class c
 WHERE c.relnamespace = 'forecastin'::regnamespace
   AND c.relname IN ('hierarchy_leaf', 'mv_entity_ancestors', 'mv_descendant_counts', 'hierarchies')
 ORDER BY c.oid::regclass::text;
SELECT p.oid::regprocedure AS function, p.provolatile AS vol, p.proparallel AS par,
       p.prosecdef AS secdef, p.proconfig AS config,
       obj_description(p.oid, 'pg_proc') IS NOT NULL AS commented
  FROM pg_proc p
 WHERE p.pronamespace = 'forecastin'::regnamespace
   AND p.proname IN ('hierarchy_leaf_check', 'refresh_hierarchy_views', 'hierarchy_check_name',
                     'register_hierarchy', 'drop_hierarchy', 'hierarchy_check_args',
                     'children', 'descendants', 'ancestors', 'level_nodes')
 ORDER BY p.oid::regprocedure::text;
SELECT c.relname AS index_or_trigger, obj_description(c.oid, 'pg_class') IS NOT NULL AS commented
  FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
 WHERE i.indrelid IN ('forecastin.hierarchy_leaf'::regclass, 'forecastin.mv_entity_ancestors'::regclass,
                      'forecastin.mv_descendant_counts'::regclass)
UNION ALL
SELECT t.tgname, obj_description(t.oid, 'pg_trigger') IS NOT NULL
  FROM pg_trigger t WHERE t.tgrelid = 'forecastin.hierarchy_leaf'::regclass
 ORDER BY 1;
SELECT has_function_privilege('public', 'forecastin.refresh_hierarchy_views(boolean)', 'EXECUTE')
       AS public_may_refresh;

-- clean up (the views stay populated, with no rows, for later tests)
SELECT forecastin.drop_hierarchy('retail');
DROP TABLE hier_sales;
DROP SCHEMA hier_app CASCADE;
SELECT count(*) FROM forecastin.hierarchy_leaf;
SELECT count(*) FROM forecastin.mv_descendant_counts;
