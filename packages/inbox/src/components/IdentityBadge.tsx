import type { ResponseIdentity } from '@closeloop/shared';

/**
 * "unverified" beside a customer whose identity was claimed without the site's signature (anyone
 * holding the public key could have typed it); "verified" for a signed one; nothing when anonymous.
 */
export function IdentityBadge({
  identity,
  unverifiedOnly = false,
}: {
  identity: ResponseIdentity;
  /** Show the mark only when it warns (dense lists). */
  unverifiedOnly?: boolean;
}) {
  if (identity === 'anonymous' || (unverifiedOnly && identity === 'verified')) return null;
  return (
    <span
      class={`badge ${identity}`}
      title={
        identity === 'verified'
          ? 'Signed by the site: this is the customer'
          : 'Claimed without the site’s signature: anyone could have typed it'
      }
    >
      {identity}
    </span>
  );
}
