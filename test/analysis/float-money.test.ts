/** Marker tests for float-money: money-named Float fields, and the names and types that are not money. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../server/src/analysis/rules/float-money';
import { check, checkFix } from '../support/fixture';

const POSTGRES = `datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}`;

describe('float-money', () => {
  it('flags Float fields whose name says money', () => {
    check(rule, `
${POSTGRES}
model Order {
  id          Int    @id
  total       Float
//            ^^^^^ warning: "Order.total" holds money in a "Float"
  unitPrice   Float?
//            ^^^^^ warning: "Order.unitPrice" holds money
  shipping_fee Float @default(0)
//             ^^^^^ warning: "Order.shipping_fee" holds money
  taxAmount   Float  @map("tax_amount")
//            ^^^^^ warning: "Order.taxAmount" holds money
}
model Wallet {
  id      Int   @id
  balance Float @default(0) // in dollars
//        ^^^^^ warning: "Wallet.balance"
  salary  Float
//        ^^^^^ warning: "Wallet.salary"
  pricePerUnit Float
//             ^^^^^ warning: "Wallet.pricePerUnit"
  withdrawalFee Float @default(2.5)
//              ^^^^^ warning: "Wallet.withdrawalFee"
  lastPayout   Float // paid out on the 1st / 15th
//             ^^^^^ warning: "Wallet.lastPayout"
  spend        Float // in dollars/euros
//             ^^^^^ warning: "Wallet.spend"
}
`);
  });

  it('leaves alone exact types, rates, units, scores and names without money words', () => {
    check(rule, `
${POSTGRES}
model Order {
  id            Int     @id
  total         Decimal @db.Decimal(12, 2)
  priceCents    Int
  taxRate       Float
  totalDistance Float
  priceScore    Float
  lat           Float
  discountPct   Float
  weight        Float
  totalCount    Int
  feeCents      BigInt
  payoutFee     Float   @default(0.05) // share of each sale, 0.05 = 5 %
  /// Percent of the price kept by the platform.
  platformFee   Float
  processingFee Float   @default(0.029) // processing fee (in decimals) for payouts
  earningsPerClick Float @default(0)
  returnOnAdSpend  Float? // totalSaleAmount / totalCommissions
  referralCommission Float @default(0.1)
}
view OrderTotals {
  id    Int   @unique
  total Float
}
`);
  });

  it('offers Decimal as an unsafe fix', () => {
    checkFix(
      rule,
      `
${POSTGRES}
model Order {
  id    Int   @id
  total Float
}
`,
      `
${POSTGRES}
model Order {
  id    Int   @id
  total Decimal
}
`,
    );
  });

  it('suggests integer cents and no Decimal fix on SQLite', () => {
    const findings = check(rule, `
datasource db {
  provider = "sqlite"
  url      = "file:dev.db"
}
model Order {
  id    Int   @id
  price Float
//      ^^^^^ warning: "Order.price" holds money
}
`);
    assert.equal(findings[0]!.fixes, undefined);
    assert.match(findings[0]!.help, /cents/);
  });
});
