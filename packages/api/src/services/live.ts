/**
 * Live inbox updates: services announce, after their transaction commits, that a project's
 * responses changed (a new response, a follow-up change, a note, a reply); the inbox's event
 * stream (GET /v1/inbox/events) passes each announcement to the staff watching that project.
 * In-process: with several replicas a browser hears the changes made through its own replica
 * (and reloads everything when it reconnects or regains focus).
 */
import { EventEmitter } from 'node:events';

/** What changed: `created` for new responses, `updated` for follow-up work on existing ones. */
export interface InboxChange {
  type: 'created' | 'updated';
  responseIds: string[];
}

const bus = new EventEmitter();
// One listener per open stream; the default warning at 10 would fire on a busy team.
bus.setMaxListeners(0);

/** Announces a change of a project's responses (call after the transaction has committed). */
export function announce(projectId: string, change: InboxChange) {
  if (change.responseIds.length > 0) bus.emit(projectId, change);
}

/** Hears every change of a project's responses until the returned function is called. */
export function watch(projectId: string, listener: (change: InboxChange) => void): () => void {
  bus.on(projectId, listener);
  return () => bus.off(projectId, listener);
}
