/**
 * A database error during an export: before the first row it is a problem response; after rows
 * were sent it cuts the connection, so no client takes a partial file for a complete one.
 */
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { exportPageSize } from '../src/services/export.ts';
import { aResponse, databaseTargets, useTestApp } from './helpers/app.ts';

/** Page reads of the export after which the database "fails" (Infinity: never). */
const database = vi.hoisted(() => ({ failAfter: Number.POSITIVE_INFINITY, reads: 0 }));

vi.mock('../src/services/responses.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../src/services/responses.ts')>();
  return {
    ...actual,
    selectRecords: (db: Parameters<typeof actual.selectRecords>[0]) => {
      if (database.reads++ >= database.failAfter) throw new Error('connection terminated unexpectedly');
      return actual.selectRecords(db);
    },
  };
});

describe.each(databaseTargets())('export when the database fails, on $name', (target) => {
  const ctx = useTestApp(target);
  afterEach(() => {
    database.failAfter = Number.POSITIVE_INFINITY;
  });

  it.each(['csv', 'ndjson'])(
    'answers a %s export whose first query fails with a 500 problem, not a header',
    async (format) => {
      const project = await ctx.newProject();
      database.reads = 0;
      database.failAfter = 0;
      const reply = await ctx.asKey(project.secretKey, {
        method: 'GET',
        url: `/v1/responses/export?format=${format}&from=2026-01-01T00:00:00Z`,
      });
      expect(reply.statusCode).toBe(500);
      expect(reply.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(reply.headers['content-disposition']).toBeUndefined();
      expect(reply.json()).toMatchObject({ status: 500 });
      expect(reply.body).not.toContain('connection terminated');
    },
  );

  it('still answers an export with no rows with the header alone', async () => {
    const project = await ctx.newProject();
    const reply = await ctx.asKey(project.secretKey, {
      method: 'GET',
      url: '/v1/responses/export?format=csv',
    });
    expect(reply.statusCode).toBe(200);
    expect(reply.body).toBe(
      `id,survey_id,kind,score,comment,submitted_at,received_at,url,locale,respondent_external_id,respondent_email,respondent_traits,follow_up_status,assignee_id,due_at,resolved_at,tags,identity,quarantined\r\n`,
    );
  });

  it('cuts the connection when a later page fails, so the download does not look complete', async () => {
    const project = await ctx.newProject();
    const total = exportPageSize + 50;
    for (let offset = 0; offset < total; offset += 100) {
      const reply = await ctx.app.inject({
        method: 'POST',
        url: '/v1/responses',
        payload: {
          key: project.publicKey,
          responses: Array.from({ length: 100 }, () => aResponse(project.surveyIds.nps)),
        },
      });
      expect(reply.statusCode).toBe(202);
    }
    await ctx.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = ctx.app.server.address() as AddressInfo;
    database.reads = 0;
    database.failAfter = 1;
    const reply = await fetch(`http://127.0.0.1:${port}/v1/responses/export?format=ndjson`, {
      headers: { authorization: `Bearer ${project.secretKey}` },
    });
    expect(reply.status).toBe(200);
    await expect(reply.text()).rejects.toThrow();
  });
});
