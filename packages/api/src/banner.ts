import { randomUUID } from 'node:crypto';
import type { StartOverview } from './services/start-overview.ts';

export interface BannerFacts extends StartOverview {
  /** Where the server is reached. */
  url: string;
  /** How the database is described: `embedded (<data dir>)` or `PostgreSQL`. */
  database: string;
  /** Where the read replica is (host and database, never credentials), when DATABASE_READ_URL is set. */
  readReplica?: string | undefined;
  /** The demo project's secret key, on the start that created it (it is shown once). */
  createdSecretKey: string | undefined;
}

/** The lines `closeloop start` prints: where everything is, and how to try it. */
export function startBanner(facts: BannerFacts): string[] {
  const { url, demo } = facts;
  const lines: string[] = [];
  lines.push('');
  lines.push(`  Closeloop is running at ${url}`);
  lines.push(`  Database: ${facts.database}`);
  if (facts.readReplica) {
    lines.push(`  Read replica: ${facts.readReplica} (metrics, segments, response lists and exports)`);
  }
  if (demo) {
    lines.push(`  Demo page:     ${url}/demo`);
    lines.push(`  Public key:    ${demo.publicKey}`);
  }
  if (facts.createdSecretKey) {
    lines.push(`  Secret key:    ${facts.createdSecretKey}   (shown once — keep it; it is stored hashed)`);
  } else if (demo) {
    lines.push('  Secret key:    printed on the first start; make another with `pnpm closeloop create-key`');
  }
  lines.push(`  API reference: ${url}/docs`);
  lines.push(`  Inbox:         ${url}/inbox/`);
  lines.push(...inboxAccessLines(facts.setupTokens, url));
  if (demo) {
    for (const survey of demo.surveys) lines.push(`  Survey (${survey.kind}):`.padEnd(17) + survey.id);
    const nps = demo.surveys.find((survey) => survey.kind === 'nps');
    if (nps) {
      const body = JSON.stringify({
        key: demo.publicKey,
        responses: [
          {
            id: randomUUID(),
            surveyId: nps.id,
            score: 9,
            comment: 'Sent with curl',
            context: { url: 'https://example.com/' },
            submittedAt: new Date().toISOString(),
          },
        ],
      });
      lines.push('');
      lines.push('  Try it — store a response, then list it:');
      lines.push(`    curl -i ${url}/v1/responses -H 'content-type: text/plain' -d '${body}'`);
      lines.push(
        `    curl ${url}/v1/responses -H 'authorization: Bearer ${facts.createdSecretKey ?? 'sk_…'}'`,
      );
    }
  }
  lines.push('');
  return lines;
}

/** How to reach the inbox: a one-time setup link for each project that has no staff yet. */
function inboxAccessLines(setupTokens: StartOverview['setupTokens'], url: string): string[] {
  if (setupTokens.length === 0) {
    return ['  Sign in to the inbox with your staff account (add one: pnpm closeloop create-user)'];
  }
  return [
    '  Create the first inbox owner (one-time link, valid 24 hours):',
    ...setupTokens.map(({ projectName, token }) => `    ${projectName}: ${url}/inbox/setup?token=${token}`),
    '  …or: pnpm closeloop create-user --email you@example.com --password … --role owner',
  ];
}
