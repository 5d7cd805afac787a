import { describe, expect, it } from 'vitest';
import { databaseTargets, useTestApp } from './helpers/app.ts';
import { storeResponse } from './helpers/role-matrix.ts';
import { password, type StaffSession, signIn, signInAs, uniqueEmail } from './helpers/staff.ts';

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

  it('deactivates with PATCH {active:false} like DELETE, and reactivates with {active:true}', async () => {
    const project = await ctx.newProject();
    const admin = await signIn(ctx, project.projectId, 'admin');
    const agent = await signIn(ctx, project.projectId, 'agent');
    const responseId = await storeResponse(ctx, project);
    const note = await agent.inject({
      method: 'POST',
      url: `/v1/responses/${responseId}/notes`,
      payload: { body: 'Called them back' },
    });
    expect(note.statusCode).toBe(201);
    const user = `/v1/users/${agent.userId}`;

    const off = await admin.inject({ method: 'PATCH', url: user, payload: { active: false } });
    expect(off.statusCode, off.body).toBe(200);
    expect(Date.parse(off.json().deactivatedAt)).toBeGreaterThan(Date.now() - 60_000);
    // Signed out at once, and refused at sign-in, as with DELETE.
    const signedOut = await agent.inject({ method: 'GET', url: '/v1/responses' });
    expect(signedOut.statusCode).toBe(401);
    expect(signedOut.json().code).toBe('session_expired');
    const refused = await ctx.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { email: agent.email, password },
    });
    expect(refused.statusCode).toBe(401);
    const assign = (assigneeId: string) =>
      admin.inject({ method: 'PATCH', url: `/v1/responses/${responseId}`, payload: { assigneeId } });
    expect((await assign(agent.userId)).statusCode).toBe(400);
    // Deactivating again keeps the first time.
    const again = await admin.inject({ method: 'PATCH', url: user, payload: { active: false } });
    expect(again.json().deactivatedAt).toBe(off.json().deactivatedAt);

    const on = await admin.inject({ method: 'PATCH', url: user, payload: { active: true } });
    expect(on.statusCode, on.body).toBe(200);
    expect(on.json()).toMatchObject({ id: agent.userId, role: 'agent', deactivatedAt: null });
    // Old sessions stay ended; the same password signs in again.
    expect((await agent.inject({ method: 'GET', url: '/v1/responses' })).statusCode).toBe(401);
    const back = await signInAs(ctx, { id: agent.userId, email: agent.email, role: 'agent' });
    expect(
      (await back.inject({ method: 'GET', url: '/v1/auth/session' })).json().user.deactivatedAt,
    ).toBeNull();
    expect((await assign(agent.userId)).statusCode).toBe(200);
    // Their earlier activity kept their name throughout.
    const activity = await admin.inject({ method: 'GET', url: `/v1/responses/${responseId}/activity` });
    expect(activity.json().data.find((a: { type: string }) => a.type === 'note_added').actor).toEqual({
      kind: 'user',
      id: agent.userId,
      name: 'A agent',
    });
    const listed = await admin.inject({ method: 'GET', url: '/v1/users' });
    expect(listed.json().data.find((u: { id: string }) => u.id === agent.userId).deactivatedAt).toBeNull();

    // DELETE deactivates too, and PATCH brings them back.
    expect((await admin.inject({ method: 'DELETE', url: user })).statusCode).toBe(204);
    expect((await back.inject({ method: 'GET', url: '/v1/auth/session' })).statusCode).toBe(401);
    expect((await admin.inject({ method: 'PATCH', url: user, payload: { active: true } })).statusCode).toBe(
      200,
    );
    await signInAs(ctx, { id: agent.userId, email: agent.email, role: 'agent' });
  });

  it('answers 409 for the email of a deactivated user, saying they can be reactivated', async () => {
    const project = await ctx.newProject();
    const admin = await signIn(ctx, project.projectId, 'admin');
    const agent = await signIn(ctx, project.projectId, 'agent');
    await admin.inject({ method: 'DELETE', url: `/v1/users/${agent.userId}` });
    const add = (session: StaffSession, email: string) =>
      session.inject({
        method: 'POST',
        url: '/v1/users',
        payload: { email, name: 'Again', role: 'agent', password },
      });
    const again = await add(admin, agent.email.toUpperCase());
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('email_taken');
    expect(again.json().detail).toContain('is deactivated');
    expect(again.json().detail).toContain(`PATCH /v1/users/${agent.userId} with {"active": true}`);
    // Another project's admin learns nothing about that user beyond the email being taken.
    const other = await ctx.newProject();
    const stranger = await signIn(ctx, other.projectId, 'admin');
    const theirs = await add(stranger, agent.email);
    expect(theirs.statusCode).toBe(409);
    expect(theirs.json().detail).not.toContain('deactivated');
    expect(theirs.json().detail).not.toContain(agent.userId);
    const list = await admin.inject({ method: 'GET', url: '/v1/users' });
    expect(list.json().data).toHaveLength(2);
  });

  it('keeps an active owner when two owners demote or deactivate each other at once', async () => {
    for (let round = 0; round < 5; round++) {
      const project = await ctx.newProject();
      const first = await signIn(ctx, project.projectId, 'owner');
      const second = await signIn(ctx, project.projectId, 'owner');
      const replies = await Promise.all([
        first.inject({ method: 'PATCH', url: `/v1/users/${second.userId}`, payload: { role: 'admin' } }),
        round % 2 === 0
          ? second.inject({ method: 'PATCH', url: `/v1/users/${first.userId}`, payload: { role: 'agent' } })
          : second.inject({ method: 'DELETE', url: `/v1/users/${first.userId}` }),
      ]);
      const codes = replies.map((reply) => reply.statusCode);
      // The one that comes second finds no other owner (409) or is no longer an owner (403).
      expect(
        codes.filter((code) => code < 300),
        codes.join(),
      ).toHaveLength(1);
      expect(
        codes.filter((code) => code === 409 || code === 403),
        codes.join(),
      ).toHaveLength(1);
      const list = await ctx.asKey(project.secretKey, { method: 'GET', url: '/v1/users' });
      const owners = list
        .json()
        .data.filter(
          (user: { role: string; deactivatedAt: string | null }) =>
            user.role === 'owner' && !user.deactivatedAt,
        );
      expect(owners).toHaveLength(1);
    }
  });

  it('lets only admins deactivate or reactivate, only owners touch owners, never oneself or the last owner', async () => {
    const project = await ctx.newProject();
    const owner = await signIn(ctx, project.projectId, 'owner');
    const admin = await signIn(ctx, project.projectId, 'admin');
    const agent = await signIn(ctx, project.projectId, 'agent');
    const viewer = await signIn(ctx, project.projectId, 'viewer');
    const target = await signIn(ctx, project.projectId, 'agent');
    const setActive = (session: StaffSession, userId: string, active: boolean) =>
      session.inject({ method: 'PATCH', url: `/v1/users/${userId}`, payload: { active } });

    for (const session of [agent, viewer]) {
      const reply = await setActive(session, target.userId, false);
      expect(reply.statusCode).toBe(403);
      expect(reply.json().code).toBe('forbidden');
      // Not even on themselves.
      expect((await setActive(session, session.userId, true)).statusCode).toBe(403);
    }
    expect((await target.inject({ method: 'GET', url: '/v1/auth/session' })).statusCode).toBe(200);
    expect((await setActive(admin, target.userId, false)).statusCode).toBe(200);
    for (const session of [agent, viewer])
      expect((await setActive(session, target.userId, true)).statusCode).toBe(403);
    const stillOff = await owner.inject({ method: 'GET', url: '/v1/users' });
    expect(
      stillOff.json().data.find((u: { id: string }) => u.id === target.userId).deactivatedAt,
    ).not.toBeNull();

    // Nobody deactivates themselves; admins (and secret keys) never touch owners.
    expect((await setActive(admin, admin.userId, false)).statusCode).toBe(403);
    expect((await setActive(owner, owner.userId, false)).statusCode).toBe(403);
    expect((await setActive(admin, owner.userId, false)).statusCode).toBe(403);
    const byKey = await ctx.asKey(project.secretKey, {
      method: 'PATCH',
      url: `/v1/users/${owner.userId}`,
      payload: { active: false },
    });
    expect(byKey.statusCode).toBe(403);
    expect((await owner.inject({ method: 'GET', url: '/v1/auth/session' })).statusCode).toBe(200);

    // An owner deactivates and reactivates another owner; admins cannot reactivate one.
    const leaving = await signIn(ctx, project.projectId, 'owner');
    expect((await setActive(owner, leaving.userId, false)).statusCode).toBe(200);
    expect((await setActive(admin, leaving.userId, true)).statusCode).toBe(403);
    expect((await setActive(owner, leaving.userId, true)).statusCode).toBe(200);
    const second = await signInAs(ctx, { id: leaving.userId, email: leaving.email, role: 'owner' });

    // Once the other owner is gone, the last active owner can neither leave nor step down.
    expect((await setActive(second, owner.userId, false)).statusCode).toBe(200);
    expect((await owner.inject({ method: 'GET', url: '/v1/auth/session' })).statusCode).toBe(401);
    expect((await setActive(second, second.userId, false)).statusCode).toBe(403);
    const stepDown = await second.inject({
      method: 'PATCH',
      url: `/v1/users/${second.userId}`,
      payload: { role: 'admin', active: false },
    });
    expect(stepDown.statusCode).toBe(403);
    const demote = await second.inject({
      method: 'PATCH',
      url: `/v1/users/${second.userId}`,
      payload: { role: 'admin' },
    });
    expect(demote.statusCode).toBe(409);
    expect(demote.json().code).toBe('last_owner');
    const owners = await second.inject({ method: 'GET', url: '/v1/users' });
    expect(
      owners
        .json()
        .data.filter(
          (u: { role: string; deactivatedAt: string | null }) => u.role === 'owner' && !u.deactivatedAt,
        ),
    ).toHaveLength(1);
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
    const otherAdmin = await signIn(ctx, other.projectId, 'admin');
    const foreign = await otherAdmin.inject({ method: 'DELETE', url: `/v1/keys/${id}` });
    expect(foreign.statusCode).toBe(404);
  });

  it('refuses a leaked secret key minting more keys or revoking the others, and changes nothing', async () => {
    const project = await ctx.newProject();
    const admin = await signIn(ctx, project.projectId, 'admin');
    const kept = (await admin.inject({ method: 'POST', url: '/v1/keys', payload: { name: 'Kept' } })).json();
    const keys = async () =>
      (await admin.inject({ method: 'GET', url: '/v1/keys' }))
        .json()
        .data.map(({ id, revokedAt }: { id: string; revokedAt: string | null }) => ({ id, revokedAt }));
    const before = await keys();
    const minted = await ctx.asKey(project.secretKey, {
      method: 'POST',
      url: '/v1/keys',
      payload: { name: 'Mine' },
    });
    expect(minted.statusCode).toBe(403);
    expect(minted.json()).toMatchObject({
      code: 'forbidden',
      detail: expect.stringContaining('staff session'),
    });
    const revoked = await ctx.asKey(project.secretKey, { method: 'DELETE', url: `/v1/keys/${kept.id}` });
    expect(revoked.statusCode).toBe(403);
    expect(await keys()).toEqual(before);
    expect((await ctx.asKey(kept.key, { method: 'GET', url: '/v1/surveys' })).statusCode).toBe(200);
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
