// @ts-nocheck
// prisma/seed.ts: demo data for local development.
import { faker } from '@faker-js/faker';
import { PrismaClient } from '@prisma/client';

const prisma = new PrismaClient();

function chunk<T>(items: T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

async function seedUsers() {
  for (let i = 0; i < 100; i++) {
    await prisma.user.create({ data: { email: faker.internet.email(), name: faker.person.fullName() } });
        //^^^^^^^^^^^^^^^^^^ warning: prisma.user.create
  }
}

async function seedCatalog() {
  const categoryNames = ['Books', 'Games', 'Music'];
  const categories = await Promise.all(categoryNames.map((name) => prisma.category.create({ data: { name } })));
                                                                 //^^^^^^^^^^^^^^^^^^^^^^ warning: prisma.category.create

  const products = Array.from({ length: 5000 }, (_, i) => ({
    sku: `SKU-${i}`,
    name: faker.commerce.productName(),
    price: faker.number.int({ min: 100, max: 10000 }),
    stock: 100,
    categoryId: categories[i % categories.length].id,
  }));
  for (const batch of chunk(products, 1000)) {
    await prisma.product.createMany({ data: batch });
        //~~~~~~~~~~~~~~~~~~~~~~~~~ ok: chunk loop with createMany
  }
}

async function seedTags() {
  await Promise.all(Array.from({ length: 10 }, (_, i) => prisma.tag.create({ data: { name: `tag-${i}` } })));
                                                       //^^^^^^^^^^^^^^^^^ warning: prisma.tag.create
}

async function seedPosts() {
  const users = await prisma.user.findMany({ take: 20 });
  for (const user of users) {
    const count = faker.number.int({ min: 1, max: 5 });
    for (let n = 0; n < count; n++) {
      await prisma.post.create({ data: { authorId: user.id, title: faker.lorem.sentence(), slug: faker.lorem.slug() + n } });
          //^^^^^^^^^^^^^^^^^^ warning: prisma.post.create
    }
  }
  const tags = await prisma.tag.findMany();
                   //~~~~~~~~~~~~~~~~~~~ ok: after the loop
  const posts = await prisma.post.findMany({ select: { id: true } });
                    //~~~~~~~~~~~~~~~~~~~~ ok: after the loop
  await prisma.postTag.createMany({ data: posts.flatMap((post) => tags.slice(0, 2).map((tag) => ({ postId: post.id, tagId: tag.id }))), skipDuplicates: true });
      //~~~~~~~~~~~~~~~~~~~~~~~~~ ok: one insert
}

async function seedOrders() {
  const users = await prisma.user.findMany({ select: { id: true } });
  await Promise.all(
    users.map((user) =>
      prisma.order.create({
    //^^^^^^^^^^^^^^^^^^^ warning: prisma.order.create
        data: { userId: user.id, items: { create: [{ productId: 1, quantity: 1, price: 100 }] } },
      }),
    ),
  );
}

async function main() {
  await prisma.$executeRaw`TRUNCATE "User", "Post", "Product", "Category" RESTART IDENTITY CASCADE`;
      //~~~~~~~~~~~~~~~~~~ ok: one statement, no loop
  await seedUsers();
  await seedCatalog();
  await seedTags();
  await seedPosts();
  await seedOrders();
}

main().finally(() => prisma.$disconnect());
