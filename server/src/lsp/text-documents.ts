/**
 * The open documents as the editor syncs them: each incremental change is applied as
 * `vscode-languageserver-textdocument` does, and its range is remembered for the analysis
 * (`rememberTextChange`), which then need not compare the whole old and new texts to find it.
 */
import { TextDocumentContentChangeEvent, type TextDocumentsConfiguration } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { rememberTextChange } from '../analysis/text';

export const editorTextDocuments: TextDocumentsConfiguration<TextDocument> = {
  create: TextDocument.create,
  update(document: TextDocument, changes: TextDocumentContentChangeEvent[], version: number): TextDocument {
    const change = changes.length === 1 ? changes[0]! : undefined;
    const before = document.getText();
    // Offsets in the text before the change, from the document's line index.
    const ranged = change && TextDocumentContentChangeEvent.isIncremental(change) ? change : undefined;
    const start = ranged ? document.offsetAt(ranged.range.start) : 0;
    const range = ranged ? { start, oldEnd: document.offsetAt(ranged.range.end), newEnd: start + ranged.text.length } : undefined;
    const updated = TextDocument.update(document, changes, version);
    if (range) rememberTextChange(before, updated.getText(), range);
    return updated;
  },
};
