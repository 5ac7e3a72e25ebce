/** Lookups the checks share: objects by kind, workloads by component, the one ConfigMap and Secret, schema checks. */
import { ConfigSchema, loadConfig } from '@smart-reap/shared';
import type { Container, Deployment, K8sObject, Labels, Workload } from './shapes.js';

export const SECRET_EXAMPLE = 'secret.example.yaml';
export const CONFIG_KEYS = new Set(Object.keys(ConfigSchema.shape));
/** Secrets: never in a ConfigMap, never a literal in a manifest. */
export const SECRET_KEYS = new Set(['REDIS_URL', 'API_TOKEN', 'ESCALATION_WEBHOOK_URL']);
/** Per-workload settings: set on the container, not shared through the ConfigMap. */
export const PER_WORKLOAD_KEYS = new Set(['NODE_NAME', 'PROBER_QUEUES']);

export const ofKind = <T extends K8sObject = K8sObject>(d: Deployment, kind: string): T[] =>
  d.objects.filter((o) => o.kind === kind) as T[];
export const workloads = (d: Deployment): Workload[] =>
  d.objects.filter((o): o is Workload => o.kind === 'Deployment' || o.kind === 'DaemonSet');
export const componentOf = (w: Workload): string =>
  w.spec?.template?.metadata?.labels?.['app.kubernetes.io/component'] ?? '(no component label)';
export const id = (o: K8sObject): string => `${o.kind}/${o.metadata?.name}`;
export const allContainers = (w: Workload): Container[] => [
  ...(w.spec.template.spec.initContainers ?? []),
  ...w.spec.template.spec.containers,
];
/** `matchLabels` selects `labels` (every selector pair is among the labels; an empty selector selects nothing here). */
export const selects = (selector: Labels | undefined, labels: Labels | undefined): boolean =>
  !!selector &&
  Object.keys(selector).length > 0 &&
  Object.entries(selector).every(([k, v]) => labels?.[k] === v);

export function theConfigMap(d: Deployment): K8sObject | undefined {
  return ofKind(d, 'ConfigMap').find((c) => c.metadata.name === 'smart-reap-config');
}
export function theSecret(d: Deployment): K8sObject | undefined {
  return ofKind(d, 'Secret').find((c) => c.metadata.name === 'smart-reap-secrets');
}
export function secretData(d: Deployment): Record<string, string> {
  const s = theSecret(d);
  const decoded = Object.fromEntries(
    Object.entries(s?.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]),
  );
  return { ...decoded, ...(s?.stringData ?? {}) };
}
/** The PORT every service listens on, as the ConfigMap sets it (or the schema default). */
export function configuredPort(d: Deployment): number {
  return loadConfig({}, { ...(theConfigMap(d)?.data ?? {}), REDIS_URL: 'redis://localhost:6379' }).PORT;
}
export function configProblems(label: string, env: Record<string, string>): string[] {
  try {
    loadConfig({}, env);
    return [];
  } catch (e) {
    return [`${label}: ${(e as Error).message}`];
  }
}
export const SERVICE_OF_COMPONENT: Record<string, string> = {
  reaper: 'reaper',
  diagnoser: 'diagnoser',
  'prober-shared': 'prober',
  'prober-local': 'prober',
};
