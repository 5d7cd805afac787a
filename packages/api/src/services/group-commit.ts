/**
 * Group commit: writes that arrive while earlier ones are still being committed are gathered and
 * written together, in one transaction of multi-row statements. Under load a request then costs
 * a share of one transaction instead of a transaction of its own; with nothing else in flight a
 * write starts at once, so a lone request waits for nothing.
 */

/** What a group commit does with the members it gathered; `write` is one transaction. */
export interface GroupWriter<Member, Result> {
  /** How much a member weighs against `maxWeight` (rows, say). */
  weight(member: Member): number;
  /** Whether a member may join a group already holding `taken` (e.g. no id twice in one group). */
  fits(member: Member, taken: readonly Member[]): boolean;
  /** Writes the members in one transaction; their results in the same order. */
  write(members: Member[]): Promise<Result[]>;
  /**
   * Members whose own input made the group's write fail (a conflict naming them): they get this
   * error and the rest of the group is written again without them. Anything else fails the group.
   */
  culprits(error: unknown, members: readonly Member[]): Map<Member, Error> | undefined;
  /**
   * Whether an error may have been caused by one member's data rather than by the database (a
   * constraint or a value it refused): the members are then written one by one, so that only the
   * one to blame fails.
   */
  mayBeOneMembers(error: unknown): boolean;
}

interface Waiting<Member, Result> {
  member: Member;
  resolve(result: Result): void;
  reject(error: unknown): void;
}

interface Lane<Member, Result> {
  pending: Waiting<Member, Result>[];
  running: number;
  scheduled: boolean;
}

export interface GroupCommitOptions {
  /** Groups of one key written at once (a second one is built while the first commits). */
  concurrency: number;
  /** Largest group, in the writer's weight (rows). */
  maxWeight: number;
}

/** Gathers members per key (a project, say) and writes them in groups. */
export class GroupCommit<Member, Result> {
  readonly #lanes = new Map<string, Lane<Member, Result>>();

  constructor(
    private readonly writer: GroupWriter<Member, Result>,
    private readonly options: GroupCommitOptions,
  ) {}

  /** Resolves with the member's result once the transaction holding it has committed. */
  submit(key: string, member: Member): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      let lane = this.#lanes.get(key);
      if (!lane) {
        lane = { pending: [], running: 0, scheduled: false };
        this.#lanes.set(key, lane);
      }
      lane.pending.push({ member, resolve, reject });
      this.#schedule(key, lane);
    });
  }

  #schedule(key: string, lane: Lane<Member, Result>) {
    if (lane.scheduled || lane.pending.length === 0 || lane.running >= this.options.concurrency) {
      if (lane.pending.length === 0 && lane.running === 0 && this.#lanes.get(key) === lane)
        this.#lanes.delete(key);
      return;
    }
    lane.scheduled = true;
    // The members that arrive in this turn of the event loop join the same group.
    setImmediate(() => {
      lane.scheduled = false;
      const group = this.#take(lane);
      if (group.length === 0) return this.#schedule(key, lane);
      lane.running++;
      // #commit settles every member itself; anything it throws still settles them (no request
      // waits for ever) and never becomes an unhandled rejection.
      void this.#commit(group)
        .catch((error: unknown) => {
          for (const waiting of group) waiting.reject(error);
        })
        .finally(() => {
          lane.running--;
          this.#schedule(key, lane);
        });
      this.#schedule(key, lane);
    });
  }

  /** The next group: waiting members in order of arrival, as many as fit. */
  #take(lane: Lane<Member, Result>): Waiting<Member, Result>[] {
    const group: Waiting<Member, Result>[] = [];
    const members: Member[] = [];
    let weight = 0;
    const rest: Waiting<Member, Result>[] = [];
    for (const waiting of lane.pending) {
      const adds = this.writer.weight(waiting.member);
      if (
        group.length === 0 ||
        (weight + adds <= this.options.maxWeight && this.writer.fits(waiting.member, members))
      ) {
        group.push(waiting);
        members.push(waiting.member);
        weight += adds;
      } else rest.push(waiting);
    }
    lane.pending = rest;
    return group;
  }

  async #commit(group: Waiting<Member, Result>[]): Promise<void> {
    let members = group;
    while (members.length > 0) {
      try {
        const results = await this.writer.write(members.map((waiting) => waiting.member));
        for (const [index, waiting] of members.entries()) waiting.resolve(results[index]!);
        return;
      } catch (error) {
        const culprits = this.writer.culprits(
          error,
          members.map((waiting) => waiting.member),
        );
        if (culprits && culprits.size > 0) {
          for (const waiting of members) {
            const own = culprits.get(waiting.member);
            if (own) waiting.reject(own);
          }
          members = members.filter((waiting) => !culprits.has(waiting.member));
          continue;
        }
        if (members.length > 1 && this.writer.mayBeOneMembers(error)) {
          for (const waiting of members) await this.#commit([waiting]);
          return;
        }
        for (const waiting of members) waiting.reject(error);
        return;
      }
    }
  }
}
