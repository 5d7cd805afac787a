-- Roll-ups for /v1/metrics, kept in the transaction that changes the rows. Statement-level
-- triggers with transition tables: one aggregated statement per INSERT/UPDATE/DELETE, however
-- many rows it touched. Rows are adjusted in key order, so concurrent writers lock roll-up rows in
-- the same order. A slot is the 15-minute interval (UTC) holding the instant.
-- What counts: every row of `responses`. A later change to what metrics count (a row left out of
-- them) must change these functions and metrics' row queries together.
CREATE FUNCTION closeloop_rollup_responses_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO response_rollups AS t (project_id, survey_id, slot, score, responses)
  SELECT project_id, survey_id, date_bin('15 minutes', submitted_at, timestamptz '2000-01-01 00:00:00+00'), score, count(*)
  FROM new_rows GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
  ON CONFLICT (project_id, survey_id, slot, score) DO UPDATE SET responses = t.responses + excluded.responses;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION closeloop_rollup_responses_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO response_rollups AS t (project_id, survey_id, slot, score, responses)
  SELECT project_id, survey_id, slot, score, sum(delta) FROM (
    SELECT project_id, survey_id, date_bin('15 minutes', submitted_at, timestamptz '2000-01-01 00:00:00+00') AS slot, score, 1 AS delta
    FROM new_rows
    UNION ALL
    SELECT project_id, survey_id, date_bin('15 minutes', submitted_at, timestamptz '2000-01-01 00:00:00+00'), score, -1
    FROM old_rows
  ) AS changes
  GROUP BY 1, 2, 3, 4 HAVING sum(delta) <> 0 ORDER BY 1, 2, 3, 4
  ON CONFLICT (project_id, survey_id, slot, score) DO UPDATE SET responses = t.responses + excluded.responses;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- Only existing roll-up rows are lowered: when a project is deleted its roll-ups may already be
-- gone (cascade), and nothing may be inserted for it.
CREATE FUNCTION closeloop_rollup_responses_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE response_rollups AS t SET responses = t.responses - d.n
  FROM (
    SELECT project_id, survey_id, date_bin('15 minutes', submitted_at, timestamptz '2000-01-01 00:00:00+00') AS slot, score, count(*) AS n
    FROM old_rows GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
  ) AS d
  WHERE t.project_id = d.project_id AND t.survey_id = d.survey_id AND t.slot = d.slot AND t.score = d.score;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER responses_rollup_insert AFTER INSERT ON responses
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION closeloop_rollup_responses_inserted();
--> statement-breakpoint
CREATE TRIGGER responses_rollup_update AFTER UPDATE ON responses
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION closeloop_rollup_responses_updated();
--> statement-breakpoint
CREATE TRIGGER responses_rollup_delete AFTER DELETE ON responses
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION closeloop_rollup_responses_deleted();
--> statement-breakpoint
CREATE FUNCTION closeloop_rollup_events_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO event_rollups AS t (project_id, survey_id, slot, shown, dismissed)
  SELECT project_id, survey_id, date_bin('15 minutes', at, timestamptz '2000-01-01 00:00:00+00'),
         count(*) FILTER (WHERE type = 'shown'), count(*) FILTER (WHERE type = 'dismissed')
  FROM new_rows GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
  ON CONFLICT (project_id, survey_id, slot)
  DO UPDATE SET shown = t.shown + excluded.shown, dismissed = t.dismissed + excluded.dismissed;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION closeloop_rollup_events_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE event_rollups AS t SET shown = t.shown - d.shown, dismissed = t.dismissed - d.dismissed
  FROM (
    SELECT project_id, survey_id, date_bin('15 minutes', at, timestamptz '2000-01-01 00:00:00+00') AS slot,
           count(*) FILTER (WHERE type = 'shown') AS shown, count(*) FILTER (WHERE type = 'dismissed') AS dismissed
    FROM old_rows GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
  ) AS d
  WHERE t.project_id = d.project_id AND t.survey_id = d.survey_id AND t.slot = d.slot;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER events_rollup_insert AFTER INSERT ON events
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION closeloop_rollup_events_inserted();
--> statement-breakpoint
CREATE TRIGGER events_rollup_delete AFTER DELETE ON events
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION closeloop_rollup_events_deleted();
--> statement-breakpoint
-- Rows stored before the roll-ups existed.
INSERT INTO response_rollups (project_id, survey_id, slot, score, responses)
SELECT project_id, survey_id, date_bin('15 minutes', submitted_at, timestamptz '2000-01-01 00:00:00+00'), score, count(*)
FROM responses GROUP BY 1, 2, 3, 4;
--> statement-breakpoint
INSERT INTO event_rollups (project_id, survey_id, slot, shown, dismissed)
SELECT project_id, survey_id, date_bin('15 minutes', at, timestamptz '2000-01-01 00:00:00+00'),
       count(*) FILTER (WHERE type = 'shown'), count(*) FILTER (WHERE type = 'dismissed')
FROM events GROUP BY 1, 2, 3;
