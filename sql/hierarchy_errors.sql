--
-- hierarchy_errors: every bad input of the hierarchy functions, with its
-- SQLSTATE (CONTEXT lines are hidden: they name PL/pgSQL line numbers)
--
\set SHOW_CONTEXT never

SELECT * FROM forecastin.register_hierarchy('h', ARRAY['a.x', 'a.y', 'b.z']::ltree[]);

-- register_hierarchy: name
SELECT * FROM forecastin.register_hierarchy(NULL, 'SELECT ''a.b''::ltree');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM forecastin.register_hierarchy(NULL, ARRAY['a.b']::ltree[]);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM forecastin.register_hierarchy('', 'SELECT ''a.b''::ltree');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM forecastin.register_hierarchy('  ', ARRAY['a.b']::ltree[]);
\echo :LAST_ERROR_SQLSTATE

-- register_hierarchy: the query
SELECT * FROM forecastin.register_hierarchy('bad', NULL::text);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM forecastin.register_hierarchy('bad', '');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM forecastin.register_hierarchy('bad', ' ; ');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM forecastin.register_hierarchy('bad', '{a.b,a.c}');	-- an array literal, uncast
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM forecastin.register_hierarchy('bad', 'SELECT ''a.b''::ltree, 1');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM forecastin.register_hierarchy('bad', 'SELECT FROM generate_series(1, 2)');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM forecastin.register_hierarchy('bad', 'SELECT 42');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM forecastin.register_hierarchy('bad', 'SELECT ''a..b''');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM forecastin.register_hierarchy('bad', 'SELEC path FROM t');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM forecastin.register_hierarchy('bad', 'SELECT ''a.b''::ltree; DROP TABLE forecastin.hierarchy_leaf');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM forecastin.register_hierarchy('bad', 'SELECT path FROM no_such_table');
\echo :LAST_ERROR_SQLSTATE
-- data-modifying statements cannot hide in the query
SELECT * FROM forecastin.register_hierarchy('bad',
	'WITH d AS (DELETE FROM forecastin.hierarchy_leaf RETURNING path) SELECT path FROM d');
\echo :LAST_ERROR_SQLSTATE

-- register_hierarchy: the leaves
SELECT * FROM forecastin.register_hierarchy('bad', 'SELECT NULL::ltree');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM forecastin.register_hierarchy('bad', ARRAY['a.b', NULL, 'a.c']::ltree[]);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM forecastin.register_hierarchy('bad', ARRAY['a.b', '']::ltree[]);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM forecastin.register_hierarchy('bad', 'SELECT path FROM forecastin.hierarchy_leaf WHERE false');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM forecastin.register_hierarchy('bad', '{}'::ltree[]);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM forecastin.register_hierarchy('bad', NULL::ltree[]);
\echo :LAST_ERROR_SQLSTATE
-- a leaf that is a prefix of another leaf, either way round
SELECT * FROM forecastin.register_hierarchy('bad', ARRAY['a.b', 'a.b.c', 'a.d']::ltree[]);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM forecastin.register_hierarchy('bad', ARRAY['a', 'b.c', 'a.z.z']::ltree[]);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM forecastin.register_hierarchy('bad', ARRAY['a.b']::ltree[], refresh => NULL);
\echo :LAST_ERROR_SQLSTATE
-- nothing of the failed registrations is left
SELECT * FROM forecastin.hierarchies ORDER BY hierarchy;

-- the same rules hold for direct writes to the table
INSERT INTO forecastin.hierarchy_leaf VALUES ('h', 'a.x.deeper');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO forecastin.hierarchy_leaf VALUES ('h', 'a');
\echo :LAST_ERROR_SQLSTATE
UPDATE forecastin.hierarchy_leaf SET path = 'a' WHERE hierarchy = 'h' AND path = 'b.z';
\echo :LAST_ERROR_SQLSTATE
INSERT INTO forecastin.hierarchy_leaf VALUES ('h', '');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO forecastin.hierarchy_leaf VALUES ('', 'a.b');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO forecastin.hierarchy_leaf VALUES ('h', NULL);
\echo :LAST_ERROR_SQLSTATE
INSERT INTO forecastin.hierarchy_leaf VALUES ('h', 'a.x');
\echo :LAST_ERROR_SQLSTATE
-- the same paths in another hierarchy are fine
INSERT INTO forecastin.hierarchy_leaf VALUES ('h2', 'a'), ('h2', 'b.z.deeper');
DELETE FROM forecastin.hierarchy_leaf WHERE hierarchy = 'h2';

