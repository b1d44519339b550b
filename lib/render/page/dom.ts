// Element building for the page script: text only ever goes in as text nodes (never innerHTML).
export type Kid = Node | string | number | null | undefined | false | Kid[];

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string | null, kids?: Kid): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (cls) el.className = cls;
  add(el, kids);
  return el;
}

export function add<E extends Node>(el: E, kids: Kid): E {
  if (kids === undefined || kids === null || kids === false) return el;
  if (Array.isArray(kids)) { for (const k of kids) add(el, k); return el; }
  if (typeof kids === 'object') el.appendChild(kids);
  else el.appendChild(document.createTextNode(String(kids)));
  return el;
}
