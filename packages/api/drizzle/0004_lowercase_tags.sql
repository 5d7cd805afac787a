-- Tags are stored in lower case without duplicates (so "Billing" and "billing" are one tag):
-- lower-case the tags stored before, on responses and in the tags rules add.
UPDATE "responses"
SET "tags" = array(SELECT DISTINCT lower("tag") FROM unnest("tags") AS "tag" ORDER BY 1)
WHERE "tags"::text <> lower("tags"::text);--> statement-breakpoint
UPDATE "follow_up_rules"
SET "effects" = jsonb_set("effects", '{addTags}', (
  SELECT coalesce(jsonb_agg("tag" ORDER BY "first"), '[]'::jsonb)
  FROM (
    SELECT lower("added"."value") AS "tag", min("added"."position") AS "first"
    FROM jsonb_array_elements_text("effects" -> 'addTags') WITH ORDINALITY AS "added"("value", "position")
    GROUP BY lower("added"."value")
  ) AS "unique_tags"
))
WHERE jsonb_typeof("effects" -> 'addTags') = 'array'
  AND ("effects" -> 'addTags')::text <> lower(("effects" -> 'addTags')::text);
