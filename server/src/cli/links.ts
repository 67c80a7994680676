/** Where Prisma Lens and its rule documentation live, for reports read outside the editor (SARIF, JSON). */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import packageJson from '../../../package.json';

export const VERSION: string = packageJson.version;

/**
 * The published repository, when package.json names one and the package is published (not
 * `private`); reports then link to its pages. Until then the repository named for the Marketplace
 * listing may be a placeholder, and a report never links to a made-up address.
 */
export const PROJECT_URL: string | undefined = (packageJson as { private?: boolean }).private ? undefined : projectUrl((packageJson as { repository?: unknown }).repository);

/** The rule's page in the published repository, when there is one. */
export function publishedRuleDocsUrl(ruleId: string): string | undefined {
  return PROJECT_URL ? `${PROJECT_URL}/blob/main/docs/rules/${ruleId}.md` : undefined;
}

/** The rule's page: published, or else the copy shipped next to `dist/` (`docs/rules/<id>.md`). Worked out once per rule. */
export function ruleDocsUrl(ruleId: string): string {
  let url = docsUrls.get(ruleId);
  if (url === undefined) {
    url = publishedRuleDocsUrl(ruleId) ?? pathToFileURL(path.join(__dirname, '..', 'docs', 'rules', `${ruleId}.md`)).toString();
    docsUrls.set(ruleId, url);
  }
  return url;
}

const docsUrls = new Map<string, string>();

/** `repository` as npm accepts it (`"https://…"`, `"git+https://….git"` or `{ url }`), as a browsable https address. */
function projectUrl(repository: unknown): string | undefined {
  const url = typeof repository === 'string' ? repository : isUrlObject(repository) ? repository.url : undefined;
  const https = url?.replace(/^git\+/, '').replace(/\.git$/, '').replace(/\/$/, '');
  return https?.startsWith('https://') ? https : undefined;
}

function isUrlObject(value: unknown): value is { url: string } {
  return typeof value === 'object' && value !== null && typeof (value as { url?: unknown }).url === 'string';
}
