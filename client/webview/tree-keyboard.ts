/**
 * Keyboard navigation of a plan tree, as the WAI-ARIA tree pattern describes it: one tab stop,
 * Up/Down between visible nodes, Right opens or enters, Left closes or goes to the parent,
 * Home/End, Enter or Space toggles.
 */

export function attachTreeKeyboard(tree: HTMLElement, toggle: (key: string) => void): void {
  tree.addEventListener('keydown', (event) => {
    const current = (event.target as HTMLElement).closest<HTMLElement>('[role="treeitem"]');
    if (!current) return;
    const items = visibleItems(tree);
    const index = items.indexOf(current);
    const key = current.dataset.key!;
    const expanded = current.getAttribute('aria-expanded');
    let next: HTMLElement | undefined;
    switch (event.key) {
      case 'ArrowDown':
        next = items[index + 1];
        break;
      case 'ArrowUp':
        next = items[index - 1];
        break;
      case 'Home':
        next = items[0];
        break;
      case 'End':
        next = items[items.length - 1];
        break;
      case 'ArrowRight':
        if (expanded === 'false') toggle(key);
        else if (expanded === 'true') next = items[index + 1];
        break;
      case 'ArrowLeft':
        if (expanded === 'true') toggle(key);
        else next = current.parentElement?.closest<HTMLElement>('[role="treeitem"]') ?? undefined;
        break;
      case 'Enter':
      case ' ':
        if (expanded !== null) toggle(key);
        break;
      default:
        return;
    }
    event.preventDefault();
    if (next) focusItem(tree, next);
  });
  tree.addEventListener('focusin', (event) => {
    const item = (event.target as HTMLElement).closest<HTMLElement>('[role="treeitem"]');
    if (item) focusItem(tree, item, false);
  });
}

function visibleItems(tree: HTMLElement): HTMLElement[] {
  return [...tree.querySelectorAll<HTMLElement>('[role="treeitem"]')].filter((item) => {
    for (let parent = item.parentElement?.closest<HTMLElement>('[role="treeitem"]'); parent; parent = parent.parentElement?.closest<HTMLElement>('[role="treeitem"]')) {
      if (parent.getAttribute('aria-expanded') === 'false') return false;
    }
    return true;
  });
}

/** Roving tab index: only the focused node is in the tab order. */
function focusItem(tree: HTMLElement, item: HTMLElement, moveFocus = true): void {
  for (const other of tree.querySelectorAll<HTMLElement>('[role="treeitem"][tabindex="0"]')) if (other !== item) other.setAttribute('tabindex', '-1');
  item.setAttribute('tabindex', '0');
  if (moveFocus) item.focus();
}
