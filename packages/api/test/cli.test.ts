import { type ChildProcess, execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const bin = path.resolve(import.meta.dirname, '../bin/closeloop.mjs');
const run = promisify(execFile);
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'closeloop-cli-'));
const env = { ...process.env, CLOSELOOP_DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'warn', PORT: '0' };

function cli(args: string[]) {
  return run(process.execPath, [bin, ...args], { env, timeout: 60_000 }).then(
    (result) => ({ code: 0, ...result }),
    (error: { code: number; stdout: string; stderr: string }) => ({
      code: error.code,
      stdout: error.stdout,
      stderr: error.stderr,
    }),
  );
}

/** Starts `closeloop start` and resolves with its banner once it listens. */
function start(): Promise<{ child: ChildProcess; banner: string }> {
  const child = spawn(process.execPath, [bin, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let banner = '';
    const timer = setTimeout(() => reject(new Error(`no banner: ${banner}`)), 60_000);
    child.stdout!.on('data', (chunk) => {
      banner += chunk;
      if (banner.includes('Try it')) {
        setTimeout(() => {
          clearTimeout(timer);
          resolve({ child, banner });
        }, 200);
      }
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${banner}`)));
  });
}

afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe('closeloop CLI', () => {
  it.each([
    [['create-project', '--name'], /argument missing/],
    [['seed', '--responses', '5', 'extra'], /Unexpected argument 'extra'/],
    [['seed', '--responses', '-5'], /--responses/],
    [['create-project', '--name', 'x'.repeat(121)], /--name: Too big/],
    [['create-key', '--project', 'pk_x', '--name', 'x'.repeat(121)], /--name: Too big/],
  ])('answers %j with the reason and the usage, exit 2, no stack trace', async (args, reason) => {
    const result = await cli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(reason);
    expect(result.stderr).toContain('Commands:');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('names DATABASE_URL in one line when the database cannot be reached', async () => {
    const result = await run(process.execPath, [bin, 'migrate'], {
      env: { ...env, DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none' },
      timeout: 60_000,
    }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toMatch(
      /^Cannot use the database at 127\.0\.0\.1:1\/none \(DATABASE_URL\): .*ECONNREFUSED/,
    );
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('starts on an empty embedded database with a demo project, and serves it', async () => {
    const { child, banner } = await start();
    try {
      const url = /running at (\S+)/.exec(banner)![1]!;
      const publicKey = /Public key:\s+(pk_\w+)/.exec(banner)![1]!;
      const secretKey = /Secret key:\s+(sk_\w+)/.exec(banner)![1]!;
      const npsId = /Survey \(nps\):\s+(\S+)/.exec(banner)![1]!;
      expect(banner).toMatch(/Survey \(csat\)/);
      expect(banner).toMatch(/Survey \(ces\)/);
      const id = crypto.randomUUID();
      const posted = await fetch(`${url}/v1/responses`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: JSON.stringify({
          key: publicKey,
          responses: [
            {
              id,
              surveyId: npsId,
              score: 8,
              context: { url: 'https://x.example/' },
              submittedAt: new Date().toISOString(),
            },
          ],
        }),
      });
      expect(posted.status).toBe(202);
      const listed = await fetch(`${url}/v1/responses`, {
        headers: { authorization: `Bearer ${secretKey}` },
      });
      expect(
        ((await listed.json()) as { data: { id: string }[] }).data.map((r: { id: string }) => r.id),
      ).toEqual([id]);
      const demo = await fetch(`${url}/demo`);
      expect(await demo.text()).toContain(`data-key="${publicKey}"`);

      // One writer: a second process on the same data directory stops with a clear message.
      const second = await cli(['migrate']);
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(/in use by another Closeloop process/);
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    // A graceful stop releases the lock; the second start keeps the data and prints no new secret key.
    const again = await start();
    again.child.kill('SIGTERM');
    await new Promise((resolve) => again.child.once('exit', resolve));
    expect(again.banner).not.toMatch(/Secret key:\s+sk_/);
    expect(again.banner).toMatch(/Public key:\s+pk_/);
  });

  it('seeds realistic demo data into the demo project', async () => {
    const seeded = await cli(['seed', '--responses', '300', '--months', '2']);
    expect(seeded.code).toBe(0);
    expect(seeded.stdout).toMatch(/Seeded 300 responses, 75 respondents and \d+ widget events/);
    const bad = await cli(['seed', '--responses', 'many']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--responses must be a whole number/);
  });

  it('creates a project with allowed origins, and refuses a bad origin', async () => {
    const created = await cli([
      'create-project',
      '--name',
      'Shop',
      '--origin',
      'https://shop.example/',
      '--origin',
      'http://localhost:8080',
    ]);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/Public key:\s+pk_\w{24}/);
    expect(created.stdout).toMatch(/Secret key:\s+sk_\w{32}/);
    expect(created.stdout).toContain('https://shop.example, http://localhost:8080');
    const bad = await cli(['create-project', '--name', 'Shop', '--origin', 'shop.example/path']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/is not an origin/);
    const missing = await cli(['create-project']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/needs --name/);
    const unknown = await cli(['frobnicate']);
    expect(unknown.code).toBe(2);
  });
  it('prints a one-time inbox setup link until the project has staff, and creates staff users', async () => {
    const first = await start();
    first.child.kill('SIGTERM');
    await new Promise((resolve) => first.child.once('exit', resolve));
    const url = /running at (\S+)/.exec(first.banner)![1]!;
    expect(first.banner).toContain(`Demo: ${url}/inbox/setup?token=setup_`);

    const created = await cli([
      'create-user',
      '--email',
      'Owner@Shop.example',
      '--password',
      'long enough pw',
      '--role',
      'owner',
    ]);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toMatch(/Staff user:\s+owner@shop\.example \(owner\)/);
    const taken = await cli([
      'create-user',
      '--email',
      'owner@shop.example',
      '--password',
      'long enough pw',
      '--role',
      'agent',
    ]);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toMatch(/already exists/);
    const bad = await cli([
      'create-user',
      '--email',
      'x@shop.example',
      '--password',
      'short',
      '--role',
      'boss',
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--password: must be at least 10 characters/);
    expect(bad.stderr).toMatch(/--role/);

    const again = await start();
    again.child.kill('SIGTERM');
    await new Promise((resolve) => again.child.once('exit', resolve));
    // The demo project has its owner now; the project made by create-project still has nobody.
    expect(again.banner).not.toMatch(/Demo: \S+\/inbox\/setup/);
    expect(again.banner).toMatch(/Shop: \S+\/inbox\/setup\?token=setup_\w+/);
  });
});
