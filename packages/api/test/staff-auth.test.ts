import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { staffSessions, staffUsers } from '../src/db/schema/index.ts';
import { createProject } from '../src/services/projects.ts';
import { createSetupToken, createStaffUser } from '../src/services/staff.ts';
import { databaseTargets, useTestApp } from './helpers/app.ts';
import { addStaff, password, signIn, uniqueEmail } from './helpers/staff.ts';

describe.each(databaseTargets())('staff sign-in and sessions on $name', (target) => {
  const ctx = useTestApp(target);

  it('signs in with an httpOnly SameSite=Lax cookie and a CSRF token, case-insensitively by email', async () => {
    const project = await ctx.newProject();
    const { email } = await addStaff(ctx, project.projectId, 'agent', 'Ada');
    const reply = await ctx.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { email: email.toUpperCase(), password },
    });
    expect(reply.statusCode).toBe(200);
    // The session's CSRF token is never kept by a cache.
    expect(reply.headers['cache-control']).toBe('no-store');
    const body = reply.json();
    expect(body.user).toMatchObject({ email, name: 'Ada', role: 'agent' });
    expect(body.user).not.toHaveProperty('passwordHash');
    expect(body.project).toMatchObject({ id: project.projectId, publicKey: project.publicKey });
    expect(body.csrfToken).toMatch(/^[\w-]{20,}$/);
    // No SMTP_URL in tests: the inbox is told email replies cannot be sent.
    expect(body.features).toEqual({ email: false });
    const cookie = reply.cookies.find((c) => c.name === 'closeloop_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(cookie.secure).toBeFalsy();
    const [stored] = await ctx.database.db
      .select()
      .from(staffSessions)
      .where(eq(staffSessions.userId, body.user.id));
    expect(stored!.tokenHash).not.toContain(cookie.value);
    const session = await ctx.app.inject({
      method: 'GET',
      url: '/v1/auth/session',
      headers: { cookie: `closeloop_session=${cookie.value}` },
    });
    expect(session.statusCode).toBe(200);
    expect(session.json()).toMatchObject({
      user: { email },
      csrfToken: body.csrfToken,
      features: { email: false },
    });
  });

  it.each([
    ['a wrong password', (email: string) => ({ email, password: 'not the password' })],
    ['an unknown email', () => ({ email: 'nobody@staff.example', password })],
  ])('refuses %s with the same 401 and sets no cookie', async (_name, body) => {
    const project = await ctx.newProject();
    const { email } = await addStaff(ctx, project.projectId, 'agent', 'Ada');
    const reply = await ctx.app.inject({ method: 'POST', url: '/v1/auth/login', payload: body(email) });
    expect(reply.statusCode).toBe(401);
    expect(reply.json()).toMatchObject({
      code: 'invalid_credentials',
      detail: 'The email or password is not right',
    });
    expect(reply.cookies).toEqual([]);
  });

  it('takes sign-in only as JSON (no sign-in from a cross-site form)', async () => {
    const project = await ctx.newProject();
    const { email } = await addStaff(ctx, project.projectId, 'agent', 'Ada');
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded']) {
      const reply = await ctx.app.inject({
        method: 'POST',
        url: '/v1/auth/login',
        headers: { 'content-type': contentType },
        payload: contentType === 'text/plain' ? JSON.stringify({ email, password }) : `email=${email}`,
      });
      expect(reply.statusCode).toBe(415);
      expect(reply.json().code).toBe('unsupported_media_type');
      expect(reply.cookies).toEqual([]);
    }
  });

  it('refuses a deactivated user and ends their sessions', async () => {
    const project = await ctx.newProject();
    const admin = await signIn(ctx, project.projectId, 'admin');
    const agent = await signIn(ctx, project.projectId, 'agent');
    const removed = await admin.inject({ method: 'DELETE', url: `/v1/users/${agent.userId}` });
    expect(removed.statusCode).toBe(204);
    const again = await agent.inject({ method: 'GET', url: '/v1/responses' });
    expect(again.statusCode).toBe(401);
    expect(again.json().code).toBe('session_expired');
    const login = await ctx.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { email: agent.email, password },
    });
    expect(login.statusCode).toBe(401);
  });

  it('refuses a change made with a session but without the CSRF token, and changes nothing', async () => {
    const project = await ctx.newProject();
    const admin = await signIn(ctx, project.projectId, 'admin');
    for (const headers of [{}, { 'x-csrf-token': 'forged' }, { 'x-csrf-token': '' }]) {
      const reply = await ctx.app.inject({
        method: 'PATCH',
        url: `/v1/surveys/${project.surveyIds.nps}`,
        payload: { name: 'Forged' },
        headers: { cookie: admin.cookie, ...headers },
      });
      expect(reply.statusCode).toBe(403);
      expect(reply.json().code).toBe('csrf_token_invalid');
    }
    const survey = await admin.inject({ method: 'GET', url: `/v1/surveys/${project.surveyIds.nps}` });
    expect(survey.json().name).toBe('nps survey');
    const allowed = await admin.inject({
      method: 'PATCH',
      url: `/v1/surveys/${project.surveyIds.nps}`,
      payload: { name: 'Renamed' },
    });
    expect(allowed.statusCode).toBe(200);
    expect(allowed.json().name).toBe('Renamed');
  });

  it("does not accept one session's CSRF token with another session", async () => {
    const project = await ctx.newProject();
    const first = await signIn(ctx, project.projectId, 'admin');
    const second = await signIn(ctx, project.projectId, 'admin');
    const reply = await ctx.app.inject({
      method: 'POST',
      url: '/v1/keys',
      payload: { name: 'x' },
      headers: { cookie: first.cookie, 'x-csrf-token': second.csrfToken },
    });
    expect(reply.statusCode).toBe(403);
  });

  it('signs out: the cookie stops working and is cleared', async () => {
    const project = await ctx.newProject();
    const agent = await signIn(ctx, project.projectId, 'agent');
    const withoutToken = await ctx.app.inject({
      method: 'POST',
      url: '/v1/auth/logout',
      headers: { cookie: agent.cookie },
    });
    expect(withoutToken.statusCode).toBe(403);
    const reply = await agent.inject({ method: 'POST', url: '/v1/auth/logout' });
    expect(reply.statusCode).toBe(204);
    expect(reply.cookies.find((c) => c.name === 'closeloop_session')?.value).toBe('');
    const after = await agent.inject({ method: 'GET', url: '/v1/auth/session' });
    expect(after.statusCode).toBe(401);
  });

  it('refuses an expired session', async () => {
    const project = await ctx.newProject();
    const agent = await signIn(ctx, project.projectId, 'agent');
    await ctx.database.db
      .update(staffSessions)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(staffSessions.userId, agent.userId));
    const reply = await agent.inject({ method: 'GET', url: '/v1/responses' });
    expect(reply.statusCode).toBe(401);
    expect(reply.json().code).toBe('session_expired');
  });

  it('answers GET /v1/auth/session without a cookie with 401', async () => {
    const reply = await ctx.app.inject({ method: 'GET', url: '/v1/auth/session' });
    expect(reply.statusCode).toBe(401);
    expect(reply.headers['content-type']).toContain('application/problem+json');
  });

  it('creates the first owner with a one-time setup link, once', async () => {
    const project = await ctx.newProject();
    const token = await createSetupToken(ctx.database.db, project.projectId);
    const check = await ctx.app.inject({ method: 'GET', url: `/v1/auth/setup?token=${token}` });
    expect(check.statusCode).toBe(200);
    expect(check.json()).toEqual({ projectName: 'Test project' });
    const email = uniqueEmail('owner');
    const reply = await ctx.app.inject({
      method: 'POST',
      url: '/v1/auth/setup',
      payload: { token, email, name: 'Olivia', password },
    });
    expect(reply.statusCode).toBe(201);
    expect(reply.json().user).toMatchObject({ email, role: 'owner' });
    expect(reply.cookies.find((c) => c.name === 'closeloop_session')?.httpOnly).toBe(true);
    const again = await ctx.app.inject({
      method: 'POST',
      url: '/v1/auth/setup',
      payload: { token, email: uniqueEmail('owner'), name: 'Mallory', password },
    });
    expect(again.statusCode).toBe(400);
    expect(again.json().code).toBe('setup_token_invalid');
    const users = await ctx.database.db
      .select()
      .from(staffUsers)
      .where(eq(staffUsers.projectId, project.projectId));
    expect(users.map((user) => user.name)).toEqual(['Olivia']);
  });

  it('refuses a setup link once the project has staff, a bad token, and a short password', async () => {
    const project = await ctx.newProject();
    const token = await createSetupToken(ctx.database.db, project.projectId);
    const short = await ctx.app.inject({
      method: 'POST',
      url: '/v1/auth/setup',
      payload: { token, email: uniqueEmail('owner'), name: 'O', password: 'short' },
    });
    expect(short.statusCode).toBe(400);
    expect(short.json().errors).toEqual([expect.objectContaining({ path: 'password' })]);
    await signIn(ctx, project.projectId, 'agent');
    const reply = await ctx.app.inject({ method: 'GET', url: `/v1/auth/setup?token=${token}` });
    expect(reply.statusCode).toBe(400);
    const bad = await ctx.app.inject({ method: 'GET', url: '/v1/auth/setup?token=setup_nope' });
    expect(bad.statusCode).toBe(400);
  });
});

