/**
 * A distilled student must not be validated on texts its teacher trained on: the teacher's soft labels for
 * them carry what it memorised, and the student's figures would read high with nothing to say so. The
 * teacher's training record names its data files and split; the check recomputes that split and looks for
 * the student's validation texts among the teacher's training texts.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../../core/errors.ts';
import type { Example, LabelOptions } from '../dataset.ts';
import { dataFileNames, loadSplit } from '../train-run.ts';

interface TeacherSplitRecord {
  data: string[];
  split: { seed: number; fraction: number; labelOptions?: LabelOptions };
}

async function readTeacherRecord(dir: string): Promise<TeacherSplitRecord | undefined> {
  let raw: string;
  try {
    raw = await readFile(path.join(dir, 'training.json'), 'utf8');
  } catch {
    return undefined;
  }
  const record = JSON.parse(raw) as Partial<TeacherSplitRecord>;
  if (!Array.isArray(record.data) || typeof record.split?.seed !== 'number') return undefined;
  return record as TeacherSplitRecord;
}

/**
 * Resolves when the student's validation texts are all unseen by the teacher, or when the teacher has no
 * training record (nothing is known: a hand-made or foreign model). Throws a usage error otherwise.
 */
export async function checkTeacherSplit(
  teacherDir: string,
  student: {
    data: readonly string[];
    labelOptions: LabelOptions;
    train: readonly Example[];
    validation: readonly Example[];
  },
): Promise<void> {
  const record = await readTeacherRecord(teacherDir);
  if (!record) return;
  const studentNames = dataFileNames(student.data);
  const shared = record.data.filter((name) => studentNames.includes(name));
  if (shared.length === 0) return;
  const { seed, fraction } = record.split;
  const fix = `--split-seed ${seed} --val-fraction ${fraction}`;
  const missing = record.data.filter((name) => !studentNames.includes(name));
  if (missing.length > 0) {
    throw new UsageError(
      `--teacher ${teacherDir} trained on ${record.data.join(', ')}; this run reads only part of that, so its split cannot be checked against the teacher's. Add ${missing.join(', ')} to --data, with ${fix}`,
    );
  }
  const teacherFiles = record.data.map(
    (name) => student.data[studentNames.indexOf(name)] as string,
  );
  const teacherSplit = await loadSplit(
    teacherFiles,
    record.split.labelOptions ?? student.labelOptions,
    fraction,
    seed,
  );
  // A text the data holds twice may train and validate in one split; the student trains on that copy too, so
  // only what the teacher trained on and the student does not is a leak.
  const own = new Set(student.train.map((e) => e.text.trim()));
  const taught = new Set(
    teacherSplit.train.map((e) => e.text.trim()).filter((text) => !own.has(text)),
  );
  const seen = student.validation.filter((e) => taught.has(e.text.trim())).length;
  if (seen > 0) {
    throw new UsageError(
      `--teacher ${teacherDir}: of the ${student.validation.length} validation texts, ${seen} are texts the teacher trained on (its split: seed ${seed}, ${fraction} held out), so the student's figures would read high. Use the teacher's split: ${fix}`,
    );
  }
}
