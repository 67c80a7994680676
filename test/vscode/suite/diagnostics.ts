/** Waits for a document's diagnostics to reach a state, driven by onDidChangeDiagnostics events. */
import * as vscode from 'vscode';

/** The rule id of a diagnostic, whether VS Code holds its code as a plain value or with a link. */
export function diagnosticCode(diagnostic: vscode.Diagnostic): string | number | undefined {
  const code = diagnostic.code;
  return typeof code === 'object' ? code.value : code;
}

/** Resolves with the diagnostics of `uri` as soon as `accept` returns true for them. */
export function waitForDiagnostics(
  uri: vscode.Uri,
  accept: (diagnostics: vscode.Diagnostic[]) => boolean,
  timeoutMs: number,
): Promise<vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const diagnostics = vscode.languages.getDiagnostics(uri);
      if (!accept(diagnostics)) return false;
      finish();
      resolve(diagnostics);
      return true;
    };
    const subscription = vscode.languages.onDidChangeDiagnostics((event) => {
      if (event.uris.some((changed) => changed.toString() === uri.toString())) check();
    });
    const timer = setTimeout(() => {
      finish();
      const current = vscode.languages
        .getDiagnostics(uri)
        .map((diagnostic) => `  ${diagnostic.range.start.line + 1}: ${diagnostic.message}`)
        .join('\n');
      reject(new Error(`diagnostics of ${uri.fsPath} did not reach the expected state in ${timeoutMs} ms; now:\n${current}`));
    }, timeoutMs);
    function finish() {
      clearTimeout(timer);
      subscription.dispose();
    }
    check();
  });
}
