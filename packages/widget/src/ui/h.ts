import type { ComponentChildren, ComponentType, VNode } from 'preact';
import { jsx } from 'preact/jsx-runtime';

/**
 * Builds a Preact element from the props' own keys only. Preact walks props with `for…in`, which
 * also sees what a page added to `Object.prototype` (`Object.prototype.onclick = 'x'` would replace
 * every click handler; a key that is no attribute name would throw). `createElement` copies props
 * into a plain object, so this goes through the JSX runtime's factory, which keeps the props object
 * it is given: here one without a prototype, with nothing to inherit (a `ref` is set on the element
 * made, since among the props it would make the factory copy them).
 */
export function h<P extends object>(type: ComponentType<P>, props: P): VNode;
export function h(
  type: string,
  props: Record<string, unknown> | null,
  ...children: ComponentChildren[]
): VNode;
export function h(
  type: string | ComponentType<any>,
  props: object | null,
  ...children: ComponentChildren[]
): VNode {
  const own = Object.create(null);
  let ref: unknown;
  for (const key of Object.keys(props ?? {})) {
    const value = (props as Record<string, unknown>)[key];
    // a `ref` among the props would make the factory copy them into a plain object again
    if (key === 'ref') ref = value;
    else own[key] = value;
  }
  if (children.length) own.children = children.length > 1 ? children : children[0];
  const vnode = jsx(type as string, own);
  if (ref) vnode.ref = ref as VNode['ref'];
  return vnode;
}
