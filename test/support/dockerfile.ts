/** Reads a Dockerfile as instructions and build stages, for tests that check images without a Docker engine. */
import { readFileSync } from 'node:fs';

export interface DockerInstruction {
  op: string;
  args: string;
}

export interface DockerStage {
  /** The `AS` name, or the stage's index when it has none. */
  name: string;
  instructions: DockerInstruction[];
}

/** Instructions of a Dockerfile with continuation lines joined and comments dropped. */
export function dockerInstructions(path: string): DockerInstruction[] {
  const joined = readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n')
    .replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .map((line) => {
      const space = line.indexOf(' ');
      return { op: line.slice(0, space).toUpperCase(), args: line.slice(space + 1).trim() };
    });
}

/** The build stages in order (each FROM starts one); the last is the image that runs. */
export function dockerStages(path: string): DockerStage[] {
  const stages: DockerStage[] = [];
  for (const instruction of dockerInstructions(path)) {
    if (instruction.op === 'FROM') {
      const name = /\sAS\s+(\S+)$/i.exec(instruction.args)?.[1] ?? String(stages.length);
      stages.push({ name, instructions: [] });
    } else stages.at(-1)?.instructions.push(instruction);
  }
  return stages;
}
