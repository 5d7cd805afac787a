import type { ResponseContext } from '@closeloop/shared';

/**
 * User agents are kept only as a browser family and a device class: enough for segments and
 * support ("Safari on a phone"), too coarse to single a person out.
 */

export const deviceClasses = ['desktop', 'mobile', 'tablet', 'bot', 'other'] as const;
export type DeviceClass = (typeof deviceClasses)[number];

export interface UserAgentSummary {
  browser: string;
  device: DeviceClass;
}

// Order matters: Edge, Opera and Samsung Internet also say "Chrome"; Chrome also says "Safari".
const browsers: [RegExp, string][] = [
  [/\bEdg(e|A|iOS)?\//, 'Edge'],
  [/\b(OPR|Opera)\//, 'Opera'],
  [/\bSamsungBrowser\//, 'Samsung Internet'],
  [/\bFirefox\/|\bFxiOS\//, 'Firefox'],
  [/\bChrom(e|ium)\/|\bCriOS\//, 'Chrome'],
  [/\bVersion\/[\d.]+.*\bSafari\/|\bAppleWebKit\/.*\b(iPhone|iPad)\b/, 'Safari'],
];

/** The browser family and device class of a User-Agent string (`Other` / `other` when unknown). */
export function summarizeUserAgent(userAgent: string | undefined | null): UserAgentSummary {
  const ua = userAgent ?? '';
  const device: DeviceClass = /bot|crawler|spider|headless|curl|wget|python-requests/i.test(ua)
    ? 'bot'
    : /iPad|Tablet|Android(?!.*Mobile)/i.test(ua)
      ? 'tablet'
      : /Mobi|iPhone|iPod|Android/i.test(ua)
        ? 'mobile'
        : /Windows|Macintosh|X11|Linux|CrOS/i.test(ua)
          ? 'desktop'
          : 'other';
  const browser = browsers.find(([pattern]) => pattern.test(ua))?.[1] ?? 'Other';
  return { browser, device };
}

/** The summary as one line, e.g. `Firefox, desktop`, for staff sessions. */
export function describeUserAgent(userAgent: string | undefined | null): string | null {
  if (!userAgent) return null;
  const { browser, device } = summarizeUserAgent(userAgent);
  return `${browser}, ${device}`;
}

/** A response context as stored: the user agent replaced by its browser family and device class. */
export function storedContext(context: ResponseContext): ResponseContext {
  const { userAgent, ...rest } = context;
  if (userAgent === undefined) return rest;
  return { ...rest, ...summarizeUserAgent(userAgent) };
}
