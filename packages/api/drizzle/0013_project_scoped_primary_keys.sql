ALTER TABLE "email_messages" DROP CONSTRAINT "email_messages_pkey";--> statement-breakpoint
ALTER TABLE "follow_up_rules" DROP CONSTRAINT "follow_up_rules_pkey";--> statement-breakpoint
ALTER TABLE "response_activity" DROP CONSTRAINT "response_activity_pkey";--> statement-breakpoint
ALTER TABLE "response_notes" DROP CONSTRAINT "response_notes_pkey";--> statement-breakpoint
ALTER TABLE "email_messages" ADD CONSTRAINT "email_messages_project_id_id_pk" PRIMARY KEY("project_id","id");--> statement-breakpoint
ALTER TABLE "follow_up_rules" ADD CONSTRAINT "follow_up_rules_project_id_id_pk" PRIMARY KEY("project_id","id");--> statement-breakpoint
ALTER TABLE "response_activity" ADD CONSTRAINT "response_activity_project_id_id_pk" PRIMARY KEY("project_id","id");--> statement-breakpoint
ALTER TABLE "response_notes" ADD CONSTRAINT "response_notes_project_id_id_pk" PRIMARY KEY("project_id","id");
