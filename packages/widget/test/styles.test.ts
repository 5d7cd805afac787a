import { describe, expect, it } from 'vitest';
import { widgetCss } from '../src/ui/styles.ts';

describe('widget styles', () => {
  it('keeps the panel within the visible viewport, also under a mobile address bar', () => {
    const css = widgetCss({ brandColor: '#4f46e5', position: 'bottom-right' });
    const root = css.slice(css.indexOf('.root{'), css.indexOf('}', css.indexOf('.root{')));
    // 100dvh follows a mobile browser's collapsing bars; 100vh stays as the fallback before it.
    expect(root).toMatch(/max-height:calc\(100vh - 32px\);max-height:calc\(100dvh - 32px\);overflow:auto/);
  });
});
