CREATE TABLE "event_rollups" (
	"project_id" uuid NOT NULL,
	"survey_id" uuid NOT NULL,
	"slot" timestamp (3) with time zone NOT NULL,
	"shown" integer NOT NULL,
	"dismissed" integer NOT NULL,
	CONSTRAINT "event_rollups_project_id_survey_id_slot_pk" PRIMARY KEY("project_id","survey_id","slot")
);
--> statement-breakpoint
CREATE TABLE "response_rollups" (
	"project_id" uuid NOT NULL,
	"survey_id" uuid NOT NULL,
	"slot" timestamp (3) with time zone NOT NULL,
	"score" smallint NOT NULL,
	"responses" integer NOT NULL,
	CONSTRAINT "response_rollups_project_id_survey_id_slot_score_pk" PRIMARY KEY("project_id","survey_id","slot","score")
);
--> statement-breakpoint
ALTER TABLE "event_rollups" ADD CONSTRAINT "event_rollups_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "response_rollups" ADD CONSTRAINT "response_rollups_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;