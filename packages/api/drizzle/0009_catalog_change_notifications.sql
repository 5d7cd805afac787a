-- Every change of a project, survey or follow-up rule tells each API process (LISTEN
-- closeloop_catalog) to forget what it cached of that project. NOTIFY is transactional: it is
-- delivered on commit, and not at all on rollback.
CREATE FUNCTION closeloop_notify_project_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('closeloop_catalog', 'projects:' || coalesce(NEW.id, OLD.id)::text);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION closeloop_notify_project_part_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('closeloop_catalog', TG_TABLE_NAME || ':' || coalesce(NEW.project_id, OLD.project_id)::text);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER projects_notify_change AFTER INSERT OR UPDATE OR DELETE ON projects
  FOR EACH ROW EXECUTE FUNCTION closeloop_notify_project_change();
--> statement-breakpoint
CREATE TRIGGER surveys_notify_change AFTER INSERT OR UPDATE OR DELETE ON surveys
  FOR EACH ROW EXECUTE FUNCTION closeloop_notify_project_part_change();
--> statement-breakpoint
-- Not on round_robin_count, which ingestion advances and nobody caches.
CREATE TRIGGER follow_up_rules_notify_change
  AFTER INSERT OR DELETE OR UPDATE OF name, enabled, position, conditions, effects ON follow_up_rules
  FOR EACH ROW EXECUTE FUNCTION closeloop_notify_project_part_change();
