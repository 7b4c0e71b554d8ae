/**
 * The providers' API keys, in this process's memory only. The extension reads
 * them from SecretStorage and hands each one over (`hearth/providers/apiKey`);
 * nothing here writes them to disk or to a log. A key belongs to a provider's
 * name and URL together: if the setting later points that name at another
 * URL, the key is not sent there.
 */
export class ProviderKeys {
  private readonly keys = new Map<string, string>();

  private static slot(provider: string, baseUrl: string): string {
    return `${provider}\n${baseUrl}`;
  }

  set(provider: string, baseUrl: string, apiKey: string | undefined): void {
    const slot = ProviderKeys.slot(provider, baseUrl);
    if (apiKey) this.keys.set(slot, apiKey);
    else this.keys.delete(slot);
  }

  get(provider: string, baseUrl: string): string | undefined {
    return this.keys.get(ProviderKeys.slot(provider, baseUrl));
  }
}
