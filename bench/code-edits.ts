/**
 * Plans keystroke-like edits of one generated TypeScript file: a character typed into a doc
 * comment and removed again, and a whole N+1 loop pasted at the end of the file and deleted
 * again, so that the findings change as well as the text. Edits accumulate, as in an editor.
 */

export interface CodeEdit {
  description: string;
  /** The whole text after the edit (what a full-text didChange sends). */
  text: string;
}

const PASTED = [
  '',
  'export async function pastedOwners(orderIds: number[]): Promise<unknown[]> {',
  '  const owners: unknown[] = [];',
  '  for (const orderId of orderIds) {',
  '    owners.push(await prisma.order.findFirst({ where: { id: orderId }, include: { customer: true } }));',
  '  }',
  '  return owners;',
  '}',
  '',
].join('\n');

export function planCodeEdits(initial: string, count: number): CodeEdit[] {
  const commentEnds = [...initial.matchAll(/\/\*\*[^\n]*?(?= \*\/)/g)].map((match) => match.index + match[0].length);
  if (commentEnds.length === 0) throw new Error('the edited file has no doc comment to type into');
  const edits: CodeEdit[] = [];
  let text = initial;
  // At most one typed character is in the text at a time, and pasted code goes after every comment,
  // so the comment offsets of the initial text stay valid throughout.
  let typedAt = 0;
  for (let index = 0; edits.length < count; index++) {
    switch (index % 4) {
      case 0:
        typedAt = commentEnds[(index / 4) % commentEnds.length]!;
        text = `${text.slice(0, typedAt)}x${text.slice(typedAt)}`;
        edits.push({ description: 'type one character into a doc comment', text });
        break;
      case 1:
        text = `${text}${PASTED}`;
        edits.push({ description: 'paste a function with an N+1 loop at the end', text });
        break;
      case 2:
        text = `${text.slice(0, typedAt)}${text.slice(typedAt + 1)}`;
        edits.push({ description: 'delete the character typed before', text });
        break;
      default:
        text = text.slice(0, text.length - PASTED.length);
        edits.push({ description: 'delete the pasted function', text });
    }
  }
  return edits;
}
