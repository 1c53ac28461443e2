/** The WordPiece tokenizer as the predictor reads texts with it: content ids only (the predictor frames each window with [CLS] … [SEP]), its vocabulary, and its file's JSON for saving beside the model. */
import { WordPieceTokenizer } from './wordpiece.ts';

export class WordPieceInput {
  /** [CLS] and [SEP]: what a text of no tokens encodes to. */
  readonly frame: readonly [number, number];
  readonly vocab: readonly string[];

  private constructor(
    private readonly wordpiece: WordPieceTokenizer,
    private readonly json: { model: { vocab: Record<string, number> } },
  ) {
    const [open, close] = wordpiece.encode('');
    if (open === undefined || close === undefined) throw new Error('WordPiece frame missing');
    this.frame = [open, close];
    const vocab: string[] = [];
    for (const [token, id] of Object.entries(json.model.vocab)) vocab[id] = token;
    this.vocab = vocab;
  }

  /** From a tokenizer.json (HuggingFace format, WordPiece model); `where` names it in errors. */
  static fromJson(json: unknown, where: string): WordPieceInput {
    const wordpiece = WordPieceTokenizer.fromJson(json, where);
    return new WordPieceInput(wordpiece, json as { model: { vocab: Record<string, number> } });
  }

  get size(): number {
    return this.wordpiece.size;
  }

  /** Content ids, at most maxLen, without [CLS] and [SEP]. */
  encode(text: string, maxLen: number): number[] {
    return this.wordpiece.encode(text).slice(1, -1).slice(0, maxLen);
  }

  /** `[CLS] content [SEP]` within maxLen in all, as the model is trained on. */
  encodeFramed(text: string, maxLen: number): number[] {
    return this.wordpiece.encode(text, maxLen);
  }

  toJSON(): unknown {
    return this.json;
  }
}
