/// <reference lib="dom" />
/**
 * Building the page's elements. Every piece of text from the data goes in as a text node
 * or an attribute value set through the DOM, never as markup: a hostile SNI or path in a
 * capture stays text.
 */

type Attrs = Record<string, string | number | boolean | null | undefined>;
export type Child = Node | string | number | null | undefined | false;

const SVG_NS = 'http://www.w3.org/2000/svg';

function fill<E extends Element>(e: E, attrs: Attrs | undefined, children: Child[]): E {
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    e.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c)));
  }
  return e;
}

/** an HTML element */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs, ...children: Child[]): HTMLElementTagNameMap[K] {
  return fill(document.createElement(tag), attrs, children);
}

/** an SVG element */
export function s(tag: string, attrs?: Attrs, ...children: Child[]): SVGElement {
  return fill(document.createElementNS(SVG_NS, tag) as SVGElement, attrs, children);
}

/** Enter and Space act as a click, as on a button (for the SVG steps and the rows) */
export function onActivate(e: Element, act: (ev: Event) => void): void {
  e.addEventListener('click', act);
  e.addEventListener('keydown', (ev) => {
    const k = (ev as KeyboardEvent).key;
    if (k === 'Enter' || k === ' ') {
      ev.preventDefault();
      act(ev);
    }
  });
}

/** `unknown` with the reason beside it, as the CLI says it */
export function unknown(reason: string | undefined): HTMLElement {
  return h('span', { class: 'unknown', title: reason ?? '' }, 'unknown', reason ? h('span', { class: 'why' }, ` (${reason})`) : null);
}

export function ms(seconds: number): string {
  return `${(seconds * 1000).toFixed(3)} ms`;
}
