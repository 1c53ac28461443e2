/** The BERT WordPiece tokenizer of a pretrained encoder, read from its Hugging Face tokenizer.json and reproducing that library's ids exactly (special-token split, BertNormalizer, BertPreTokenizer, WordPiece, [CLS] … [SEP]). */
import { readFile } from 'node:fs/promises';

interface NormalizerJson {
  type: string;
  clean_text?: boolean;
  handle_chinese_chars?: boolean;
  strip_accents?: boolean | null;
  lowercase?: boolean;
}

interface TokenizerFileJson {
  normalizer?: NormalizerJson | null;
  pre_tokenizer?: { type: string } | null;
  model?: {
    type: string;
    unk_token?: string;
    continuing_subword_prefix?: string;
    max_input_chars_per_word?: number;
    vocab?: Record<string, number>;
  };
  added_tokens?: Array<{ id: number; content: string; normalized: boolean }>;
}

interface Normalization {
  cleanText: boolean;
  chineseChars: boolean;
  stripAccents: boolean;
  lowercase: boolean;
}

const CLS = '[CLS]';
const SEP = '[SEP]';

/** CJK ideograph blocks the reference surrounds with spaces so each is a word of its own. */
const CJK =
  /[\u4E00-\u9FFF\u3400-\u4DBF\u{20000}-\u{2A6DF}\u{2A700}-\u{2B73F}\u{2B740}-\u{2B81F}\u{2B920}-\u{2CEAF}\uF900-\uFAFF\u{2F800}-\u{2FA1F}]/gu;
