import { describe, expect, it } from 'vitest';
import { databaseTargets, useTestApp } from './helpers/app.ts';

const newSurvey = {
  name: 'Checkout NPS',
  kind: 'nps',
  texts: {
    en: { question: 'How likely are you to recommend us?', followUp: { negative: 'What went wrong?' } },
    'pt-BR': { question: 'Qual a probabilidade de nos recomendar?' },
  },
  targeting: { urlInclude: ['https://shop.example/checkout/*'], delaySeconds: 10, samplePercent: 25 },
  recontact: { showOnce: true },
};

describe.each(databaseTargets())('surveys on $name', (target) => {
  const ctx = useTestApp(target);

  it('creates, reads, lists, changes and deletes a survey', async () => {
    const project = await ctx.newProject();
    const created = await ctx.asKey(project.secretKey, {
      method: 'POST',
      url: '/v1/surveys',
      payload: newSurvey,
    });
    expect(created.statusCode).toBe(201);
    const survey = created.json();
    expect(created.headers.location).toBe(`/v1/surveys/${survey.id}`);
    expect(survey).toMatchObject({
      name: 'Checkout NPS',
      kind: 'nps',
      status: 'active',
      defaultLocale: 'en',
      targeting: {
        urlInclude: ['https://shop.example/checkout/*'],
        urlExclude: [],
        delaySeconds: 10,
        samplePercent: 25,
        onEvent: null,
      },
      recontact: { showOnce: true, afterDays: 90 },
    });

    const read = await ctx.asKey(project.secretKey, { method: 'GET', url: `/v1/surveys/${survey.id}` });
    expect(read.json()).toEqual(survey);

    const list = await ctx.asKey(project.secretKey, { method: 'GET', url: '/v1/surveys' });
    expect(list.json().data.map((s: { id: string }) => s.id)).toContain(survey.id);
    expect(list.json().data).toHaveLength(4);

    const paused = await ctx.asKey(project.secretKey, {
      method: 'PATCH',
      url: `/v1/surveys/${survey.id}`,
      payload: { status: 'paused', name: 'Renamed' },
    });
    expect(paused.statusCode).toBe(200);
    expect(paused.json()).toMatchObject({ status: 'paused', name: 'Renamed', kind: 'nps' });
    expect(Date.parse(paused.json().updatedAt)).toBeGreaterThanOrEqual(Date.parse(survey.updatedAt));

    const config = await ctx.app.inject({ method: 'GET', url: `/v1/widget/config?key=${project.publicKey}` });
    expect(config.json().surveys.map((s: { id: string }) => s.id)).not.toContain(survey.id);

    const deleted = await ctx.asKey(project.secretKey, { method: 'DELETE', url: `/v1/surveys/${survey.id}` });
    expect(deleted.statusCode).toBe(204);
    const gone = await ctx.asKey(project.secretKey, { method: 'GET', url: `/v1/surveys/${survey.id}` });
    expect(gone.statusCode).toBe(404);
    expect(gone.json().code).toBe('not_found');
    const again = await ctx.asKey(project.secretKey, { method: 'DELETE', url: `/v1/surveys/${survey.id}` });
    expect(again.statusCode).toBe(404);
  });

  it.each([
    ['an unknown kind', { ...newSurvey, kind: 'ces2' }, 'kind'],
    ['no texts', { ...newSurvey, texts: {} }, 'texts'],
    ['a bad locale', { ...newSurvey, texts: { english: { question: 'Q' } } }, 'texts.english'],
    ['an empty question', { ...newSurvey, texts: { en: { question: '   ' } } }, 'texts.en.question'],
    ['a sample over 100 %', { ...newSurvey, targeting: { samplePercent: 150 } }, 'targeting.samplePercent'],
    ['a negative delay', { ...newSurvey, targeting: { delaySeconds: -1 } }, 'targeting.delaySeconds'],
    ['no name', { ...newSurvey, name: undefined }, 'name'],
  ])('refuses %s on create', async (_name, body, path) => {
    const project = await ctx.newProject();
    const reply = await ctx.asKey(project.secretKey, { method: 'POST', url: '/v1/surveys', payload: body });
    expect(reply.statusCode).toBe(400);
    expect(reply.json().errors.map((e: { path: string }) => e.path)).toContain(path);
    const list = await ctx.asKey(project.secretKey, { method: 'GET', url: '/v1/surveys' });
    expect(list.json().data).toHaveLength(3);
  });

  it('refuses to change the kind of a survey and unknown fields', async () => {
    const project = await ctx.newProject();
    const reply = await ctx.asKey(project.secretKey, {
      method: 'PATCH',
      url: `/v1/surveys/${project.surveyIds.nps}`,
      payload: { kind: 'csat' },
    });
    expect(reply.statusCode).toBe(400);
    const read = await ctx.asKey(project.secretKey, {
      method: 'GET',
      url: `/v1/surveys/${project.surveyIds.nps}`,
    });
    expect(read.json().kind).toBe('nps');
  });

  it('keeps texts for the default locale, on create and on change', async () => {
    const project = await ctx.newProject();
    const create = (payload: object) =>
      ctx.asKey(project.secretKey, { method: 'POST', url: '/v1/surveys', payload });
    const list = async () =>
      (await ctx.asKey(project.secretKey, { method: 'GET', url: '/v1/surveys' })).json().data.length;
    const before = await list();

    const refused = await create({
      name: 'x',
      kind: 'nps',
      defaultLocale: 'de',
      texts: { en: { question: 'Q?' } },
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().errors).toEqual([
      { path: 'defaultLocale', message: 'has no texts; add texts for "de" or choose one of: en' },
    ]);
    expect(await list()).toBe(before);

    // Without a default locale: en when there are English texts, else the first locale given.
    const german = await create({ name: 'x', kind: 'ces', texts: { de: { question: 'Einfach?' } } });
    expect(german.statusCode).toBe(201);
    expect(german.json().defaultLocale).toBe('de');
    const both = await create({
      name: 'x',
      kind: 'csat',
      texts: { fr: { question: 'Q?' }, en: { question: 'Q?' } },
    });
    expect(both.json().defaultLocale).toBe('en');

    const url = `/v1/surveys/${german.json().id}`;
    const patch = (payload: object) => ctx.asKey(project.secretKey, { method: 'PATCH', url, payload });
    const toFrench = await patch({ defaultLocale: 'fr' });
    expect(toFrench.statusCode).toBe(400);
    expect(toFrench.json().errors[0].path).toBe('defaultLocale');
    const dropGerman = await patch({ texts: { fr: { question: 'Facile ?' } } });
    expect(dropGerman.statusCode).toBe(400);
    expect(dropGerman.json().errors[0]).toEqual({
      path: 'texts',
      message: 'must keep texts for the default locale "de"',
    });
    const unchanged = await ctx.asKey(project.secretKey, { method: 'GET', url });
    expect(unchanged.json()).toMatchObject({ defaultLocale: 'de', texts: { de: { question: 'Einfach?' } } });

    const both2 = await patch({ defaultLocale: 'fr', texts: { fr: { question: 'Facile ?' } } });
    expect(both2.statusCode).toBe(200);
    expect(both2.json()).toMatchObject({ defaultLocale: 'fr', texts: { fr: { question: 'Facile ?' } } });
    expect(Object.keys(both2.json().texts)).toEqual(['fr']);

    const missing = await ctx.asKey(project.secretKey, {
      method: 'PATCH',
      url: '/v1/surveys/00000000-0000-4000-8000-000000000000',
      payload: { defaultLocale: 'fr' },
    });
    expect(missing.statusCode).toBe(404);
  });

  it('answers 400 for an id that is not a UUID', async () => {
    const project = await ctx.newProject();
    const reply = await ctx.asKey(project.secretKey, { method: 'GET', url: '/v1/surveys/not-a-uuid' });
    expect(reply.statusCode).toBe(400);
    expect(reply.json().errors[0].path).toBe('id');
  });
});
