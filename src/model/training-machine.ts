/**
 * The machine a training run ran on, kept in its training.json. Native TensorFlow's kernels (oneDNN) choose
 * their vector instructions from the CPU at run time, and AVX-512 and AVX2 products round differently, so the
 * same command on the same backend gives other weight bytes — another version — on a CPU with another
 * instruction set (docs/model-experiments.md, "Reproducing"). The record says which one a version came from.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';

export interface TrainingMachine {
  cpu: string;
  cores: number;
  platform: string;
  /** The widest x86 vector extension the CPU reports: avx512, avx2, avx, sse, or unknown. */
  vectorIsa: string;
  /** ONEDNN_MAX_CPU_ISA when set: a cap on the instructions oneDNN may use, which changes the bytes too. */
  isaCap?: string;
}

/** The widest vector extension named in /proc/cpuinfo text (`flags` lines); unknown without them. */
export function vectorIsaOf(cpuinfo: string | undefined): string {
  const flags = new Set(
    (cpuinfo ?? '')
      .split('\n')
      .filter((line) => line.startsWith('flags'))
      .flatMap((line) =>
        line
          .slice(line.indexOf(':') + 1)
          .trim()
          .split(/\s+/),
      ),
  );
  if (flags.size === 0) return 'unknown';
  for (const [flag, isa] of [
    ['avx512f', 'avx512'],
    ['avx2', 'avx2'],
    ['avx', 'avx'],
    ['sse2', 'sse'],
  ] as const) {
    if (flags.has(flag)) return isa;
  }
  return 'unknown';
}

function readCpuinfo(): string | undefined {
  try {
    return readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    // Not Linux: the instruction set stays unknown, the rest of the record is still true.
    return undefined;
  }
}

export function trainingMachine(
  env: NodeJS.ProcessEnv = process.env,
  cpuinfo = readCpuinfo(),
): TrainingMachine {
  const cap = env.ONEDNN_MAX_CPU_ISA;
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: availableParallelism(),
    platform: `${process.platform}-${process.arch}`,
    vectorIsa: vectorIsaOf(cpuinfo),
    ...(cap ? { isaCap: cap } : {}),
  };
}

/** "AMD EPYC, avx512" (with ", oneDNN capped at AVX2" when capped): for cards. */
export function describeMachine(machine: TrainingMachine): string {
  const cap = machine.isaCap ? `, oneDNN capped at ${machine.isaCap}` : '';
  return `${machine.cpu}, ${machine.vectorIsa}${cap}`;
}
