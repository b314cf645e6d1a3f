--
-- setup: runs first (see REGRESS in the Makefile); every other test file
-- assumes the extension exists.
--
CREATE EXTENSION forecastin CASCADE;
SELECT extname, extversion FROM pg_extension WHERE extname IN ('forecastin', 'ltree') ORDER BY 1;

-- try_sql(q): run q and return "ok", or the SQLSTATE, message, detail and
-- hint of its error (the *_errors tests show every bad input this way)
CREATE FUNCTION try_sql(q text) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
  st text; msg text; det text; hnt text;
BEGIN
  EXECUTE q;
  RETURN NEXT 'ok';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
                          det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT;
  RETURN NEXT st || ': ' || msg;
  IF det <> '' THEN RETURN NEXT '  DETAIL: ' || det; END IF;
  IF hnt <> '' THEN RETURN NEXT '  HINT: ' || hnt; END IF;
END $$;
