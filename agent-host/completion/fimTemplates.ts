import type { FimFamily } from './fimTypes';

/** How one family of code models wants a fill-in-the-middle prompt written. */
export interface FimTemplate {
  family: FimFamily;
  /** The raw prompt (sent with `raw: true`, so Ollama adds nothing around it). */
  build(prefix: string, suffix: string): string;
  /**
   * Sentinels the model may emit when it considers the middle done or starts
   * a new file. They are not all end-of-sequence tokens for Ollama, so
   * without these stops the model runs on and the suggestion fills with junk.
   */
  stop: string[];
  /** Matches Ollama model names of this family (with or without a namespace or tag). */
  namePattern: RegExp;
  /** A sentinel whose presence in a model's template identifies the family when the name does not. */
  templateMarker?: string;
}

const STARCODER_STOPS = ['<fim_prefix>', '<fim_suffix>', '<fim_middle>', '<|endoftext|>', '<file_sep>', '<repo_name>', '<filename>'];

/**
 * The families named in the issue, with the prompt formats their model cards
 * document. Order matters for template sniffing: the first marker found wins.
 */
export const FIM_TEMPLATES: Record<FimFamily, FimTemplate> = {
  'qwen2.5-coder': {
    family: 'qwen2.5-coder',
    build: (prefix, suffix) => `<|fim_prefix|>${prefix}<|fim_suffix|>${suffix}<|fim_middle|>`,
    stop: ['<|endoftext|>', '<|fim_prefix|>', '<|fim_suffix|>', '<|fim_middle|>', '<|fim_pad|>', '<|repo_name|>', '<|file_sep|>', '<|im_start|>', '<|im_end|>'],
    // Qwen3-Coder kept Qwen2.5-Coder's FIM tokens, so it uses the same prompt.
    namePattern: /qwen(2\.5|3)?[-_.]?coder/i,
    templateMarker: '<|fim_prefix|>',
  },
  codellama: {
    family: 'codellama',
    // Code Llama's infilling format puts a space after <PRE> and before <SUF> and <MID>.
    build: (prefix, suffix) => `<PRE> ${prefix} <SUF>${suffix} <MID>`,
    stop: ['<EOT>', '<PRE>', '<SUF>', '<MID>', '</s>'],
    namePattern: /code[-_.]?llama/i,
    templateMarker: '<PRE>',
  },
  'deepseek-coder': {
    family: 'deepseek-coder',
    // These are full-width bars (U+FF5C) and the SentencePiece space (U+2581), as in the tokenizer.
    build: (prefix, suffix) => `<｜fim▁begin｜>${prefix}<｜fim▁hole｜>${suffix}<｜fim▁end｜>`,
    stop: ['<｜fim▁begin｜>', '<｜fim▁hole｜>', '<｜fim▁end｜>', '<｜end▁of▁sentence｜>', '<|EOT|>'],
    namePattern: /deepseek[-_.]?coder/i,
    templateMarker: 'fim▁begin',
  },
  starcoder2: {
    family: 'starcoder2',
    build: (prefix, suffix) => `<fim_prefix>${prefix}<fim_suffix>${suffix}<fim_middle>`,
    stop: STARCODER_STOPS,
    namePattern: /starcoder/i,
    templateMarker: '<fim_prefix>',
  },
  codestral: {
    family: 'codestral',
    // Codestral takes the suffix first; the model then writes the middle after the prefix.
    build: (prefix, suffix) => `[SUFFIX]${suffix}[PREFIX]${prefix}`,
    stop: ['[PREFIX]', '[SUFFIX]', '[MIDDLE]', '[INST]', '</s>'],
    namePattern: /codestral/i,
    templateMarker: '[SUFFIX]',
  },
  codegemma: {
    family: 'codegemma',
    build: (prefix, suffix) => `<|fim_prefix|>${prefix}<|fim_suffix|>${suffix}<|fim_middle|>`,
    stop: ['<|fim_prefix|>', '<|fim_suffix|>', '<|fim_middle|>', '<|file_separator|>', '<end_of_turn>', '<eos>'],
    namePattern: /codegemma/i,
    // CodeGemma shares Qwen's prefix marker; its file separator tells them apart.
    templateMarker: '<|file_separator|>',
  },
  'granite-code': {
    family: 'granite-code',
    // Granite Code was trained with StarCoder's tokenizer and FIM sentinels.
    build: (prefix, suffix) => `<fim_prefix>${prefix}<fim_suffix>${suffix}<fim_middle>`,
    stop: STARCODER_STOPS,
    // Its template looks like StarCoder's, so it is only recognised by name.
    namePattern: /granite[-_.]?(\d+(\.\d+)?[-_.]?)?code/i,
  },
};

/** Every sentinel of every family, so leaked tokens can be cut from any model's output. */
export const ALL_FIM_SENTINELS: string[] = [...new Set(Object.values(FIM_TEMPLATES).flatMap((t) => t.stop))];

/** The family a model name belongs to, by the names Ollama's library uses. */
export function familyFromName(model: string): FimFamily | undefined {
  const order: FimFamily[] = ['granite-code', 'codegemma', 'qwen2.5-coder', 'codellama', 'deepseek-coder', 'starcoder2', 'codestral'];
  return order.find((family) => FIM_TEMPLATES[family].namePattern.test(model));
}

/** The family whose sentinels appear in a model's template (for renamed or custom models). */
export function familyFromTemplate(template: string | undefined): FimFamily | undefined {
  if (!template) return undefined;
  // CodeGemma first: its template also contains Qwen's <|fim_prefix|>.
  const order: FimFamily[] = ['codegemma', 'qwen2.5-coder', 'deepseek-coder', 'starcoder2', 'codestral', 'codellama'];
  return order.find((family) => {
    const marker = FIM_TEMPLATES[family].templateMarker;
    return marker !== undefined && template.includes(marker);
  });
}
