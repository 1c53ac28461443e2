// Annotation headlines from the real embedded store (chdb): a company or ticker alert shows the score its topic got from each headline.
import { describe, expect, it } from 'vitest';
import { fileEmbeddedStore } from '../../test/support/embedded-store.ts';
import { entityTestItem, teslaSlumpsFordGains } from '../../test/support/entity-items.ts';
import { storeDataSource } from './store-data-source.ts';

const T = Date.parse('2026-03-10T15:00:00Z');
const MIN = 60_000;
const HOUR = 60 * MIN;
const VERSION = 'alerts-entity-v1';

describe('storeDataSource headlines (issue 15.5)', () => {
  const store = fileEmbeddedStore('bellwether-alerts-entities-');

  it('shows the entity score for company and ticker topics, the headline score otherwise', async () => {
    await store().writeScored([
      // Near-neutral headline (+0.05); Tesla −0.8, Ford +0.7.
      teslaSlumpsFordGains('slump', VERSION, T - 10 * MIN, [
        { kind: 'sector', key: 'Autos', relevance: 1 },
      ]),
      // No entities: every topic gets the headline's score.
      entityTestItem('plain', VERSION, T - 5 * MIN, {
        title: 'Tesla recall widens',
        label: 'negative',
        score: -0.6,
        topics: [
          { kind: 'ticker', key: 'TSLA', relevance: 1 },
          { kind: 'sector', key: 'Autos', relevance: 1 },
        ],
      }),
    ]);
    const source = storeDataSource(store());
    const headlines = source.headlines;
    if (!headlines) throw new Error('the store data source reads headlines');
    const scores = async (kind: 'ticker' | 'company' | 'sector', key: string) =>
      (await headlines({ kind, key }, T - HOUR, T, 5)).map((h) => [h.title, h.score]);

    expect(await scores('ticker', 'TSLA')).toEqual([
      ['Tesla slumps as Ford gains', -0.8],
      ['Tesla recall widens', -0.6],
    ]);
    expect(await scores('company', 'Ford')).toEqual([['Tesla slumps as Ford gains', 0.7]]);
    expect(await scores('sector', 'Autos')).toEqual([
      ['Tesla recall widens', -0.6],
      ['Tesla slumps as Ford gains', 0.05],
    ]);
  });
});
