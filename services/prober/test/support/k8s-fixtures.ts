import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Recorded Kubernetes API answers (JSON as the API server sends it) in test/fixtures/k8s. */
export const K8S_FIXTURES = ['running', 'oomkilled', 'segfault-139', 'sigterm-143', 'crashloopbackoff', 'pending', 'not-found-404'] as const;
export type K8sFixture = (typeof K8S_FIXTURES)[number];

export function k8sFixtureText(name: K8sFixture): string {
  return readFileSync(fileURLToPath(new URL(`../fixtures/k8s/${name}.json`, import.meta.url)), 'utf8');
}

export function k8sFixture(name: K8sFixture): { kind: string; code?: number; metadata?: { name?: string; namespace?: string } } {
  return JSON.parse(k8sFixtureText(name));
}
