/** Which code files are tests, seeds and one-off scripts: each convention with the near misses it must leave alone. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeRole, fileRole, type FileRole } from '../../server/src/analysis/policy/file-role';

function roleOf(path: string, text?: string): FileRole | undefined {
  return fileRole({ path, text })?.role;
}

function expectRole(role: FileRole | undefined, paths: readonly string[]): void {
  for (const path of paths) assert.equal(roleOf(path), role, `${path} should be ${role ?? 'application code'}`);
}

describe('file roles', () => {
  it('knows test files by their names', () => {
    expectRole('tests', [
      'src/orders.test.ts',
      'src/orders.spec.tsx',
      'src/orders.test-d.ts',
      'orders.e2e.ts',
      'orders.e2e-spec.ts',
      'src/checkout.cy.ts',
      'src/users.fixture.ts',
      'src/users.fixtures.ts',
      'src/prisma.mock.ts',
      'src/Button.stories.tsx',
      'src/Orders.Test.ts',
    ]);
  });

  it('knows test files by their folders, at any depth', () => {
    expectRole('tests', [
      'test/orders.ts',
      'tests/helpers/db.ts',
      'src/__tests__/orders.ts',
      'spec/orders.ts',
      'e2e/checkout.ts',
      'cypress/support/commands.ts',
      'playwright/global-setup.ts',
      'src/fixtures/users.ts',
      'src/__fixtures__/users.ts',
      'src/__mocks__/prisma.ts',
      'src/mocks/handlers.ts',
      'apps/web/Tests/x.ts',
    ]);
  });

  it('knows seeds by their names and folders, Prisma\'s prisma/seed.ts first', () => {
    expectRole('seeds', [
      'prisma/seed.ts',
      'seed.js',
      'prisma/seed-users.ts',
      'prisma/seed_data.ts',
      'src/seedUsers.ts',
      'prisma/users.seed.ts',
      'prisma/dev-seed.ts',
      'prisma/seeds/users.ts',
      'database/seeders/UserSeeder.ts',
      'src/seed/index.ts',
    ]);
  });

  it('knows one-off scripts by a scripts folder outside the application source', () => {
    expectRole('scripts', ['scripts/backfill.ts', 'prisma/scripts/fix-emails.ts', 'packages/db/scripts/reset.ts', 'tools/scripts/x.ts']);
    // Inside the application's source a scripts folder is deployed with it: cron jobs, workers.
    expectRole(undefined, ['src/scripts/sync.ts', 'app/scripts/cleanup.ts', 'lib/scripts/x.ts', 'server/scripts/x.ts', 'src/jobs/scripts/x.ts']);
  });

  it('knows data migrations, which run once when deployed, wherever they are', () => {
    expectRole('scripts', [
      'migration-scripts/install-plugin.ts',
      'src/code-migrations/3-orgs.ts',
      'src/backgroundMigrations/migrateTraces.ts',
      'src/data-migrations/2024-fix.ts',
      // A migration folder's own script, beside its migration.sql.
      'migration/20260625104904_canonicalize_language_codes/migration.ts',
      'prisma/migrations/20230101000000_init/data.ts',
      'src/migrations/1700000000000-AddUsers.ts',
      'migrations/v2_to_v3/run.ts',
    ]);
    // Backfills, and endpoints kept in a temporary folder until they have run, even in the application's source.
    expectRole('scripts', [
      'src/pages/api/admin/backfill-membership-badges.ts',
      'src/pages/api/admin/temp/fix-cross-posted-images.ts',
      'web/src/features/sync/backfillLeads.ts',
      'src/jobs/membership-buzz-backfill.ts',
      'src/backfills/2024-orders.ts',
    ]);
    expectRole(undefined, ['src/templates/welcome.ts', 'src/temperature/read.ts', 'src/refill.ts', 'src/features/backlog/fill.ts']);
    // A feature that imports from another service, and folders that only look dated.
    expectRole(undefined, ['lib/api/controllers/migration/importFromPocket.ts', 'src/migrations.ts', 'src/reports/20240101_summary/index.ts']);
  });

  it('leaves alone application code whose names only contain the words', () => {
    expectRole(undefined, [
      'src/contest/entry.ts',
      'src/testimonials.ts',
      'src/seedling.ts',
      'src/seedlings/list.ts',
      'src/latest.ts',
      'src/testing-ab/flags.ts',
      'src/attest.ts',
      'src/services/orders.ts',
      'src/specials/menu.ts',
      'src/mock-exam/results.ts',
      'src/script.ts',
      'src/scripts.ts',
      'src/fixture-list.ts',
      'src/stories/feed.ts',
      'src/protest.spec',
      'src/seedbank.tsx',
    ]);
  });

  it('decides by the name first, then the innermost folder', () => {
    assert.deepEqual(fileRole({ path: 'scripts/seed.ts' }), { role: 'seeds', reason: 'name "seed.*"' });
    assert.deepEqual(fileRole({ path: 'scripts/fixtures/users.ts' }), { role: 'tests', reason: 'folder "fixtures"' });
    assert.deepEqual(fileRole({ path: 'tests/seeds/users.ts' }), { role: 'seeds', reason: 'folder "seeds"' });
    assert.deepEqual(fileRole({ path: 'prisma/seeds/orders.test.ts' }), { role: 'tests', reason: 'name "*.test.*"' });
  });

  it('knows test files by an import of a test framework', () => {
    const cases: [string, string][] = [
      ["import { describe, it } from 'vitest';", 'vitest'],
      ['import { expect } from "@jest/globals";', '@jest/globals'],
      ["import { test } from '@playwright/test';", '@playwright/test'],
      ["import test from 'node:test';", 'node:test'],
      ["import { render } from '@testing-library/react';", '@testing-library/react'],
      ["const request = require('supertest');", 'supertest'],
      ["const { expect } = require ( 'chai' );", 'chai'],
      ["import 'vitest/globals';", 'vitest/globals'],
      ["import type { Mock } from 'vitest';", 'vitest'],
      ["import { mockDeep } from 'jest-mock-extended';", 'jest-mock-extended'],
      ["import { Test } from '@nestjs/testing';", '@nestjs/testing'],
      ["const sinon = await import('sinon');", 'sinon'],
      ["export * from 'mocha';", 'mocha'],
    ];
    for (const [line, module] of cases) {
      assert.deepEqual(fileRole({ path: 'src/helpers/db.ts', text: `import { prisma } from './prisma';\n${line}\n` }), { role: 'tests', reason: `import "${module}"` }, line);
    }
  });

  it('leaves alone files whose imports only look like test frameworks', () => {
    const texts = [
      "import { chain } from 'chainable';",
      "import { vitest } from './vitest';",
      "import { tapHandler } from 'tap-events';",
      "import playwright from 'playwright';",
      "import { jester } from 'jester';",
      "import x from '@testing-library-fake/react';",
      "const label = 'vitest';",
      '// uses jest in tests only',
      "Array.from('vitest');",
    ];
    for (const text of texts) assert.equal(roleOf('src/helpers/db.ts', text), undefined, text);
    // Without its text only the path decides.
    assert.equal(roleOf('src/helpers/db.ts'), undefined);
  });

  it('documents every convention it applies', () => {
    const tests = describeRole('tests');
    for (const shown of ['*.test.*', '*.spec.*', '__tests__', 'fixtures', 'vitest', '@testing-library/*']) assert.ok(tests.includes(shown), shown);
    assert.match(describeRole('seeds'), /seed\.\*/);
    assert.match(describeRole('scripts'), /not inside src, app/);
  });
});
