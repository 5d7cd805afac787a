-- A respondent known only by email is one person per address (letter case aside), so that their
-- responses form one timeline. Respondents stored before were one per response: merge them into
-- the oldest per address (traits merged oldest first, later values winning), then enforce it.
CREATE TEMPORARY TABLE "respondent_merges" ON COMMIT DROP AS
SELECT "project_id", "id",
  first_value("id") OVER (PARTITION BY "project_id", lower("email") ORDER BY "created_at", "id") AS "keeper"
FROM "respondents"
WHERE "external_id" IS NULL AND "email" IS NOT NULL;--> statement-breakpoint
UPDATE "respondents" AS "kept"
SET "traits" = "merged"."traits", "updated_at" = now()
FROM (
  SELECT "m"."project_id", "m"."keeper",
    coalesce(
      jsonb_object_agg("t"."key", "t"."value" ORDER BY "s"."created_at", "s"."id") FILTER (WHERE "t"."key" IS NOT NULL),
      '{}'::jsonb
    ) AS "traits"
  FROM "respondent_merges" AS "m"
  JOIN "respondents" AS "s" ON "s"."project_id" = "m"."project_id" AND "s"."id" = "m"."id"
  LEFT JOIN LATERAL jsonb_each("s"."traits") AS "t"("key", "value") ON true
  GROUP BY "m"."project_id", "m"."keeper"
  HAVING count(DISTINCT "m"."id") > 1
) AS "merged"
WHERE "kept"."project_id" = "merged"."project_id" AND "kept"."id" = "merged"."keeper";--> statement-breakpoint
UPDATE "responses" AS "r"
SET "respondent_id" = "m"."keeper"
FROM "respondent_merges" AS "m"
WHERE "r"."project_id" = "m"."project_id" AND "r"."respondent_id" = "m"."id" AND "m"."id" <> "m"."keeper";--> statement-breakpoint
DELETE FROM "respondents" AS "r"
USING "respondent_merges" AS "m"
WHERE "r"."project_id" = "m"."project_id" AND "r"."id" = "m"."id" AND "m"."id" <> "m"."keeper";--> statement-breakpoint
CREATE UNIQUE INDEX "respondents_email_unique" ON "respondents" USING btree ("project_id",lower("email")) WHERE "respondents"."external_id" is null and "respondents"."email" is not null;
