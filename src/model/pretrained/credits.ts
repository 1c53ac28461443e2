/** Who made each provisioned encoder and its licence, for the model cards (the NOTICE has the full credits). */
export const ENCODER_CREDITS: Record<string, string> = {
  'all-minilm-l6-v2':
    'all-MiniLM-L6-v2 by the sentence-transformers project (Nils Reimers and contributors), from a 6-layer MiniLM (Wang et al., 2020); uncased BERT WordPiece vocabulary (Google Research). Licence: Apache License 2.0.',
  'e5-small-v2-q':
    'e5-small-v2 by Liang Wang, Nan Yang, Xiaolong Huang, Binxing Jiao, Linjun Yang, Daxin Jiang, Rangan Majumder and Furu Wei ("Text Embeddings by Weakly-Supervised Contrastive Pre-training", 2022); int8 ONNX export by Xenova, dequantized here. Licence: MIT License.',
};
