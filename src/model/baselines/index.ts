/** Makes a baseline by name. */
import type { Baseline, BaselineName } from './baseline.ts';
import { FastTextBaseline } from './fasttext.ts';
import { MajorityBaseline } from './majority.ts';
import { NaiveBayesBaseline } from './naive-bayes.ts';
import { VaderBaseline } from './vader.ts';

export { BASELINE_NAMES, type Baseline, type BaselineName } from './baseline.ts';

export function makeBaseline(name: BaselineName): Baseline {
  switch (name) {
    case 'majority':
      return new MajorityBaseline();
    case 'vader':
      return new VaderBaseline();
    case 'naive-bayes':
      return new NaiveBayesBaseline();
    case 'fasttext':
      return new FastTextBaseline();
  }
}
