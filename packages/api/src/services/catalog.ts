/**
 * The per-process catalog: what every widget request needs to know of its project — the project
 * of a public key, its live surveys and its enabled follow-up rules — kept in memory so a request
 * costs no lookup round trips.
 *
 * Freshness: database triggers NOTIFY `closeloop_catalog` on every change of a project, survey or
 * rule (migration 0009), after commit; each process LISTENs and forgets that project's entries, so
 * a change reaches every process within milliseconds (well under 1 s). In-process writers forget
 * at once as well (`forgetProject`, called before the management API answers). When the listening
 * connection is lost, everything is forgotten on reconnect; an entry also expires after a minute,
 * a last guard against a notification lost in between. Without a listening connection (LISTEN
 * refused, e.g. by a transaction pooler) the catalog is off and every lookup queries.
 */
import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { followUpRules, projects, surveys } from '../db/schema/index.ts';

export type CatalogProject = typeof projects.$inferSelect;
export type CatalogRule = typeof followUpRules.$inferSelect;
export type SurveyKindById = ReadonlyMap<string, 'nps' | 'csat' | 'ces'>;

/** Subscribes to a channel; calls `onListen` on every (re)connection. Resolves to unsubscribe. */
export type Listen = (
  channel: string,
  onNotify: (payload: string) => void,
  onListen: () => void,
) => Promise<() => Promise<void>>;

export const catalogChannel = 'closeloop_catalog';
const maxAgeMs = 60_000;
const maxEntries = 10_000;

interface Entry<T> {
  value: Promise<T>;
  loadedAt: number;
}

class Cache<T> {
  private entries = new Map<string, Entry<T>>();

  get(key: string, load: () => Promise<T>): Promise<T> {
    const now = Date.now();
    const entry = this.entries.get(key);
    if (entry && now - entry.loadedAt < maxAgeMs) return entry.value;
    if (this.entries.size >= maxEntries) this.entries.clear();
    const value = load();
    const fresh = { value, loadedAt: now };
    this.entries.set(key, fresh);
    // A failed lookup is not remembered.
    value.catch(() => {
      if (this.entries.get(key) === fresh) this.entries.delete(key);
    });
    return value;
  }

  delete(key: string) {
    this.entries.delete(key);
  }

  clear() {
    this.entries.clear();
  }
}

export class Catalog {
  private readonly byPublicKey = new Cache<CatalogProject | undefined>();
  private readonly surveys = new Cache<SurveyKindById>();
  private readonly rules = new Cache<readonly CatalogRule[]>();
  /** The public key each cached project was found by, to forget it by project. */
  private readonly keyOfProject = new Map<string, string>();
  private listening: Promise<boolean> | undefined;
  private unlisten: (() => Promise<void>) | undefined;
  private closed = false;

  constructor(
    private readonly db: Db,
    private readonly listen: Listen | undefined,
  ) {}

  /** Starts listening on first use; resolves whether entries may be kept. */
  private ready(): Promise<boolean> {
    this.listening ??= (async () => {
      if (!this.listen || this.closed) return false;
      try {
        this.unlisten = await this.listen(
          catalogChannel,
          (payload) => this.onChange(payload),
          () => this.clear(),
        );
        return true;
      } catch {
        return false;
      }
    })();
    return this.listening;
  }

  private onChange(payload: string) {
    const projectId = payload.slice(payload.indexOf(':') + 1);
    if (projectId) this.forgetProject(projectId);
  }

  /** Forgets what is cached of a project (after this process changed it). */
  forgetProject(projectId: string) {
    const key = this.keyOfProject.get(projectId);
    if (key !== undefined) {
      this.byPublicKey.delete(key);
      this.keyOfProject.delete(projectId);
    }
    this.surveys.delete(projectId);
    this.rules.delete(projectId);
  }

  /** Forgets everything (a project's keys or origins may have changed). */
  clear() {
    this.byPublicKey.clear();
    this.keyOfProject.clear();
    this.surveys.clear();
    this.rules.clear();
  }

  async close() {
    this.closed = true;
    this.clear();
    const unlisten = this.unlisten;
    this.unlisten = undefined;
    await unlisten?.().catch(() => {});
  }

  async projectByPublicKey(publicKey: string): Promise<CatalogProject | undefined> {
    const load = async () => {
      const [project] = await this.db
        .select()
        .from(projects)
        .where(eq(projects.publicKey, publicKey))
        .limit(1);
      return project;
    };
    if (!(await this.ready())) return load();
    const project = await this.byPublicKey.get(publicKey, async () => {
      const found = await load();
      if (found) this.keyOfProject.set(found.id, publicKey);
      return found;
    });
    // Unknown keys are not remembered: a project created a moment later must work at once.
    if (!project) this.byPublicKey.delete(publicKey);
    return project;
  }

  /** The project's surveys that are not deleted, with their kinds. */
  async liveSurveyKinds(projectId: string): Promise<SurveyKindById> {
    const load = async () => {
      const rows = await this.db
        .select({ id: surveys.id, kind: surveys.kind, deletedAt: surveys.deletedAt })
        .from(surveys)
        .where(eq(surveys.projectId, projectId));
      return new Map(rows.filter((row) => !row.deletedAt).map((row) => [row.id, row.kind]));
    };
    if (!(await this.ready())) return load();
    return this.surveys.get(projectId, load);
  }

  /** The project's enabled follow-up rules in the order they apply. */
  async enabledRules(projectId: string): Promise<readonly CatalogRule[]> {
    const load = () =>
      this.db
        .select()
        .from(followUpRules)
        .where(and(eq(followUpRules.projectId, projectId), eq(followUpRules.enabled, true)))
        .orderBy(asc(followUpRules.position), asc(followUpRules.createdAt));
    if (!(await this.ready())) return load();
    return this.rules.get(projectId, load);
  }
}

const catalogs = new WeakMap<Db, Catalog>();

/** Gives a database its catalog (done once, by openDatabase). */
export function attachCatalog(db: Db, listen: Listen | undefined): Catalog {
  const catalog = new Catalog(db, listen);
  catalogs.set(db, catalog);
  return catalog;
}

/** The catalog of a database; a database opened elsewhere gets one that never caches. */
export function catalogOf(db: Db): Catalog {
  let catalog = catalogs.get(db);
  if (!catalog) {
    catalog = new Catalog(db, undefined);
    catalogs.set(db, catalog);
  }
  return catalog;
}