/** The reference's "control" is any Unicode "other" (Cc, Cf, Cn, Co, Cs) except tab, newline, return. */
const CONTROL = /(?![\t\n\r])[\p{C}\uFFFD]/gu;
const WHITESPACE = /\p{White_Space}/gu;
const MARKS = /\p{Mn}/gu;
/** Punctuation is ASCII punctuation (symbols such as $ + < included) or any Unicode P* character. */
const PUNCTUATION = /^[!-/:-@[-`{-~\p{P}]$/u;

function field<T>(value: T | undefined, what: string, where: string): T {
  if (value === undefined) throw new Error(`${where}: ${what} is missing`);
  return value;
}

export class WordPieceTokenizer {
  private readonly vocab: Map<string, number>;
  private readonly unkId: number;
  private readonly clsId: number;
  private readonly sepId: number;
  private readonly prefix: string;
  private readonly maxWordChars: number;
  private readonly norm: Normalization;
  /** Special tokens matched in the raw text before normalization, longest first. */
  private readonly specials: Array<{ content: string; id: number }>;

  private constructor(json: TokenizerFileJson, where: string) {
    const model = field(json.model, 'model', where);
    if (model.type !== 'WordPiece')
      throw new Error(`${where}: model ${model.type}, expected WordPiece`);
    const normalizer = field(json.normalizer ?? undefined, 'normalizer', where);
    if (normalizer.type !== 'BertNormalizer') {
      throw new Error(`${where}: normalizer ${normalizer.type}, expected BertNormalizer`);
    }
    const pre = json.pre_tokenizer?.type;
    if (pre !== 'BertPreTokenizer')
      throw new Error(`${where}: pre-tokenizer ${pre}, expected BertPreTokenizer`);
    this.vocab = new Map(Object.entries(field(model.vocab, 'model.vocab', where)));
    const id = (token: string) => field(this.vocab.get(token), `vocabulary entry ${token}`, where);
    this.unkId = id(field(model.unk_token, 'model.unk_token', where));
    this.clsId = id(CLS);
    this.sepId = id(SEP);
    this.prefix = model.continuing_subword_prefix ?? '##';
    this.maxWordChars = model.max_input_chars_per_word ?? 100;
    const lowercase = normalizer.lowercase ?? true;
    this.norm = {
      cleanText: normalizer.clean_text ?? true,
      chineseChars: normalizer.handle_chinese_chars ?? true,
      // An unset strip_accents follows lowercase, as in the reference.
      stripAccents: normalizer.strip_accents ?? lowercase,
      lowercase,
    };
    const added = json.added_tokens ?? [];
    if (added.some((t) => t.normalized)) {
      throw new Error(`${where}: added tokens matched after normalization are not supported`);
    }
    this.specials = added
      .map(({ content, id }) => ({ content, id }))
      .sort((a, b) => b.content.length - a.content.length);
  }

  static fromJson(json: unknown, where = 'tokenizer.json'): WordPieceTokenizer {
    if (typeof json !== 'object' || json === null) throw new Error(`${where}: not a JSON object`);
    return new WordPieceTokenizer(json as TokenizerFileJson, where);
  }

  static async load(file: string): Promise<WordPieceTokenizer> {
    return WordPieceTokenizer.fromJson(JSON.parse(await readFile(file, 'utf8')), file);
  }

  get size(): number {
    return this.vocab.size;
  }

  /** `[CLS] ids [SEP]`; with maxLen, the text's ids are cut so that the whole fits (the reference's truncation). */
  encode(text: string, maxLen = Number.POSITIVE_INFINITY): number[] {
    if (maxLen < 2) throw new Error(`maxLen ${maxLen} leaves no room for ${CLS} and ${SEP}`);
    const ids: number[] = [];
    for (const part of this.splitSpecials(text)) {
      if (typeof part === 'number') ids.push(part);
      else for (const word of this.words(part)) ids.push(...this.wordIds(word));
    }
    return [this.clsId, ...ids.slice(0, maxLen - 2), this.sepId];
  }

  /** Raw-text segments and the ids of the special tokens between them, in order. */
  private splitSpecials(text: string): Array<string | number> {
    const parts: Array<string | number> = [];
    let start = 0;
    let i = 0;
    while (i < text.length) {
      const hit = this.specials.find((s) => text.startsWith(s.content, i));
      if (hit) {
        if (i > start) parts.push(text.slice(start, i));
        parts.push(hit.id);
        i += hit.content.length;
        start = i;
      } else i++;
    }
    if (start < text.length) parts.push(text.slice(start));
    return parts;
  }

  private normalize(text: string): string {
    let out = text;
    if (this.norm.cleanText) out = out.replace(CONTROL, '').replace(WHITESPACE, ' ');
    if (this.norm.chineseChars) out = out.replace(CJK, (c) => ` ${c} `);
    if (this.norm.stripAccents) out = out.normalize('NFD').replace(MARKS, '');
    // Per code point, as the reference lowercases: no context-dependent forms such as final sigma.
    if (this.norm.lowercase) out = Array.from(out, (c) => c.toLowerCase()).join('');
    return out;
  }

  /** Splits on whitespace and isolates every punctuation character. */
  private words(text: string): string[] {
    const words: string[] = [];
    for (const chunk of this.normalize(text).split(WHITESPACE)) {
      let current = '';
      for (const c of chunk) {
        if (PUNCTUATION.test(c)) {
          if (current) words.push(current);
          words.push(c);
          current = '';
        } else current += c;
      }
      if (current) words.push(current);
    }
    return words;
  }

  /** Greedy longest-match-first pieces; a word with any unmatched stretch, or too long, is one [UNK]. */
  private wordIds(word: string): number[] {
    const chars = Array.from(word);
    if (chars.length > this.maxWordChars) return [this.unkId];
    const ids: number[] = [];
    let start = 0;
    while (start < chars.length) {
      let end = chars.length;
      let found: number | undefined;
      while (end > start) {
        const piece = chars.slice(start, end).join('');
        found = this.vocab.get(start > 0 ? this.prefix + piece : piece);
        if (found !== undefined) break;
        end--;
      }
      if (found === undefined) return [this.unkId];
      ids.push(found);
      start = end;
    }
    return ids;
  }
}
