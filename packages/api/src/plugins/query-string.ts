import querystring from 'node:querystring';

/** Query strings (Fastify's `querystringParser`): an empty value (`?maxScore=`) means the parameter was not given. */
export function parseQuery(text: string): Record<string, string | string[]> {
  const query = querystring.parse(text) as Record<string, string | string[]>;
  for (const [key, value] of Object.entries(query)) {
    const kept = Array.isArray(value) ? value.filter((item) => item !== '') : value;
    if (kept === '' || (Array.isArray(kept) && kept.length === 0)) delete query[key];
    else query[key] = Array.isArray(kept) && kept.length === 1 ? kept[0]! : kept;
  }
  return query;
}
