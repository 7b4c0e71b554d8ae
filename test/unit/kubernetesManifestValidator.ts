/**
 * Validates Kubernetes manifests offline against the API's JSON schemas, as
 * shipped (compiled) in the `kubernetes-models` package: types, required
 * fields, formats. A kind without a schema here is a problem too, so a new
 * manifest cannot slip through unchecked.
 */
import { parseAllDocuments } from 'yaml';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';

type Model = new (data: any) => { validate(): void };

const MODELS: Record<string, Model> = {
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'networking.k8s.io/v1/Ingress': Ingress,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
};

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  [field: string]: any;
}

/** The objects in a multi-document YAML text, and every problem found in them (empty when valid). */
export function validateManifests(text: string, file: string): { objects: K8sObject[]; problems: string[] } {
  const problems: string[] = [];
  const objects: K8sObject[] = [];
  for (const [i, doc] of parseAllDocuments(text).entries()) {
    const where = `${file} document ${i + 1}`;
    if (doc.errors.length > 0) {
      problems.push(`${where}: ${doc.errors.map((e) => e.message).join('; ')}`);
      continue;
    }
    const value = doc.toJS() as K8sObject | null;
    if (value === null) continue;
    const model = MODELS[`${value.apiVersion}/${value.kind}`];
    if (!model) {
      problems.push(`${where}: no schema for ${value.apiVersion} ${value.kind} (add it to kubernetesManifestValidator.ts)`);
      continue;
    }
    if (typeof value.metadata?.name !== 'string' || value.metadata.name === '') problems.push(`${where}: metadata.name is required`);
    try {
      new model(value).validate();
      objects.push(value);
    } catch (err) {
      problems.push(`${where} (${value.kind} ${value.metadata?.name}): ${(err as Error).message}`);
    }
  }
  return { objects, problems };
}
