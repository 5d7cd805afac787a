-- Impressions per bucket are counted from a partial index of shown events alone; it replaces the
-- broader events_metrics_idx of migration 0002, which also held dismissals.
CREATE INDEX "events_shown_idx" ON "events" USING btree ("project_id","survey_id","at") WHERE "events"."type" = 'shown';--> statement-breakpoint
DROP INDEX IF EXISTS "events_metrics_idx";