describe('sign-in rate limit', () => {
  const [target] = databaseTargets();
  let app: Awaited<ReturnType<typeof buildApp>>;
  let close: () => Promise<void>;
  let newStaffEmail: () => Promise<string>;
  beforeAll(async () => {
    const database = await target!.open();
    app = await buildApp({ database, config: { loginRateLimit: 3 } });
    const { project } = await createProject(database.db, { name: 'Sign-in limits' });
    newStaffEmail = async () => {
      const email = uniqueEmail('limited');
      await createStaffUser(database.db, project.id, { email, name: 'Lim', role: 'agent', password });
      return email;
    };
    close = async () => {
      await app.close();
      await database.close();
    };
  }, 60_000);
  afterAll(() => close?.());

  const attempt = (email: string, secret = 'wrong password', remoteAddress = '127.0.0.1') =>
    app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      remoteAddress,
      payload: { email, password: secret },
    });

  it('refuses the 4th attempt for one email with 429, while another email still gets through', async () => {
    for (let i = 0; i < 3; i++) expect((await attempt('target@staff.example')).statusCode).toBe(401);
    const blocked = await attempt('target@staff.example');
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json().code).toBe('rate_limited');
    expect(blocked.headers['retry-after']).toBeDefined();
    // The detail names the wait in words a person can act on.
    expect(blocked.json().detail).toBe(
      `Too many requests; try again in ${Math.ceil(Number(blocked.headers['retry-after']) / 60)} minutes`,
    );
    expect((await attempt('TARGET@staff.example')).statusCode).toBe(429);
    expect((await attempt('other@staff.example')).statusCode).toBe(401);
  });

  it('never limits successful sign-ins: a staff member signs in again and again', async () => {
    const email = await newStaffEmail();
    for (let i = 0; i < 11; i++) expect((await attempt(email, password)).statusCode).toBe(200);
  });

  it('starts the count again after a successful sign-in, then blocks repeated failures for 15 minutes', async () => {
    const email = await newStaffEmail();
    for (let i = 0; i < 2; i++) expect((await attempt(email)).statusCode).toBe(401);
    expect((await attempt(email, password)).statusCode).toBe(200);
    for (let i = 0; i < 3; i++) expect((await attempt(email)).statusCode).toBe(401);
    const blocked = await attempt(email);
    expect(blocked.statusCode).toBe(429);
    const retryAfter = Number(blocked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(14 * 60);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    // Once blocked, not even the right password gets through (no guessing past the limit) …
    expect((await attempt(email, password)).statusCode).toBe(429);
    // … but the same email from another address still can.
    expect((await attempt(email, password, '10.0.0.2')).statusCode).toBe(200);
  });

  it('counts parallel guesses: no more than the limit are checked', async () => {
    const email = await newStaffEmail();
    const replies = await Promise.all(Array.from({ length: 10 }, () => attempt(email)));
    const statuses = replies.map((reply) => reply.statusCode).sort();
    expect(statuses).toEqual([401, 401, 401, 429, 429, 429, 429, 429, 429, 429]);
  });
});
