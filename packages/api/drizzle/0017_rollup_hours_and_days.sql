CREATE TABLE "event_rollups_days" (
	"project_id" uuid NOT NULL,
	"survey_id" uuid NOT NULL,
	"slot" timestamp (3) with time zone NOT NULL,
	"shown" integer NOT NULL,
	"dismissed" integer NOT NULL,
	CONSTRAINT "event_rollups_days_project_id_survey_id_slot_pk" PRIMARY KEY("project_id","survey_id","slot")
);
--> statement-breakpoint
CREATE TABLE "event_rollups_hours" (
	"project_id" uuid NOT NULL,
	"survey_id" uuid NOT NULL,
	"slot" timestamp (3) with time zone NOT NULL,
	"shown" integer NOT NULL,
	"dismissed" integer NOT NULL,
	CONSTRAINT "event_rollups_hours_project_id_survey_id_slot_pk" PRIMARY KEY("project_id","survey_id","slot")
);
--> statement-breakpoint
CREATE TABLE "response_rollups_days" (
	"project_id" uuid NOT NULL,
	"survey_id" uuid NOT NULL,
	"slot" timestamp (3) with time zone NOT NULL,
	"score" smallint NOT NULL,
	"responses" integer NOT NULL,
	CONSTRAINT "response_rollups_days_project_id_survey_id_slot_score_pk" PRIMARY KEY("project_id","survey_id","slot","score")
);
--> statement-breakpoint
CREATE TABLE "response_rollups_hours" (
	"project_id" uuid NOT NULL,
	"survey_id" uuid NOT NULL,
	"slot" timestamp (3) with time zone NOT NULL,
	"score" smallint NOT NULL,
	"responses" integer NOT NULL,
	CONSTRAINT "response_rollups_hours_project_id_survey_id_slot_score_pk" PRIMARY KEY("project_id","survey_id","slot","score")
);
--> statement-breakpoint
ALTER TABLE "event_rollups_days" ADD CONSTRAINT "event_rollups_days_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_rollups_hours" ADD CONSTRAINT "event_rollups_hours_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "response_rollups_days" ADD CONSTRAINT "response_rollups_days_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "response_rollups_hours" ADD CONSTRAINT "response_rollups_hours_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- Roll-ups per UTC hour and per UTC day beside the quarter-hour ones, so a metrics bucket reads
-- its whole days, then the whole hours and quarter hours at its ends. The same triggers keep all
-- three levels: one aggregated statement per level, always in the order quarter hour, hour, day,
-- each adjusting its rows in key order, so concurrent writers lock roll-up rows in the same order.
-- Writers wait while the functions are replaced and the new levels filled from the quarter hours.
LOCK TABLE responses, events IN SHARE MODE;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION closeloop_rollup_responses_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO response_rollups AS t (project_id, survey_id, slot, score, responses)
  SELECT project_id, survey_id, date_bin('15 minutes', submitted_at, timestamptz '2000-01-01 00:00:00+00'), score, count(*)
  FROM new_rows WHERE NOT quarantined GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
  ON CONFLICT (project_id, survey_id, slot, score) DO UPDATE SET responses = t.responses + excluded.responses;
  INSERT INTO response_rollups_hours AS t (project_id, survey_id, slot, score, responses)
  SELECT project_id, survey_id, date_bin('1 hour', submitted_at, timestamptz '2000-01-01 00:00:00+00'), score, count(*)
  FROM new_rows WHERE NOT quarantined GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
  ON CONFLICT (project_id, survey_id, slot, score) DO UPDATE SET responses = t.responses + excluded.responses;
  INSERT INTO response_rollups_days AS t (project_id, survey_id, slot, score, responses)
  SELECT project_id, survey_id, date_bin('1 day', submitted_at, timestamptz '2000-01-01 00:00:00+00'), score, count(*)
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
  INSERT INTO response_rollups_hours AS t (project_id, survey_id, slot, score, responses)
  SELECT project_id, survey_id, slot, score, sum(delta) FROM (
    SELECT project_id, survey_id, date_bin('1 hour', submitted_at, timestamptz '2000-01-01 00:00:00+00') AS slot, score, 1 AS delta
    FROM new_rows WHERE NOT quarantined
    UNION ALL
    SELECT project_id, survey_id, date_bin('1 hour', submitted_at, timestamptz '2000-01-01 00:00:00+00'), score, -1
    FROM old_rows WHERE NOT quarantined
  ) AS changes
  GROUP BY 1, 2, 3, 4 HAVING sum(delta) <> 0 ORDER BY 1, 2, 3, 4
  ON CONFLICT (project_id, survey_id, slot, score) DO UPDATE SET responses = t.responses + excluded.responses;
  INSERT INTO response_rollups_days AS t (project_id, survey_id, slot, score, responses)
  SELECT project_id, survey_id, slot, score, sum(delta) FROM (
    SELECT project_id, survey_id, date_bin('1 day', submitted_at, timestamptz '2000-01-01 00:00:00+00') AS slot, score, 1 AS delta
    FROM new_rows WHERE NOT quarantined
    UNION ALL
    SELECT project_id, survey_id, date_bin('1 day', submitted_at, timestamptz '2000-01-01 00:00:00+00'), score, -1
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
  UPDATE response_rollups_hours AS t SET responses = t.responses - d.n
  FROM (
    SELECT project_id, survey_id, date_bin('1 hour', submitted_at, timestamptz '2000-01-01 00:00:00+00') AS slot, score, count(*) AS n
    FROM old_rows WHERE NOT quarantined GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
  ) AS d
  WHERE t.project_id = d.project_id AND t.survey_id = d.survey_id AND t.slot = d.slot AND t.score = d.score;
  UPDATE response_rollups_days AS t SET responses = t.responses - d.n
  FROM (
    SELECT project_id, survey_id, date_bin('1 day', submitted_at, timestamptz '2000-01-01 00:00:00+00') AS slot, score, count(*) AS n
    FROM old_rows WHERE NOT quarantined GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
  ) AS d
  WHERE t.project_id = d.project_id AND t.survey_id = d.survey_id AND t.slot = d.slot AND t.score = d.score;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION closeloop_rollup_events_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO event_rollups AS t (project_id, survey_id, slot, shown, dismissed)
  SELECT project_id, survey_id, date_bin('15 minutes', at, timestamptz '2000-01-01 00:00:00+00'),
         count(*) FILTER (WHERE type = 'shown'), count(*) FILTER (WHERE type = 'dismissed')
  FROM new_rows GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
  ON CONFLICT (project_id, survey_id, slot)
  DO UPDATE SET shown = t.shown + excluded.shown, dismissed = t.dismissed + excluded.dismissed;
  INSERT INTO event_rollups_hours AS t (project_id, survey_id, slot, shown, dismissed)
  SELECT project_id, survey_id, date_bin('1 hour', at, timestamptz '2000-01-01 00:00:00+00'),
         count(*) FILTER (WHERE type = 'shown'), count(*) FILTER (WHERE type = 'dismissed')
  FROM new_rows GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
  ON CONFLICT (project_id, survey_id, slot)
  DO UPDATE SET shown = t.shown + excluded.shown, dismissed = t.dismissed + excluded.dismissed;
  INSERT INTO event_rollups_days AS t (project_id, survey_id, slot, shown, dismissed)
  SELECT project_id, survey_id, date_bin('1 day', at, timestamptz '2000-01-01 00:00:00+00'),
         count(*) FILTER (WHERE type = 'shown'), count(*) FILTER (WHERE type = 'dismissed')
  FROM new_rows GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
  ON CONFLICT (project_id, survey_id, slot)
  DO UPDATE SET shown = t.shown + excluded.shown, dismissed = t.dismissed + excluded.dismissed;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION closeloop_rollup_events_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE event_rollups AS t SET shown = t.shown - d.shown, dismissed = t.dismissed - d.dismissed
  FROM (
    SELECT project_id, survey_id, date_bin('15 minutes', at, timestamptz '2000-01-01 00:00:00+00') AS slot,
           count(*) FILTER (WHERE type = 'shown') AS shown, count(*) FILTER (WHERE type = 'dismissed') AS dismissed
    FROM old_rows GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
  ) AS d
  WHERE t.project_id = d.project_id AND t.survey_id = d.survey_id AND t.slot = d.slot;
  UPDATE event_rollups_hours AS t SET shown = t.shown - d.shown, dismissed = t.dismissed - d.dismissed
  FROM (
    SELECT project_id, survey_id, date_bin('1 hour', at, timestamptz '2000-01-01 00:00:00+00') AS slot,
           count(*) FILTER (WHERE type = 'shown') AS shown, count(*) FILTER (WHERE type = 'dismissed') AS dismissed
    FROM old_rows GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
  ) AS d
  WHERE t.project_id = d.project_id AND t.survey_id = d.survey_id AND t.slot = d.slot;
  UPDATE event_rollups_days AS t SET shown = t.shown - d.shown, dismissed = t.dismissed - d.dismissed
  FROM (
    SELECT project_id, survey_id, date_bin('1 day', at, timestamptz '2000-01-01 00:00:00+00') AS slot,
           count(*) FILTER (WHERE type = 'shown') AS shown, count(*) FILTER (WHERE type = 'dismissed') AS dismissed
    FROM old_rows GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
  ) AS d
  WHERE t.project_id = d.project_id AND t.survey_id = d.survey_id AND t.slot = d.slot;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- Counts stored before these levels existed, summed from the quarter hours (not the rows).
INSERT INTO response_rollups_hours (project_id, survey_id, slot, score, responses)
SELECT project_id, survey_id, date_bin('1 hour', slot, timestamptz '2000-01-01 00:00:00+00'), score, sum(responses)
FROM response_rollups GROUP BY 1, 2, 3, 4 HAVING sum(responses) <> 0;
--> statement-breakpoint
INSERT INTO event_rollups_hours (project_id, survey_id, slot, shown, dismissed)
SELECT project_id, survey_id, date_bin('1 hour', slot, timestamptz '2000-01-01 00:00:00+00'), sum(shown), sum(dismissed)
FROM event_rollups GROUP BY 1, 2, 3 HAVING sum(shown) <> 0 OR sum(dismissed) <> 0;
--> statement-breakpoint
INSERT INTO response_rollups_days (project_id, survey_id, slot, score, responses)
SELECT project_id, survey_id, date_bin('1 day', slot, timestamptz '2000-01-01 00:00:00+00'), score, sum(responses)
FROM response_rollups GROUP BY 1, 2, 3, 4 HAVING sum(responses) <> 0;
--> statement-breakpoint
INSERT INTO event_rollups_days (project_id, survey_id, slot, shown, dismissed)
SELECT project_id, survey_id, date_bin('1 day', slot, timestamptz '2000-01-01 00:00:00+00'), sum(shown), sum(dismissed)
FROM event_rollups GROUP BY 1, 2, 3 HAVING sum(shown) <> 0 OR sum(dismissed) <> 0;
