/** Builds the EXPLAIN panel's elements; the numbers' formats are shared with the CLI (shared/plan-text.ts). */

export function el(tag: string, attributes: Record<string, string> = {}, children: (Node | string)[] = []): HTMLElement {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.append(...children);
  return element;
}
