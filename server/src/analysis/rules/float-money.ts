/** Flags money stored as `Float`: binary floating point cannot hold cents exactly, so sums drift. */
import type { Field, Model, PrismaSchema } from '../schema/model';
import { commentsAbove, fieldTypeSpan, nameWords, trailingComment } from '../facts/schema-text';
import { defineModelRule, type Fix, type RuleFinding } from './types';

/** Words that make a field name about money. */
const MONEY_WORDS = new Set([
  'price', 'prices', 'amount', 'balance', 'cost', 'costs', 'total', 'subtotal', 'fee', 'fees', 'salary', 'wage', 'wages',
  'revenue', 'payout', 'refund', 'tax', 'discount', 'earning', 'earnings', 'commission', 'tip', 'budget', 'income',
  'payment', 'fare', 'debit', 'credit', 'credits', 'charge', 'spend', 'spent', 'profit', 'deposit', 'withdrawal', 'money',
  'cash', 'usd', 'eur', 'gbp', 'msrp', 'bid', 'invoice', 'paid', 'owed', 'due',
]);

/** Words that make a money-sounding name about something else: `totalDistance`, `taxRate`, `priceRank`. */
const NOT_MONEY_WORDS = new Set([
  'rate', 'ratio', 'percent', 'percentage', 'pct', 'factor', 'multiplier', 'weight', 'distance', 'duration', 'time',
  'count', 'score', 'rating', 'rank', 'points', 'km', 'kg', 'miles', 'meters', 'lat', 'lng', 'latitude', 'longitude',
  'height', 'width', 'size', 'speed', 'temperature', 'hours', 'minutes', 'seconds', 'days', 'views', 'calories', 'volume',
  'quantity', 'qty', 'units', 'accuracy', 'probability', 'elasticity', 'index',
]);

/**
 * Comments that describe a ratio rather than an amount: `// 0.05 = 5 %`, `// fee (in decimals)`, or a
 * formula dividing one figure by another (`// totalSaleAmount / totalClicks`).
 */
const RATIO_COMMENT = /%|\bpercent|\bratio\b|\brate\b|\bshare\b|\bfraction\b|\bmultiplier\b|\bin decimals?\b|\bas a decimal\b|[A-Za-z_]\w* \/ [A-Za-z_]/i;

/** `earningsPerClick`, `revenuePerUser`: an average per event, a figure for display, not an amount held. */
const PER_EVENT = /per(?:click|view|lead|conversion|sale|user|visitor|visit|session|impression|mille|member|customer|day|month)/;

/** Fee-like names whose default between 0 and 1 makes them a rate: `payoutFee Float @default(0.05)`. */
const RATE_LIKE_WORDS = new Set(['fee', 'fees', 'commission', 'tax', 'tip', 'discount']);

/** Providers whose `Decimal` is an exact decimal column. */
const EXACT_DECIMAL = new Set(['postgresql', 'mysql', 'sqlserver', 'cockroachdb']);

export default defineModelRule({
  id: 'float-money',
  appliesTo: ['prisma'],
  severity: 'warning',
  docs: {
    summary: '`Float` fields whose name says money (price, amount, balance, total, fee…).',
    why: [
      '`Float` is a binary floating-point number (`double precision` in PostgreSQL): it cannot represent most decimal fractions exactly. `0.1 + 0.2` is `0.30000000000000004`, and a `SUM` over a million order totals drifts by cents that no invoice will match.',
      'Store money as `Decimal` (an exact `numeric`/`decimal` column; Prisma Client returns a `Prisma.Decimal`, so arithmetic in code stays exact too) or as an `Int`/`BigInt` number of cents. On SQLite, `Decimal` is stored with REAL affinity and on MongoDB it is not supported, so use integer cents there.',
      'The rule reads field names: `price`, `amount`, `balance`, `total`, `fee`, `salary` and similar words, alone or in `unitPrice`, `total_amount`. Names that pair such a word with a unit or a ratio (`taxRate`, `totalDistance`, `priceScore`) are left alone, and so are averages per event (`earningsPerClick`), fees and commissions whose default lies between 0 and 1 (`payoutFee Float @default(0.05)`), and fields whose comment says they hold a ratio (`feeShare Float // 0.05 = 5 %`, `// in decimals`, or a formula dividing one figure by another, `// totalSaleAmount / totalClicks`).',
    ].join('\n\n'),
    bad: ['model Order {', '  id    Int   @id @default(autoincrement())', '  total Float', '}'].join('\n'),
    good: ['model Order {', '  id    Int     @id @default(autoincrement())', '  total Decimal @db.Decimal(12, 2)', '}'].join('\n'),
    fixSafety:
      'Unsafe: changing the type to `Decimal` changes the field\'s TypeScript type from `number` to `Prisma.Decimal`, so code that does arithmetic on it must change, and the migration rewrites the column (`ALTER COLUMN … TYPE DECIMAL`), locking the table while it runs.',
  },
  checkModel({ schema, model, text }) {
    if (model.kind === 'view') return [];
    const findings: RuleFinding[] = [];
    for (const field of model.fields) {
      if (field.type !== 'Float' || !isMoneyName(field.name)) continue;
      // `payoutFee Float // share of each sale, 0.05 = 5 %`: the comment says it is a ratio.
      const comment = [trailingComment(text, field) ?? '', ...commentsAbove(text, field)].join(' ');
      if (RATIO_COMMENT.test(comment) || isRateByDefault(field, text)) continue;
      findings.push(findingFor(schema, model, field, text));
    }
    return findings;
  },
});

export function isMoneyName(name: string): boolean {
  const words = nameWords(name);
  if (words.some((word) => NOT_MONEY_WORDS.has(word))) return false;
  if (/cents$/i.test(name)) return false;
  if (PER_EVENT.test(words.join(''))) return false;
  return words.some((word) => MONEY_WORDS.has(word));
}

/** A fee or commission whose default lies strictly between 0 and 1: a share of an amount, not an amount. */
function isRateByDefault(field: Field, text: string): boolean {
  if (!nameWords(field.name).some((word) => RATE_LIKE_WORDS.has(word))) return false;
  const line = text.slice(field.lineSpan.start, field.lineSpan.end).replace(/\/\/.*$/, '');
  const value = Number(/@default\(\s*([\d.]+)\s*\)/.exec(line)?.[1] ?? NaN);
  return value > 0 && value < 1;
}

function findingFor(schema: PrismaSchema, model: Model, field: Field, text: string): RuleFinding {
  const provider = schema.datasource?.provider;
  const exact = provider === undefined || EXACT_DECIMAL.has(provider);
  const span = fieldTypeSpan(text, field) ?? field.nameSpan;
  const fixes: Fix[] = [];
  if (exact && span !== field.nameSpan) {
    fixes.push({ title: `Store ${model.name}.${field.name} as Decimal`, applicability: 'unsafe', edits: [{ uri: model.uri, start: span.start, end: span.end, text: 'Decimal' }] });
  }
  return {
    uri: model.uri,
    span,
    message: `Totals and balances drift: "${model.name}.${field.name}" holds money in a "Float", which cannot store most cent values exactly.`,
    help: exact
      ? `Use "Decimal" (with "@db.Decimal(12, 2)" or the precision you need), or an "Int" number of cents.`
      : `Use an "Int" (or "BigInt") number of cents: "Decimal" is not exact on ${provider}.`,
    ...(fixes.length ? { fixes } : {}),
  };
}
