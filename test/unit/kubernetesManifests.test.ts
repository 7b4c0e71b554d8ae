/**
 * The Kubernetes manifests in deploy/kubernetes, validated offline against
 * the Kubernetes schemas, and checked for what a schema cannot see: probes
 * that reach the health port the config opens, selectors that select the
 * pods, Secrets and keys that exist, and a config.yaml the server accepts.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { loadServerConfig, parseArgs } from '../../agent-host/server/config/loadServerConfig';
import { validateManifests, type K8sObject } from './kubernetesManifestValidator';

const DIR = join(process.cwd(), 'deploy', 'kubernetes');

function manifestFiles(): string[] {
  return readdirSync(DIR)
    .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
    .sort();
}

function loadAll(): K8sObject[] {
  const all: K8sObject[] = [];
  const problems: string[] = [];
  for (const file of manifestFiles()) {
    const result = validateManifests(readFileSync(join(DIR, file), 'utf8'), file);
    all.push(...result.objects);
    problems.push(...result.problems);
  }
  assert.deepEqual(problems, []);
  return all;
}

function find(objects: K8sObject[], kind: string, name: string): K8sObject {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  assert.ok(o, `${kind} ${name} is in deploy/kubernetes`);
  return o;
}

describe('Kubernetes manifests (deploy/kubernetes)', () => {
  it('every manifest is valid against the Kubernetes schemas, and kustomization.yaml lists them all', () => {
    const objects = loadAll();
    assert.ok(objects.length >= 8, `${objects.length} objects`);
    const kustomization = parseYaml(readFileSync(join(DIR, 'kustomization.yaml'), 'utf8')) as { resources: string[] };
    assert.deepEqual([...kustomization.resources].sort(), manifestFiles());
  });

  it('a planted invalid manifest fails, with the path of the problem', () => {
    const deployment = readFileSync(join(DIR, 'deployment.yaml'), 'utf8');
    const planted = deployment.replace('\nspec:\n', '\nspec:\n  replicas: two\n').replace(/port: 50052\n/, 'port: health-port\n');
    assert.notEqual(planted, deployment);
    const { problems } = validateManifests(planted, 'planted.yaml');
    assert.equal(problems.length, 1, problems.join('\n'));
    assert.match(problems[0], /spec\/replicas must be integer/);
    assert.match(problems[0], /startupProbe\/grpc\/port must be integer/);
    assert.match(validateManifests('apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n', 'pod.yaml').problems.join(), /no schema for v1 Pod/);
    assert.match(validateManifests('apiVersion: v1\nkind: Service\nmetadata: {}\nspec: {}\n', 'svc.yaml').problems.join(), /metadata\.name is required/);
  });

  it('runs 2+ replicas, probes grpc.health.v1 on the health port that config.yaml opens, and outlasts the shutdown grace', () => {
    const objects = loadAll();
    const deployment = find(objects, 'Deployment', 'hearth-agent-host');
    // The autoscaler owns the count; a count in the Deployment would reset it on every apply.
    assert.equal(deployment.spec.replicas, undefined, 'the Deployment leaves its replica count to the autoscaler');
    const hpa = find(objects, 'HorizontalPodAutoscaler', 'hearth-agent-host');
    assert.deepEqual(hpa.spec.scaleTargetRef, { apiVersion: deployment.apiVersion, kind: 'Deployment', name: deployment.metadata.name }, 'the autoscaler scales this Deployment');
    assert.ok(hpa.spec.minReplicas >= 2 && hpa.spec.maxReplicas > hpa.spec.minReplicas, 'never fewer than 2 replicas, and room to add more');
    // A drain must be able to take one pod even at the autoscaler's minimum.
    assert.ok(find(objects, 'PodDisruptionBudget', 'hearth-agent-host').spec.minAvailable < hpa.spec.minReplicas, 'a node drain can proceed at the minimum');
    const cpu = hpa.spec.metrics.find((m: { type: string; resource?: { name: string } }) => m.type === 'Resource' && m.resource?.name === 'cpu');
    assert.ok(cpu, 'the autoscaler follows CPU');
    // About 100 developers per core: the scale-out point must come before one pod's core is full.
    assert.equal(cpu.resource.target.type, 'AverageValue', 'an absolute CPU target, independent of the request');
    const cores = (q: string) => (q.endsWith('m') ? Number(q.slice(0, -1)) / 1000 : Number(q));
    assert.ok(cores(cpu.resource.target.averageValue) > 0 && cores(cpu.resource.target.averageValue) < 1, `scales out below a full core (${cpu.resource.target.averageValue})`);
    const pod = deployment.spec.template;
    for (const [k, v] of Object.entries(deployment.spec.selector.matchLabels)) assert.equal(pod.metadata.labels[k], v, 'the selector selects the pods');
    const container = pod.spec.containers[0];
    const { config, warnings } = loadServerConfig({
      args: parseArgs(['--config', 'config.yaml']),
      env: { HEARTH_JWT_SECRET: 'x'.repeat(48), HEARTH_REDIS_PASSWORD: 'from-the-secret' },
      readFile: () => find(objects, 'ConfigMap', 'hearth-config').data['config.yaml'],
    });
    assert.deepEqual(warnings.filter((w) => /is not a setting/.test(w)), [], 'every key of the shipped config.yaml is read');
    assert.equal(config.state.store, 'redis', 'replicas share state through Redis');
    const healthPort = container.ports.find((p: { name: string }) => p.name === 'health').containerPort;
    assert.equal(healthPort, config.server.healthPort);
    for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) assert.equal(container[probe].grpc.port, healthPort, `${probe} uses gRPC health on the plaintext health port`);
    assert.equal(container.livenessProbe.grpc.service, 'liveness', 'liveness does not restart replicas while Redis is down');
    assert.equal(container.ports.find((p: { name: string }) => p.name === 'grpc').containerPort, config.server.port);
    assert.ok(pod.spec.terminationGracePeriodSeconds * 1000 > config.server.shutdownGraceMs, 'running turns get their grace before the kill');
    const mounted = (path: string) => container.volumeMounts.some((m: { mountPath: string }) => path.startsWith(m.mountPath));
    for (const path of [config.tls.certFile, config.tls.keyFile, config.auth.apiKeysFile]) assert.ok(mounted(path), `${path} is mounted`);
    const redisService = find(objects, 'Service', new URL(config.state.redisUrl).hostname);
    assert.equal(redisService.spec.ports[0].port, Number(new URL(config.state.redisUrl).port));
    // Only the team server's pods reach Redis.
    const policy = find(objects, 'NetworkPolicy', 'hearth-redis');
    assert.deepEqual(policy.spec.podSelector.matchLabels, redisService.spec.selector);
    assert.deepEqual(policy.spec.ingress[0].from[0].podSelector.matchLabels, pod.metadata.labels);
  });

  it('every Secret, key and ConfigMap the pods use exists, and the Services select pods that exist', () => {
    const objects = loadAll();
    const pods = objects.filter((o) => o.kind === 'Deployment').map((d) => d.spec.template);
    for (const pod of pods) {
      for (const c of pod.spec.containers) {
        for (const e of c.env ?? []) {
          const ref = e.valueFrom?.secretKeyRef;
          if (ref) assert.ok(ref.key in find(objects, 'Secret', ref.name).stringData, `Secret ${ref.name} has ${ref.key}`);
        }
      }
      for (const v of pod.spec.volumes ?? []) {
        if (v.secret) {
          const secret = find(objects, 'Secret', v.secret.secretName);
          for (const item of v.secret.items ?? []) assert.ok(item.key in secret.stringData, `Secret ${secret.metadata.name} has ${item.key}`);
        }
        if (v.configMap) find(objects, 'ConfigMap', v.configMap.name);
      }
    }
    for (const service of objects.filter((o) => o.kind === 'Service')) {
      const selected = pods.filter((p) => Object.entries(service.spec.selector).every(([k, v]) => p.metadata.labels[k] === v));
      assert.equal(selected.length, 1, `Service ${service.metadata.name} selects one Deployment's pods`);
      for (const port of service.spec.ports) assert.ok(selected[0].spec.containers.some((c: { ports: { name: string }[] }) => c.ports.some((p) => p.name === port.targetPort)), `${service.metadata.name}: targetPort ${port.targetPort} exists`);
    }
  });
});
