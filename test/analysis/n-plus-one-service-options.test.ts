/** Marker tests for n-plus-one through a service handed to a function as a parameter or as a destructured option, typed with a class of another file. */
import { describe, it } from 'node:test';
import rule from '../../server/src/analysis/rules/n-plus-one';
import { check } from '../support/fixture';
import { corpusWorkspace as workspace } from '../support/corpus-fixture';

const SERVICE = `//- src/posts.service.ts
import { prisma } from './db';
export class PostService {
  async archive(id: number) {
    await prisma.post.update({ where: { id }, data: { title: 'archived' } });
  }
  label(id: number) {
    return \`post \${id}\`;
  }
}
`;

describe('n-plus-one: a service passed in as a parameter or an option', () => {
  it('reports a loop calling a method that queries, through a typed parameter and a destructured typed option', () => {
    check(rule, workspace(`${SERVICE}//- src/archive.ts
import type { PostService } from './posts.service';

type ArchiveOptions = { postService: PostService; ids: number[] };

export async function archiveAll({ postService, ids }: ArchiveOptions) {
  for (const id of ids) {
    await postService.archive(id);
        //^^^^^^^^^^^^^^^^^^^ warning: (for…of)
    console.log(postService.label(id));
               //~~~~~~~~~~~~~~~~~ ok: the method runs no query
  }
}

export async function archiveEach(service: PostService, ids: number[]) {
  for (const id of ids) await service.archive(id);
                            //^^^^^^^^^^^^^^^ warning: (for…of)
}
`));
  });

  it('stays quiet for an untyped option, a type of no class, and a local that shadows the parameter', () => {
    check(rule, workspace(`${SERVICE}//- src/archive.ts
import type { PostService } from './posts.service';

interface Archiver { archive(id: number): Promise<void> }

export async function archiveAll({ postService, ids }: { postService: any; ids: number[] }, archiver: Archiver, service: PostService) {
  for (const id of ids) {
    await postService.archive(id);
        //~~~~~~~~~~~~~~~~~~~ ok: its type names no class
    await archiver.archive(id);
        //~~~~~~~~~~~~~~~~ ok: an interface, no class to follow
  }
  for (const id of ids) {
    const service = { archive: async (n: number) => n };
    await service.archive(id);
        //~~~~~~~~~~~~~~~ ok: the local, not the parameter
  }
}
`));
  });
});
