import { describe, expect, it } from 'vitest';
import { databaseTargets, useTestApp } from './helpers/app.ts';
import { password, signIn, signInAs, uniqueEmail } from './helpers/staff.ts';

describe.each(databaseTargets())('users, keys and project settings on $name', (target) => {
  const ctx = useTestApp(target);

  it('lets an admin add an agent who can then sign in; never shows password hashes', async () => {
    const project = await ctx.newProject();
    const admin = await signIn(ctx, project.projectId, 'admin');
    const email = uniqueEmail('new');
    const created = await admin.inject({
      method: 'POST',
      url: '/v1/users',
      payload: { email: email.toUpperCase(), name: 'Nina', role: 'agent', password },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ email, name: 'Nina', role: 'agent', deactivatedAt: null });
    const list = await admin.inject({ method: 'GET', url: '/v1/users' });
    expect(list.json().data.map((u: { email: string }) => u.email)).toEqual([admin.email, email]);
    expect(list.body).not.toContain('scrypt');
    await signInAs(ctx, { id: created.json().id, email, role: 'agent' });
  });

  it('refuses a taken email (409), a short password (400), and owner grants by an admin (403)', async () => {
    const project = await ctx.newProject();
    const admin = await signIn(ctx, project.projectId, 'admin');
    const other = await ctx.newProject();
    const theirs = await signIn(ctx, other.projectId, 'agent');
    const taken = await admin.inject({
      method: 'POST',
      url: '/v1/users',
      payload: { email: theirs.email, name: 'Copy', role: 'agent', password },
    });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().code).toBe('email_taken');
    const short = await admin.inject({
      method: 'POST',
      url: '/v1/users',
      payload: { email: uniqueEmail('x'), name: 'X', role: 'agent', password: 'short' },
    });
    expect(short.statusCode).toBe(400);
    expect(short.json().errors[0].path).toBe('password');
    const owner = await admin.inject({
      method: 'POST',
      url: '/v1/users',
      payload: { email: uniqueEmail('x'), name: 'X', role: 'owner', password },
    });
    expect(owner.statusCode).toBe(403);
    const promote = await admin.inject({
      method: 'PATCH',
      url: `/v1/users/${admin.userId}`,
      payload: { role: 'owner' },
    });
    expect(promote.statusCode).toBe(403);
    const list = await admin.inject({ method: 'GET', url: '/v1/users' });
    expect(list.json().data).toHaveLength(1);
  });

  it('keeps at least one active owner', async () => {
    const project = await ctx.newProject();
    const owner = await signIn(ctx, project.projectId, 'owner');
    const demote = await owner.inject({
      method: 'PATCH',
      url: `/v1/users/${owner.userId}`,
      payload: { role: 'admin' },
    });
    expect(demote.statusCode).toBe(409);
    expect(demote.json().code).toBe('last_owner');
    const self = await owner.inject({ method: 'DELETE', url: `/v1/users/${owner.userId}` });
    expect(self.statusCode).toBe(403);
    const second = await signIn(ctx, project.projectId, 'owner');
    const ok = await second.inject({
      method: 'PATCH',
      url: `/v1/users/${owner.userId}`,
      payload: { role: 'admin' },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().role).toBe('admin');
    // The demoted admin now lacks owner powers at once.
    const grant = await owner.inject({
      method: 'PATCH',
      url: `/v1/users/${owner.userId}`,
      payload: { role: 'owner' },
    });
    expect(grant.statusCode).toBe(403);
  });

  it('lets anyone change their own name and password, which signs out their other sessions', async () => {
    const project = await ctx.newProject();
    const viewer = await signIn(ctx, project.projectId, 'viewer');
    const otherSession = await signInAs(ctx, { id: viewer.userId, email: viewer.email, role: 'viewer' });
    const reply = await viewer.inject({
      method: 'PATCH',
      url: `/v1/users/${viewer.userId}`,
      payload: { name: 'Vera', password: 'a brand new password' },
    });
    expect(reply.statusCode).toBe(200);
    expect(reply.json().name).toBe('Vera');
    expect((await viewer.inject({ method: 'GET', url: '/v1/auth/session' })).statusCode).toBe(200);
    expect((await otherSession.inject({ method: 'GET', url: '/v1/auth/session' })).statusCode).toBe(401);
    const ownRole = await viewer.inject({
      method: 'PATCH',
      url: `/v1/users/${viewer.userId}`,
      payload: { role: 'agent' },
    });
    expect(ownRole.statusCode).toBe(403);
  });

  it('creates a secret key shown once, lists it by prefix, and revokes it', async () => {
    const project = await ctx.newProject();
    const admin = await signIn(ctx, project.projectId, 'admin');
    const created = await admin.inject({ method: 'POST', url: '/v1/keys', payload: { name: 'CI' } });
    expect(created.statusCode).toBe(201);
    const { key, id, prefix } = created.json();
    expect(key).toMatch(/^sk_\w{32}$/);
    expect(prefix).toBe(key.slice(0, 9));
    const works = await ctx.asKey(key, { method: 'GET', url: '/v1/surveys' });
    expect(works.statusCode).toBe(200);
    const list = await admin.inject({ method: 'GET', url: '/v1/keys' });
    expect(list.body).not.toContain(key);
    const listed = list.json().data.find((k: { id: string }) => k.id === id);
    expect(listed).toMatchObject({ name: 'CI', prefix, revokedAt: null });
    expect(listed.lastUsedAt).not.toBeNull();
    const revoked = await admin.inject({ method: 'DELETE', url: `/v1/keys/${id}` });
    expect(revoked.statusCode).toBe(204);
    expect((await ctx.asKey(key, { method: 'GET', url: '/v1/surveys' })).statusCode).toBe(401);
    const other = await ctx.newProject();
    const foreign = await ctx.asKey(other.secretKey, { method: 'DELETE', url: `/v1/keys/${id}` });
    expect(foreign.statusCode).toBe(404);
  });

  it('changes allowed origins (normalised) and appearance; refuses a bad origin with its path', async () => {
    const project = await ctx.newProject();
    const admin = await signIn(ctx, project.projectId, 'admin');
    const reply = await admin.inject({
      method: 'PATCH',
      url: '/v1/project',
      payload: {
        allowedOrigins: ['HTTPS://Shop.Example:443', 'http://localhost:8080'],
        appearance: { brandColor: '#112233', position: 'bottom-left' },
      },
    });
    expect(reply.statusCode).toBe(200);
    expect(reply.json()).toMatchObject({
      allowedOrigins: ['https://shop.example', 'http://localhost:8080'],
      appearance: { brandColor: '#112233', position: 'bottom-left', theme: 'auto' },
      publicKey: project.publicKey,
    });
    const config = await ctx.app.inject({
      method: 'GET',
      url: `/v1/widget/config?key=${project.publicKey}`,
      headers: { origin: 'https://evil.example' },
    });
    expect(config.statusCode).toBe(403);
    const bad = await admin.inject({
      method: 'PATCH',
      url: '/v1/project',
      payload: { allowedOrigins: ['https://ok.example', 'https://shop.example/path'] },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toBe('allowedOrigins.1');
    const after = await admin.inject({ method: 'GET', url: '/v1/project' });
    expect(after.json().allowedOrigins).toEqual(['https://shop.example', 'http://localhost:8080']);
  });
});
