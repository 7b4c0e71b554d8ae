/**
 * What to do after Ollama's pull failed, by its reason (server/images.go
 * `PullModel`, server/download.go `blobDownload.run`), as a sentence to add
 * after that reason ('' when there is nothing better to say than the reason):
 * - "pull model manifest: file does not exist": the registry has no such
 *   name or tag (other manifest failures, such as no network, say so themselves);
 * - "no space left on device": the download stopped at once, the disk is full;
 * - anything else once bytes flowed ("max retries exceeded: …", a dropped
 *   connection): the parts already written stay as `-partial` files, which
 *   the next pull of the same model continues from (`blobDownload.Prepare`).
 */
export function pullAdvice(model: string, reason: string): string {
  if (/^pull model manifest: file does not exist/.test(reason)) return '. Check the model name and tag at https://ollama.com/library.';
  if (/no space left on device/i.test(reason)) return `. Free disk space where Ollama keeps its models, then download ${model} again: Ollama keeps what it has downloaded.`;
  if (/max retries exceeded|connection reset|timeout|EOF|unexpected status code|part stalled/i.test(reason)) return `. Download ${model} again to continue: Ollama keeps what it has downloaded.`;
  return '';
}
