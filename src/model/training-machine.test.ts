// The training record names the CPU's vector instruction set, because native TensorFlow's results (and so a
// model's version) depend on it; these are the readings of /proc/cpuinfo it relies on.
import { describe, expect, it } from 'vitest';
import { describeMachine, trainingMachine, vectorIsaOf } from './training-machine.ts';

const cpuinfo = (flags: string) =>
  `processor\t: 0\nmodel name\t: Some CPU\nflags\t\t: ${flags}\n\nprocessor\t: 1\nflags\t\t: ${flags}\n`;

describe('the machine a training run ran on', () => {
  it('names the widest vector extension the CPU reports', () => {
    expect(vectorIsaOf(cpuinfo('fpu sse sse2 avx avx2 fma avx512f avx512bw'))).toBe('avx512');
    expect(vectorIsaOf(cpuinfo('fpu sse sse2 avx avx2 fma'))).toBe('avx2');
    expect(vectorIsaOf(cpuinfo('fpu sse sse2 avx'))).toBe('avx');
    expect(vectorIsaOf(cpuinfo('fpu sse sse2'))).toBe('sse');
    // avx512_bf16 alone is not avx512f; the word must match whole.
    expect(vectorIsaOf(cpuinfo('sse2 avx2 avx512_bf16'))).toBe('avx2');
    expect(vectorIsaOf(undefined)).toBe('unknown');
    expect(vectorIsaOf('processor\t: 0\n')).toBe('unknown');
  });

  it('records a oneDNN instruction cap when one is set, and says it in the card line', () => {
    const capped = trainingMachine({ ONEDNN_MAX_CPU_ISA: 'AVX2' }, cpuinfo('sse2 avx2 avx512f'));
    expect(capped).toMatchObject({ vectorIsa: 'avx512', isaCap: 'AVX2' });
    expect(describeMachine(capped)).toMatch(/, avx512, oneDNN capped at AVX2$/);
    const plain = trainingMachine({}, cpuinfo('sse2 avx2'));
    expect(plain.isaCap).toBeUndefined();
    expect(plain.cores).toBeGreaterThan(0);
    expect(describeMachine(plain)).toMatch(/, avx2$/);
  });
});
