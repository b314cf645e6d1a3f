--
-- setup: runs first (see REGRESS in the Makefile); every other test file
-- assumes the extension exists.
--
CREATE EXTENSION forecastin CASCADE;
SELECT extname, extversion FROM pg_extension WHERE extname IN ('forecastin', 'ltree') ORDER BY 1;
