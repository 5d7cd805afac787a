import type { Appearance } from '@closeloop/shared';

/**
 * The widget's whole stylesheet, applied to the shadow root as a constructable stylesheet (so the
 * page needs no `style-src 'unsafe-inline'`). The `:host` rule is `!important`: between a shadow
 * tree and its page, important rules of the inner context win, so even
 * `* { all: unset !important }` on the page cannot move, restyle or hide the widget.
 */

const dark = '--bg:#1c2128;--fg:#e6edf3;--mu:#a2acb7;--ln:#545d68;--op:#2d333b;color-scheme:dark';

/** Black or white, whichever reads better on the colour (WCAG relative luminance). */
export function textOn(hex: string): string {
  const channel = (i: number) => {
    const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5) > 0.179 ? '#000' : '#fff';
}

/**
 * The stylesheet for an appearance. `contained`: the panel is placed in its positioned ancestor
 * rather than in the viewport (the inbox's previews).
 */
export function widgetCss(
  { brandColor, position }: Pick<Appearance, 'brandColor' | 'position'>,
  contained?: boolean,
): string {
  const brand = /^#[0-9a-f]{6}$/i.test(brandColor) ? brandColor : '#4f46e5';
  const bar = position === 'bottom-bar';
  const [vertical, horizontal] = position.split('-');
  const inset = bar
    ? 'left:0;right:0;bottom:0'
    : `${vertical}:16px;${horizontal}:16px;width:min(360px,${contained ? '100%' : '100vw'} - 32px)`;
  return `:host{all:initial!important;display:block!important;position:${contained ? 'absolute' : 'fixed'}!important;z-index:2147483647!important;${inset.replace(/;|$/g, '!important;')}}
*{box-sizing:border-box;margin:0;font:inherit;color:inherit}
.root{--bg:#fff;--fg:#1f2328;--mu:#57606a;--ln:#d0d7de;--op:#f6f8fa;--br:${brand};--on:${textOn(brand)};max-height:calc(100vh - 32px);max-height:calc(100dvh - 32px);overflow:auto;font:14px/1.4 system-ui,sans-serif;color:var(--fg);background:var(--bg);border:1px solid var(--ln);border-radius:${bar ? 0 : 12}px;box-shadow:0 8px 30px #0003;padding:16px;animation:in .2s}
.dark{${dark}}
@media (prefers-color-scheme:dark){.auto{${dark}}}
@keyframes in{from{opacity:0;transform:translateY(8px)}}
@media (prefers-reduced-motion:reduce){.root{animation:none}}
.in{position:relative;max-width:640px;margin:auto}
.q{display:block;margin-bottom:12px;padding-inline-end:32px;font-size:15px;font-weight:600}
button{border:1px solid var(--ln);border-radius:6px;background:var(--op);font-weight:600;cursor:pointer}
.close{position:absolute;top:-8px;inset-inline-end:-8px;width:32px;height:32px;border:0;background:0;color:var(--mu);font-size:20px}
.scale{display:grid;grid-auto-flow:column;grid-auto-columns:1fr;gap:4px}
.opt{min-width:0;min-height:36px;padding:0}
.csat{grid-auto-flow:row}
.csat .opt{padding:0 12px;text-align:start;font-weight:500}
.opt:hover{border-color:var(--br)}
[aria-checked=true],.send{background:var(--br);border-color:var(--br);color:var(--on)}
.ends{display:flex;justify-content:space-between;margin-top:6px;color:var(--mu);font-size:12px}
textarea{display:block;width:100%;min-height:80px;padding:8px;border:1px solid var(--ln);border-radius:6px;background:var(--bg)}
.send{margin-top:8px;padding:8px 16px}
.thanks{font-weight:600;padding-inline-end:32px}
:focus-visible{outline:2px solid var(--fg);outline-offset:2px}
@media (max-width:400px){${bar ? '' : ':host{left:8px!important;right:8px!important;width:auto!important}'}.root{padding:12px 8px}.scale{gap:2px}}
@media (max-width:319px){.nps{grid-auto-flow:row;grid-template-columns:repeat(6,1fr)}}
@media (pointer:coarse){.opt{min-height:44px}.nps{grid-auto-flow:row;grid-template-columns:repeat(6,1fr)}.close{top:-10px;width:40px;height:40px}}`;
}
