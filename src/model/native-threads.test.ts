// The intra-op thread count a scoring process gives native TensorFlow: one for the small model, the library's
// default for a pretrained encoder, and whatever the operator set, untouched.
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../core/logger.ts';
import { chooseNativeThreads } from './native-threads.ts';

describe('chooseNativeThreads', () => {
  it('gives the small model one thread per op', () => {
    const env: NodeJS.ProcessEnv = {};
    expect(chooseNativeThreads({}, silentLogger, env)).toBe('1');
    expect(env.TF_NUM_INTRAOP_THREADS).toBe('1');
  });

  it('leaves a pretrained-encoder model on the library default', () => {
    const env: NodeJS.ProcessEnv = {};
    expect(chooseNativeThreads({ tokenizer: 'wordpiece' }, silentLogger, env)).toBe('default');
    expect(env.TF_NUM_INTRAOP_THREADS).toBeUndefined();
  });

  it("never changes the operator's value", () => {
    const env: NodeJS.ProcessEnv = { TF_NUM_INTRAOP_THREADS: '2' };
    expect(chooseNativeThreads({}, silentLogger, env)).toBe('2');
    expect(env.TF_NUM_INTRAOP_THREADS).toBe('2');
  });
});
