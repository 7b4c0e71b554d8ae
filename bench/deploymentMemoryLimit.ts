/**
 * The memory limit the shipped Kubernetes Deployment gives the team server's
 * container, read from the manifest itself, so the bench measures the server
 * under the same limit a team runs it with and the manifest stays the one
 * place that decides it.
 */
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';

const UNITS: Record<string, number> = { '': 1, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, K: 1000, M: 1000 ** 2, G: 1000 ** 3 };

/** A Kubernetes memory quantity ("512Mi", "1G", "268435456") in bytes. */
export function parseMemoryQuantity(quantity: string): number {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|K|M|G)?$/.exec(quantity.trim());
  if (!match) throw new Error(`"${quantity}" is not a memory quantity this bench understands (a number with Ki, Mi, Gi, K, M or G).`);
  return Math.round(Number(match[1]) * UNITS[match[2] ?? '']);
}

/** `resources.limits.memory` of the named container in the manifest's Deployment, in bytes. */
export function deploymentMemoryLimit(manifestFile: string, containerName: string): { quantity: string; bytes: number } {
  for (const doc of parseAllDocuments(readFileSync(manifestFile, 'utf8'))) {
    const manifest = doc.toJS() as { kind?: string; spec?: { template?: { spec?: { containers?: { name: string; resources?: { limits?: { memory?: string } } }[] } } } };
    if (manifest?.kind !== 'Deployment') continue;
    const container = manifest.spec?.template?.spec?.containers?.find((c) => c.name === containerName);
    const quantity = container?.resources?.limits?.memory;
    if (quantity) return { quantity, bytes: parseMemoryQuantity(quantity) };
  }
  throw new Error(`${manifestFile} has no Deployment container "${containerName}" with resources.limits.memory.`);
}
