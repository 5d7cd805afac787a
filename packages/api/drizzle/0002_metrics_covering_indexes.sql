-- Covering indexes for /v1/metrics: aggregation by survey or by kind over a time range reads only
-- the index (index-only scans), and impressions are counted without touching the table.
-- (drizzle's index builder cannot express INCLUDE, hence a custom migration.)
CREATE INDEX IF NOT EXISTS "responses_metrics_survey_idx" ON "responses" ("project_id", "survey_id", "submitted_at") INCLUDE ("score");--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "responses_metrics_kind_idx" ON "responses" ("project_id", "kind", "submitted_at") INCLUDE ("score");--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "events_metrics_idx" ON "events" ("project_id", "survey_id", "type", "at");
