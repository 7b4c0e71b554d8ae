import type { Connection } from 'vscode-languageserver/node';
import { normalizeBaseUrl } from '../../agent-host';
import { ProviderApiKeyRequest } from '../../protocol/lspMethods';
import { guarded } from '../guarded';
import type { ProviderKeys } from './providerKeys';

/** The editor hands over a provider's API key; only its presence is ever logged. */
export function registerProviderHandlers(connection: Connection, keys: ProviderKeys): void {
  connection.onRequest(
    ProviderApiKeyRequest.type,
    guarded(async (p) => {
      if (typeof p?.provider !== 'string' || typeof p.baseUrl !== 'string' || (p.apiKey !== undefined && typeof p.apiKey !== 'string')) {
        throw new Error('hearth/providers/apiKey needs a provider name, its baseUrl and optionally a string apiKey.');
      }
      keys.set(p.provider, normalizeBaseUrl(p.baseUrl), p.apiKey);
      return {};
    }),
  );
}
