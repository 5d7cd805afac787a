/**
 * The widget's view layer: `h(tag, attributes, ...children)` builds real DOM elements. The panel
 * has three small steps: it is built once and only the step content is swapped (see survey.ts), with
 * no virtual DOM; this keeps the whole script under 10 KB gzip (Preact alone is ~4.5 KB).
 *
 * Attributes are set with setAttribute (never `style`, which a strict CSP would refuse), `on…`
 * keys add listeners, and `null`/`undefined` attributes and `false`/`null` children are skipped.
 */

export type Child = Node | string | number | false | null | undefined | Child[];

export function h(
  tag: string,
  attributes: Record<string, unknown> | null,
  ...children: Child[]
): HTMLElement {
  const element = document.createElement(tag);
  // own keys only: a page may have added enumerable properties to Object.prototype
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value == null) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value as EventListener);
    else element.setAttribute(name, String(value));
  }
  const add = (child: Child): void => {
    if (Array.isArray(child)) child.forEach(add);
    else if (child != null && child !== false)
      element.append(typeof child === 'object' ? child : String(child));
  };
  children.forEach(add);
  return element;
}
