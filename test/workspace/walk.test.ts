/** Path containment, asked for every import of every code file: the fast comparison agrees with `path.relative`. */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { isInside } from '../../server/src/workspace/walk';

/** The definition the fast comparison must agree with. */
function byRelative(child: string, parent: string): boolean {
  const relative = path.relative(parent, child);
  return relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
}

describe('isInside', () => {
  it('answers as path.relative does, for normal paths and for every shape the text comparison must not take', () => {
    const paths = ['/', '/a', '/a/b', '/a/bc', '/a/b/c', '/a/b/', '/a/./b', '/a/../a/b', '/a//b', '/ab', '/a/b/..', 'a/b', 'a', '.', '', '/a/b/c/d.ts', '/x/a/b'];
    let compared = 0;
    for (const child of paths) {
      for (const parent of paths) {
        assert.equal(isInside(child, parent), byRelative(child, parent), `${JSON.stringify(child)} in ${JSON.stringify(parent)}`);
        compared++;
      }
    }
    assert.equal(compared, paths.length ** 2);
  });

  it('tells a folder from a sibling that starts with its name', () => {
    assert.equal(isInside('/repo/apps/web/src/a.ts', '/repo/apps/web'), true);
    assert.equal(isInside('/repo/apps/webapp/src/a.ts', '/repo/apps/web'), false);
    assert.equal(isInside('/repo/apps/web', '/repo/apps/web'), true);
    assert.equal(isInside('/repo', '/repo/apps'), false);
    assert.equal(isInside('/repo/apps', '/'), true);
  });
});