-- drop_hierarchy
SELECT forecastin.drop_hierarchy('no_such_hierarchy');
\echo :LAST_ERROR_SQLSTATE
SELECT forecastin.drop_hierarchy(NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT forecastin.drop_hierarchy('h', refresh => NULL);
\echo :LAST_ERROR_SQLSTATE

-- refresh_hierarchy_views
SELECT forecastin.refresh_hierarchy_views(NULL);
\echo :LAST_ERROR_SQLSTATE

-- navigation: hierarchy and node
SELECT * FROM forecastin.children('no_such_hierarchy', 'a');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM forecastin.children(NULL, 'a');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM forecastin.children('h', NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM forecastin.children('h', 'a.nope');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM forecastin.descendants('h', 'zz');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM forecastin.ancestors('h', 'a.x.y');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM forecastin.ancestors('no_such_hierarchy', 'a');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM forecastin.descendants(NULL, 'a');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM forecastin.ancestors('h', NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM forecastin.children('h', 'a..x');	-- not an ltree at all
\echo :LAST_ERROR_SQLSTATE
-- registered, but the views were not refreshed since
SELECT * FROM forecastin.register_hierarchy('late', ARRAY['p.q']::ltree[], refresh => false);
SELECT * FROM forecastin.children('late', 'p');
\echo :LAST_ERROR_SQLSTATE

-- navigation: lim, max_depth, include_self
SELECT * FROM forecastin.children('h', 'a', lim => 0);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM forecastin.children('h', 'a', lim => -5);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM forecastin.children('h', 'a', lim => 10001);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM forecastin.children('h', 'a', lim => NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM forecastin.descendants('h', 'a', lim => 2147483647);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM forecastin.descendants('h', 'a', max_depth => 0);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM forecastin.descendants('h', 'a', max_depth => -1);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM forecastin.ancestors('h', 'a.x', include_self => NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM forecastin.level_nodes('h', 0);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM forecastin.level_nodes('h', NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM forecastin.level_nodes('h', 1, lim => 0);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM forecastin.level_nodes('no_such_hierarchy', 1);
\echo :LAST_ERROR_SQLSTATE

-- privileges: register runs the query with the caller's rights, the tables
-- are the owner's until granted, refreshing is not for PUBLIC
CREATE ROLE regress_hier_user;
CREATE TABLE hier_secret (path ltree);
INSERT INTO hier_secret VALUES ('s.t');
GRANT USAGE ON SCHEMA forecastin TO regress_hier_user;
SET ROLE regress_hier_user;
SELECT * FROM forecastin.register_hierarchy('mine', 'SELECT path FROM hier_secret');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM forecastin.register_hierarchy('mine', ARRAY['m.n']::ltree[]);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM forecastin.children('h', 'a');
\echo :LAST_ERROR_SQLSTATE
SELECT forecastin.refresh_hierarchy_views();
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
-- what an administrator grants to a reader
GRANT SELECT ON forecastin.mv_entity_ancestors, forecastin.mv_descendant_counts TO regress_hier_user;
SET ROLE regress_hier_user;
SELECT path FROM forecastin.children('h', 'a');
RESET ROLE;
REVOKE ALL ON forecastin.mv_entity_ancestors, forecastin.mv_descendant_counts FROM regress_hier_user;
REVOKE ALL ON SCHEMA forecastin FROM regress_hier_user;
DROP TABLE hier_secret;
DROP ROLE regress_hier_user;

-- clean up
SELECT forecastin.drop_hierarchy('late', refresh => false);
SELECT forecastin.drop_hierarchy('h');
SELECT count(*) FROM forecastin.hierarchy_leaf;
