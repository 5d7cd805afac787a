-- Quarantined responses are not counted in metrics, so not in their roll-ups either: accepting one
-- (quarantined true → false) adds it to its slot, deleting or rejecting it changes nothing more.
CREATE OR REPLACE FUNCTION closeloop_rollup_responses_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO response_rollups AS t (project_id, survey_id, slot, score, responses)
  SELECT project_id, survey_id, date_bin('15 minutes', submitted_at, timestamptz '2000-01-01 00:00:00+00'), score, count(*)
  FROM new_rows WHERE NOT quarantined GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
  ON CONFLICT (project_id, survey_id, slot, score) DO UPDATE SET responses = t.responses + excluded.responses;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION closeloop_rollup_responses_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO response_rollups AS t (project_id, survey_id, slot, score, responses)
  SELECT project_id, survey_id, slot, score, sum(delta) FROM (
    SELECT project_id, survey_id, date_bin('15 minutes', submitted_at, timestamptz '2000-01-01 00:00:00+00') AS slot, score, 1 AS delta
    FROM new_rows WHERE NOT quarantined
    UNION ALL
    SELECT project_id, survey_id, date_bin('15 minutes', submitted_at, timestamptz '2000-01-01 00:00:00+00'), score, -1
    FROM old_rows WHERE NOT quarantined
  ) AS changes
  GROUP BY 1, 2, 3, 4 HAVING sum(delta) <> 0 ORDER BY 1, 2, 3, 4
  ON CONFLICT (project_id, survey_id, slot, score) DO UPDATE SET responses = t.responses + excluded.responses;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION closeloop_rollup_responses_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE response_rollups AS t SET responses = t.responses - d.n
  FROM (
    SELECT project_id, survey_id, date_bin('15 minutes', submitted_at, timestamptz '2000-01-01 00:00:00+00') AS slot, score, count(*) AS n
    FROM old_rows WHERE NOT quarantined GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
  ) AS d
  WHERE t.project_id = d.project_id AND t.survey_id = d.survey_id AND t.slot = d.slot AND t.score = d.score;
  RETURN NULL;
END $$;
--> statement-breakpoint
DELETE FROM response_rollups;
--> statement-breakpoint
INSERT INTO response_rollups (project_id, survey_id, slot, score, responses)
SELECT project_id, survey_id, date_bin('15 minutes', submitted_at, timestamptz '2000-01-01 00:00:00+00'), score, count(*)
FROM responses WHERE NOT quarantined GROUP BY 1, 2, 3, 4;
