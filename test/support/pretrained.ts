/** Test-side view of the pretrained encoders: finds one in the cache, or registers a skipped test that says in one line why (and fails instead where CI requires them). */
import { expect, it } from 'vitest';
import {
  findPretrained,
  type PretrainedId,
  type Provisioned,
} from '../../src/model/pretrained/provisioned.ts';

// CI sets this after npm run setup:pretrained, so a broken provisioning cannot pass as "absent".
const required = process.env.BELLWETHER_REQUIRE_PRETRAINED === '1';

/** Call inside a describe: when the encoder is missing, that describe gets one skipped (or, in CI, failing) test. */
export function pretrainedOrSkip(id: PretrainedId): Provisioned {
  const found = findPretrained(id);
  if (!found.ok) {
    if (required)
      it(`${id} is provisioned (BELLWETHER_REQUIRE_PRETRAINED=1)`, () =>
        expect(found.reason).toBe(''));
    else it.skip(found.reason, () => {});
  }
  return found;
}
