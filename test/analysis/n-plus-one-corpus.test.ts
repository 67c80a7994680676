/**
 * The labelled n-plus-one corpus: realistic Next.js, tRPC, NestJS, GraphQL, Express, job and
 * script code. Each file is a marker test of its own; the last test scores the whole corpus.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../server/src/analysis/rules/n-plus-one';
import { corpusFiles, corpusFixture, scoreCorpus } from '../corpus/n-plus-one/score';
import { check, parseFixture } from '../support/fixture';

describe('n-plus-one corpus', () => {
  for (const file of corpusFiles()) {
    it(file, () => {
      check(rule, corpusFixture(file));
    });
  }

  it('has the size the accuracy target is measured on', () => {
    const labels = corpusFiles().map((file) => parseFixture(corpusFixture(file)));
    const positives = labels.reduce((sum, fixture) => sum + fixture.markers.length, 0);
    const negatives = labels.reduce((sum, fixture) => sum + fixture.silent.length, 0);
    assert.ok(positives >= 60, `${positives} N+1 sites`);
    assert.ok(negatives >= 40, `${negatives} sites that must stay silent`);
  });

  it('reaches precision ≥ 0.97 and recall ≥ 0.95', (context) => {
    const score = scoreCorpus(rule);
    context.diagnostic(
      `n-plus-one corpus: ${score.truePositives} true positives, ${score.falsePositives} false positives, ${score.falseNegatives} false negatives, ${score.trueNegatives} true negatives; precision ${score.precision.toFixed(3)}, recall ${score.recall.toFixed(3)}`,
    );
    for (const mistake of score.mistakes) context.diagnostic(mistake);
    assert.ok(score.precision >= 0.97, `precision ${score.precision.toFixed(3)}\n${score.mistakes.join('\n')}`);
    assert.ok(score.recall >= 0.95, `recall ${score.recall.toFixed(3)}\n${score.mistakes.join('\n')}`);
  });
});
