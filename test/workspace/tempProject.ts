/** Builds throwaway project folders in the OS temp folder for discovery and CLI tests, and removes them afterwards. */
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const created: string[] = [];

/** Writes `files` (relative path → content) under a new temp folder and returns its real path. */
export async function tempProject(files: Record<string, string | Uint8Array>): Promise<string> {
  // realpath: on macOS the temp folder is a symlink, and discovery reports resolved paths.
  const root = await realpath(await mkdtemp(path.join(tmpdir(), 'prisma-lens-')));
  created.push(root);
  await writeFiles(root, files);
  return root;
}

export async function writeFiles(root: string, files: Record<string, string | Uint8Array>): Promise<void> {
  for (const [relative, content] of Object.entries(files)) {
    const file = path.join(root, ...relative.split('/'));
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content);
  }
}

export async function removeTempProjects(): Promise<void> {
  await Promise.all(created.splice(0).map((root) => rm(root, { recursive: true, force: true })));
}

export const POSTGRES = `datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}
`;

export const CLIENT = `generator client {
  provider = "prisma-client-js"
}
`;

/** One unindexed foreign key: `Post.authorId`, on line 6 of the models (after the two header blocks). */
export const USER_AND_POST = `model User {
  id    Int    @id @default(autoincrement())
  posts Post[]
}

model Post {
  id       Int  @id @default(autoincrement())
  authorId Int
  author   User @relation(fields: [authorId], references: [id], onDelete: Restrict)
}
`;

/** A complete single-file schema with exactly one finding. */
export const SCHEMA_WITH_ONE_FINDING = `${CLIENT}\n${POSTGRES}\n${USER_AND_POST}`;

/** A complete single-file schema with no finding. */
export const CLEAN_SCHEMA = `${POSTGRES}
model Tag {
  id   Int    @id
  name String @unique
}
`;
