import type { ResponseRecord } from '@closeloop/shared';
import { customerName } from '../../lib/format.ts';

/** Traits that name the customer (shown as the heading, not again among the traits). */
const nameTraits = new Set(['name', 'firstName', 'first_name', 'lastName', 'last_name', 'email']);
/** Traits a support person looks for first, in this order; the rest follow alphabetically. */
const keyTraits = ['plan', 'company', 'role', 'country', 'seats', 'mrr'];
/** How many traits show before "All traits". */
const shownTraits = 6;

const identityText = {
  verified: 'verified',
  unverified: 'unverified',
  anonymous: 'anonymous',
} as const;

/** Who answered: name, email, whether the site vouched for them, plan and key traits. */
export function CustomerCard({ record }: { record: ResponseRecord }) {
  const who = record.respondent ?? record.claimedRespondent;
  const name = customerName(record);
  const traits = Object.entries(who?.traits ?? {})
    .filter(([key, value]) => !nameTraits.has(key) && value !== null && value !== '')
    .sort(([a], [b]) => {
      const rank = (key: string) => (keyTraits.includes(key) ? keyTraits.indexOf(key) : keyTraits.length);
      return rank(a) - rank(b) || a.localeCompare(b);
    });
  const first = traits.slice(0, shownTraits);
  const rest = traits.slice(shownTraits);
  // A stored respondent the site signed is verified; any other identity is only claimed.
  const identity = record.respondent?.verified ? 'verified' : who ? 'unverified' : 'anonymous';
  const heading = name ?? who?.email ?? who?.externalId ?? 'Anonymous visitor';
  return (
    <section class="card customer" aria-label="Customer">
      <div class="customer-head">
        <span class="avatar" aria-hidden="true">
          {initials(heading)}
        </span>
        <div class="customer-name">
          <h2 class="break-anywhere">{heading}</h2>
          <span class={`badge ${identity}`} title={identityTitle[identity]}>
            {identityText[identity]}
          </span>
        </div>
      </div>
      <dl class="facts">
        {who?.email && (
          <>
            <dt>Email</dt>
            <dd>{who.email}</dd>
          </>
        )}
        {who?.externalId && (
          <>
            <dt>Customer id</dt>
            <dd>{who.externalId}</dd>
          </>
        )}
        {first.map(([key, value]) => (
          <Trait key={key} name={key} value={value} />
        ))}
      </dl>
      {rest.length > 0 && (
        <details class="more-traits">
          <summary>All traits ({traits.length})</summary>
          <dl class="facts">
            {rest.map(([key, value]) => (
              <Trait key={key} name={key} value={value} />
            ))}
          </dl>
        </details>
      )}
      {!who && <p class="muted">The site did not say who this was.</p>}
    </section>
  );
}

const identityTitle = {
  verified: 'The site signed this identity: it is the customer',
  unverified: 'Claimed without the site’s signature: anyone could have typed it',
  anonymous: 'No identity was given',
} as const;

function Trait({ name, value }: { name: string; value: unknown }) {
  return (
    <>
      <dt>{name}</dt>
      <dd>{String(value)}</dd>
    </>
  );
}

/** Up to two initials for the avatar: "Rita Customer" → "RC", "rita@x.example" → "R". */
function initials(text: string): string {
  const words = text.split(/[\s@._-]+/).filter(Boolean);
  const letters = (words.length > 1 && !text.includes('@') ? [words[0]!, words.at(-1)!] : [words[0] ?? '?'])
    .map((word) => [...word][0]!.toUpperCase())
    .join('');
  return letters || '?';
}
