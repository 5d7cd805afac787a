/**
 * The group commit's own rules, with a writer that records its groups (no database): what
 * arrives together is written together, within the weight bound and without two members that do
 * not fit; a member to blame fails alone; nothing is left unsettled.
 */
import { describe, expect, it } from 'vitest';
import { GroupCommit, type GroupWriter } from '../src/services/group-commit.ts';

interface Member {
  name: string;
  rows: number;
  ids?: string[];
}

class Blame extends Error {}

function recorder(overrides: Partial<GroupWriter<Member, string>> = {}) {
  const groups: string[][] = [];
  const writer: GroupWriter<Member, string> = {
    weight: (member) => member.rows,
    fits: (member, taken) => !taken.some((other) => other.ids?.some((id) => member.ids?.includes(id))),
    write: async (members) => {
      groups.push(members.map((member) => member.name));
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (members.some((member) => member.name.startsWith('bad')) && members.length > 1)
        throw Object.assign(new Error('value too long'), { code: '22001' });
      if (members.some((member) => member.name.startsWith('bad'))) throw new Blame('bad alone');
      return members.map((member) => `stored ${member.name}`);
    },
    culprits: () => undefined,
    mayBeOneMembers: (error) => (error as { code?: string }).code === '22001',
    ...overrides,
  };
  return { groups, writer };
}

describe('group commit', () => {
  it('writes a lone member at once, and what arrives meanwhile as one group within the weight bound', async () => {
    const { groups, writer } = recorder();
    const commit = new GroupCommit(writer, { concurrency: 1, maxWeight: 10 });
    const first = commit.submit('p', { name: 'a', rows: 1 });
    await new Promise((resolve) => setImmediate(resolve));
    const rest = ['b', 'c', 'd', 'e'].map((name) => commit.submit('p', { name, rows: 4 }));
    expect(await Promise.all([first, ...rest])).toEqual([
      'stored a',
      'stored b',
      'stored c',
      'stored d',
      'stored e',
    ]);
    // b, c fit together (8 of 10 rows); d, e make the next group.
    expect(groups).toEqual([['a'], ['b', 'c'], ['d', 'e']]);
  });

  it('keeps members that do not fit together (a shared id) in separate groups, in order of arrival', async () => {
    const { groups, writer } = recorder();
    const commit = new GroupCommit(writer, { concurrency: 1, maxWeight: 100 });
    await Promise.all([
      commit.submit('p', { name: 'a', rows: 1, ids: ['x'] }),
      commit.submit('p', { name: 'b', rows: 1, ids: ['x'] }),
      commit.submit('p', { name: 'c', rows: 1, ids: ['y'] }),
    ]);
    expect(groups).toEqual([['a', 'c'], ['b']]);
  });

  it('writes the keys apart (one project never waits for another)', async () => {
    const { groups, writer } = recorder();
    const commit = new GroupCommit(writer, { concurrency: 1, maxWeight: 100 });
    await Promise.all([
      commit.submit('p', { name: 'a', rows: 1 }),
      commit.submit('q', { name: 'b', rows: 1 }),
    ]);
    expect(groups.sort()).toEqual([['a'], ['b']]);
  });

  it('a member whose own data fails the group is written alone and fails alone', async () => {
    const { groups, writer } = recorder();
    const commit = new GroupCommit(writer, { concurrency: 1, maxWeight: 100 });
    const results = await Promise.allSettled(
      ['a', 'bad', 'c'].map((name) => commit.submit('p', { name, rows: 1 })),
    );
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(Blame);
    expect(groups).toEqual([['a', 'bad', 'c'], ['a'], ['bad'], ['c']]);
  });

  it('named culprits get their own error and the rest of the group is written again without them', async () => {
    const { groups, writer } = recorder({
      write: async (members) => {
        groups.push(members.map((member) => member.name));
        if (members.some((member) => member.name === 'taken')) throw new Error('conflict');
        return members.map((member) => `stored ${member.name}`);
      },
      culprits: (error, members) =>
        (error as Error).message === 'conflict'
          ? new Map(
              members.filter((member) => member.name === 'taken').map((member) => [member, new Blame('409')]),
            )
          : undefined,
    });
    const commit = new GroupCommit(writer, { concurrency: 1, maxWeight: 100 });
    const results = await Promise.allSettled(
      ['a', 'taken', 'c'].map((name) => commit.submit('p', { name, rows: 1 })),
    );
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(groups).toEqual([
      ['a', 'taken', 'c'],
      ['a', 'c'],
    ]);
  });

  it('any other failure fails the whole group, and a writer that throws while blaming still settles everyone', async () => {
    let broken = true;
    const { groups, writer } = recorder({
      write: async (members) => {
        groups.push(members.map((member) => member.name));
        if (broken) throw new Error('database gone');
        return members.map((member) => `stored ${member.name}`);
      },
      culprits: () => {
        throw new Error('blaming failed');
      },
    });
    const commit = new GroupCommit(writer, { concurrency: 2, maxWeight: 100 });
    const results = await Promise.allSettled(['a', 'b'].map((name) => commit.submit('p', { name, rows: 1 })));
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    // The project's lane is free again: a later member is written.
    broken = false;
    expect(await commit.submit('p', { name: 'z', rows: 1 })).toBe('stored z');
    expect(groups.at(-1)).toEqual(['z']);
  });
});
