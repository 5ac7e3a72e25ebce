/**
 * Cross-checks the deployment files against each other and against the code they deploy:
 * deploy/k8s/*.yaml, docker-compose.yml, Dockerfile, .dockerignore, package.json and the config
 * schema of packages/shared. Each check is a pure function that returns the problems it found;
 * the last block runs them on deliberately broken copies to prove they catch real drift.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { ConfigSchema, loadConfig } from '@smart-reap/shared';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const K8S_DIR = join(ROOT, 'deploy', 'k8s');
const SECRET_EXAMPLE = 'secret.example.yaml';
const CONFIG_KEYS = new Set(Object.keys(ConfigSchema.shape));
/** Secrets: never in a ConfigMap, never a literal in a manifest. */
const SECRET_KEYS = new Set(['REDIS_URL', 'API_TOKEN', 'ESCALATION_WEBHOOK_URL']);
/** Per-workload settings: set on the container, not shared through the ConfigMap. */
const PER_WORKLOAD_KEYS = new Set(['NODE_NAME', 'PROBER_QUEUES']);

// ---- shapes (only what the checks read) ---------------------------------------------------------

type Labels = Record<string, string>;
interface Meta {
  name: string;
  namespace?: string;
  labels?: Labels;
  annotations?: Record<string, string>;
}
interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name: string; key: string; optional?: boolean };
    configMapKeyRef?: { name: string; key: string; optional?: boolean };
    fieldRef?: { fieldPath: string };
  };
}
interface HttpProbe {
  httpGet?: { path: string; port: number | string };
}
interface SecurityContext {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  runAsGroup?: number;
  privileged?: boolean;
  allowPrivilegeEscalation?: boolean;
  readOnlyRootFilesystem?: boolean;
  capabilities?: { add?: string[]; drop?: string[] };
  seccompProfile?: { type: string };
}
interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  ports?: { name?: string; containerPort: number }[];
  env?: EnvVar[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  livenessProbe?: HttpProbe;
  readinessProbe?: HttpProbe;
  startupProbe?: HttpProbe;
  lifecycle?: { preStop?: { exec?: { command: string[] } } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: SecurityContext;
  volumeMounts?: { name: string; mountPath: string }[];
}
interface PodSpec {
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  hostPID?: boolean;
  hostNetwork?: boolean;
  hostIPC?: boolean;
  terminationGracePeriodSeconds?: number;
  securityContext?: SecurityContext;
  topologySpreadConstraints?: { labelSelector?: { matchLabels?: Labels } }[];
  initContainers?: Container[];
  containers: Container[];
  volumes?: { name: string; hostPath?: { path: string; type?: string }; emptyDir?: object }[];
}
interface WorkloadSpec {
  replicas?: number;
  selector: { matchLabels: Labels };
  template: { metadata: { labels: Labels }; spec: PodSpec };
}
interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}
interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: Meta;
  spec?: unknown;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  rules?: PolicyRule[];
  roleRef?: { apiGroup: string; kind: string; name: string };
  subjects?: { kind: string; name: string; namespace?: string }[];
  automountServiceAccountToken?: boolean;
}
interface Workload extends K8sObject {
  kind: 'Deployment' | 'DaemonSet';
  spec: WorkloadSpec;
}
interface ServiceSpec {
  selector: Labels;
  ports: { name?: string; port: number; targetPort?: number | string }[];
}
interface HpaSpec {
  scaleTargetRef: { apiVersion: string; kind: string; name: string };
  minReplicas?: number;
  maxReplicas: number;
}
interface PdbSpec {
  selector: { matchLabels: Labels };
  minAvailable?: number | string;
  maxUnavailable?: number | string;
}
interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  entrypoint?: unknown;
  environment?: Record<string, string | number | boolean | null>;
  ports?: string[];
  pid?: string;
  uts?: string;
  user?: string;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  volumes?: (string | { type: string; source: string; target: string; bind?: { create_host_path?: boolean } })[];
}
interface Compose {
  services: Record<string, ComposeService>;
}
interface Deployment {
  objects: K8sObject[];
  compose: Compose;
}

// ---- loading ------------------------------------------------------------------------------------

function read(rel: string): string {
  return readFileSync(join(ROOT, rel), 'utf8');
}

function parseDocs(text: string, file: string): K8sObject[] {
  const out: K8sObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
    const js = doc.toJS() as K8sObject | null;
    if (js) out.push(js);
  }
  return out;
}

/** Compose's own interpolation, with every variable unset: `${X:-d}` → d, `${X}` → '', `$$` → `$`. */
function interpolate(text: string, env: Record<string, string> = {}): string {
  return text.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])((?:[^}$]|\$\{[^}]*\})*))?\}/g, (m, name, colon, op, arg) => {
    if (m === '$$') return '$';
    const v = env[name as string];
    const missing = v === undefined || (colon === ':' && v === '');
    if (!missing) return v;
    if (op === '-') return interpolate(String(arg ?? ''), env);
    if (op === '?') throw new Error(`compose variable ${name} is required: ${arg}`);
    return '';
  });
}

function k8sFiles(): string[] {
  return readdirSync(K8S_DIR)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
}

function loadDeployment(): Deployment {
  const objects = k8sFiles()
    .filter((f) => f !== 'kustomization.yaml')
    .flatMap((f) => parseDocs(read(`deploy/k8s/${f}`), f));
  // API_TOKEN is required (`${API_TOKEN:?…}`): the reaper binds 0.0.0.0 in its container.
  const compose = parse(interpolate(read('docker-compose.yml'), { API_TOKEN: 'CHANGE-ME' }), { merge: true }) as Compose;
  return { objects, compose };
}

// ---- helpers ------------------------------------------------------------------------------------

const ofKind = <T extends K8sObject = K8sObject>(d: Deployment, kind: string): T[] =>
  d.objects.filter((o) => o.kind === kind) as T[];
const workloads = (d: Deployment): Workload[] =>
  d.objects.filter((o): o is Workload => o.kind === 'Deployment' || o.kind === 'DaemonSet');
const componentOf = (w: Workload): string =>
  w.spec?.template?.metadata?.labels?.['app.kubernetes.io/component'] ?? '(no component label)';
const id = (o: K8sObject): string => `${o.kind}/${o.metadata?.name}`;
const allContainers = (w: Workload): Container[] => [
  ...(w.spec.template.spec.initContainers ?? []),
  ...w.spec.template.spec.containers,
];
/** `matchLabels` selects `labels` (every selector pair is among the labels; an empty selector selects nothing here). */
const selects = (selector: Labels | undefined, labels: Labels | undefined): boolean =>
  !!selector &&
  Object.keys(selector).length > 0 &&
  Object.entries(selector).every(([k, v]) => labels?.[k] === v);

function theConfigMap(d: Deployment): K8sObject | undefined {
  return ofKind(d, 'ConfigMap').find((c) => c.metadata.name === 'smart-reap-config');
}
function theSecret(d: Deployment): K8sObject | undefined {
  return ofKind(d, 'Secret').find((c) => c.metadata.name === 'smart-reap-secrets');
}
function secretData(d: Deployment): Record<string, string> {
  const s = theSecret(d);
  const decoded = Object.fromEntries(
    Object.entries(s?.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]),
  );
  return { ...decoded, ...(s?.stringData ?? {}) };
}
/** The PORT every service listens on, as the ConfigMap sets it (or the schema default). */
function configuredPort(d: Deployment): number {
  return loadConfig({}, { ...(theConfigMap(d)?.data ?? {}), REDIS_URL: 'redis://localhost:6379' }).PORT;
}
function configProblems(label: string, env: Record<string, string>): string[] {
  try {
    loadConfig({}, env);
    return [];
  } catch (e) {
    return [`${label}: ${(e as Error).message}`];
  }
}

/** The command the `reaper` script of package.json runs, as argv from the repository root. */
function reaperScriptArgv(packageJson: { scripts?: Record<string, string> }): string[] {
  const script = packageJson.scripts?.reaper;
  if (!script) throw new Error('package.json has no "reaper" script');
  if (/[;&|<>$`'"\\]/.test(script)) throw new Error(`the reaper script is not a plain command any more: ${script}`);
  const [bin, ...rest] = script.trim().split(/\s+/);
  return [bin === 'node' ? 'node' : `node_modules/.bin/${bin}`, ...rest];
}
const SERVICE_OF_COMPONENT: Record<string, string> = {
  reaper: 'reaper',
  diagnoser: 'diagnoser',
  'prober-shared': 'prober',
  'prober-local': 'prober',
};

// ---- checks -------------------------------------------------------------------------------------

/** ConfigMap and Secret: keys are config variables, values pass the schema. */
function checkConfig(d: Deployment): string[] {
  const problems: string[] = [];
  const cms = ofKind(d, 'ConfigMap');
  const cm = theConfigMap(d);
  if (!cm) return ['no ConfigMap smart-reap-config'];
  for (const c of cms) {
    for (const key of Object.keys(c.data ?? {})) {
      if (!CONFIG_KEYS.has(key)) problems.push(`${id(c)}: key ${key} is not a config variable`);
      if (SECRET_KEYS.has(key)) problems.push(`${id(c)}: ${key} is a secret and belongs in the Secret`);
      if (PER_WORKLOAD_KEYS.has(key)) problems.push(`${id(c)}: ${key} is set per workload, not shared`);
    }
    for (const [key, v] of Object.entries(c.data ?? {}))
      if (typeof v !== 'string') problems.push(`${id(c)}: ${key} must be a quoted string (YAML gave ${typeof v})`);
  }
  problems.push(...configProblems(`${id(cm)} + REDIS_URL`, { ...cm.data, REDIS_URL: 'redis://localhost:6379' }));
  const secret = theSecret(d);
  if (!secret) return [...problems, 'no Secret smart-reap-secrets (secret.example.yaml)'];
  const sd = secretData(d);
  for (const key of Object.keys(sd)) {
    if (!CONFIG_KEYS.has(key)) problems.push(`${id(secret)}: key ${key} is not a config variable`);
    if (!SECRET_KEYS.has(key)) problems.push(`${id(secret)}: ${key} is not a secret, put it in the ConfigMap`);
    if (!/CHANGE-ME/.test(sd[key] ?? '')) problems.push(`${id(secret)}: ${key} must be an obvious placeholder (CHANGE-ME)`);
  }
  for (const key of ['REDIS_URL', 'API_TOKEN'])
    if (!(key in sd)) problems.push(`${id(secret)}: missing ${key}`);
  problems.push(...configProblems(`${id(cm)} + ${id(secret)}`, { ...cm.data, ...sd }));
  return problems;
}

/** Every container's environment: names are config variables, references resolve, values pass the schema. */
function checkEnvironment(d: Deployment): string[] {
  const problems: string[] = [];
  const configMaps = new Map(ofKind(d, 'ConfigMap').map((c) => [c.metadata.name, c.data ?? {}]));
  const secretName = theSecret(d)?.metadata.name;
  const secretKeys = secretData(d);
  for (const w of workloads(d)) {
    for (const c of allContainers(w)) {
      const where = `${id(w)} container ${c.name}`;
      const effective: Record<string, string> = {};
      for (const from of c.envFrom ?? []) {
        if (from.secretRef) problems.push(`${where}: envFrom secretRef would load keys unchecked; use secretKeyRef`);
        if (!from.configMapRef) continue;
        const data = configMaps.get(from.configMapRef.name);
        if (!data) problems.push(`${where}: envFrom ConfigMap ${from.configMapRef.name} does not exist`);
        Object.assign(effective, data ?? {});
      }
      const seen = new Set<string>();
      for (const e of c.env ?? []) {
        if (!CONFIG_KEYS.has(e.name)) problems.push(`${where}: env ${e.name} is not a config variable`);
        if (seen.has(e.name)) problems.push(`${where}: env ${e.name} set twice`);
        seen.add(e.name);
        if (e.value !== undefined) {
          if (SECRET_KEYS.has(e.name)) problems.push(`${where}: ${e.name} is a secret, never a literal`);
          effective[e.name] = String(e.value);
        }
        const ref = e.valueFrom;
        if (ref?.secretKeyRef) {
          if (ref.secretKeyRef.name !== secretName)
            problems.push(`${where}: env ${e.name} refers to Secret ${ref.secretKeyRef.name}, not ${secretName}`);
          if (ref.secretKeyRef.key !== e.name)
            problems.push(`${where}: env ${e.name} reads Secret key ${ref.secretKeyRef.key} (keys are config names)`);
          const v = secretKeys[ref.secretKeyRef.key];
          if (v !== undefined) effective[e.name] = v;
          else if (!ref.secretKeyRef.optional)
            problems.push(`${where}: Secret key ${ref.secretKeyRef.key} is missing and not optional`);
        }
        if (ref?.configMapKeyRef) {
          const v = configMaps.get(ref.configMapKeyRef.name)?.[ref.configMapKeyRef.key];
          if (v !== undefined) effective[e.name] = v;
          else if (!ref.configMapKeyRef.optional)
            problems.push(`${where}: ConfigMap key ${ref.configMapKeyRef.name}/${ref.configMapKeyRef.key} is missing`);
        }
        if (ref?.fieldRef) effective[e.name] = 'node-a.example';
        if (e.value === undefined && !ref) problems.push(`${where}: env ${e.name} has neither value nor valueFrom`);
      }
      const isService = (w.spec.template.spec.containers ?? []).includes(c);
      if (isService) {
        if (effective.REDIS_URL === undefined) problems.push(`${where}: no REDIS_URL`);
        problems.push(...configProblems(where, effective));
      }
    }
  }
  return problems;
}

/** Ports, probes, resources, security and shutdown of every workload. */
function checkPods(d: Deployment): string[] {
  const problems: string[] = [];
  const port = configuredPort(d);
  for (const w of workloads(d)) {
    const pod = w.spec.template.spec;
    const where = id(w);
    if (pod.containers.length !== 1) problems.push(`${where}: expected one service container`);
    const grace = pod.terminationGracePeriodSeconds ?? 30;
    if (grace < 15) problems.push(`${where}: terminationGracePeriodSeconds ${grace} < 15 (services take up to 10 s)`);
    const psc = pod.securityContext ?? {};
    if (psc.runAsNonRoot !== true) problems.push(`${where}: pod securityContext.runAsNonRoot must be true`);
    if (!psc.runAsUser) problems.push(`${where}: pod securityContext.runAsUser must be a non-root uid`);
    if (psc.seccompProfile?.type !== 'RuntimeDefault') problems.push(`${where}: seccompProfile must be RuntimeDefault`);
    if (!pod.serviceAccountName) problems.push(`${where}: no serviceAccountName`);
    for (const t of pod.topologySpreadConstraints ?? [])
      if (!selects(t.labelSelector?.matchLabels, w.spec.template.metadata.labels))
        problems.push(`${where}: topologySpreadConstraint selects other pods than its own`);
    for (const c of allContainers(w)) {
      const cw = `${where} container ${c.name}`;
      for (const kind of ['requests', 'limits'] as const)
        for (const r of ['cpu', 'memory'])
          if (!c.resources?.[kind]?.[r]) problems.push(`${cw}: no resources.${kind}.${r}`);
      const sc = c.securityContext ?? {};
      if (sc.allowPrivilegeEscalation !== false) problems.push(`${cw}: allowPrivilegeEscalation must be false`);
      if (sc.privileged) problems.push(`${cw}: privileged`);
      if (!sc.capabilities?.drop?.includes('ALL')) problems.push(`${cw}: capabilities must drop ALL`);
      if (sc.capabilities?.add?.length) problems.push(`${cw}: adds capabilities ${sc.capabilities.add.join(',')}`);
      if (sc.runAsUser === 0 || sc.runAsNonRoot === false) problems.push(`${cw}: runs as root`);
      if (c.image !== 'smart-reap') problems.push(`${cw}: image ${c.image}, expected smart-reap (set by kustomization images)`);
    }
    for (const c of pod.containers) {
      const cw = `${where} container ${c.name}`;
      const named = new Map((c.ports ?? []).map((p) => [p.name, p.containerPort]));
      if (!(c.ports ?? []).some((p) => p.containerPort === port))
        problems.push(`${cw}: no containerPort ${port} (PORT)`);
      for (const p of c.ports ?? [])
        if (p.containerPort !== port) problems.push(`${cw}: containerPort ${p.containerPort} is not PORT ${port}`);
      const probes: [string, HttpProbe | undefined, string, boolean][] = [
        ['livenessProbe', c.livenessProbe, '/healthz', true],
        ['readinessProbe', c.readinessProbe, '/readyz', true],
        ['startupProbe', c.startupProbe, '/healthz', false],
      ];
      for (const [name, probe, path, required] of probes) {
        if (!probe) {
          if (required) problems.push(`${cw}: no ${name}`);
          continue;
        }
        if (probe.httpGet?.path !== path) problems.push(`${cw}: ${name} path ${probe.httpGet?.path}, expected ${path}`);
        const p = probe.httpGet?.port;
        const resolved = typeof p === 'string' ? named.get(p) : p;
        if (resolved !== port) problems.push(`${cw}: ${name} port ${String(p)} is not PORT ${port}`);
      }
      const preStop = c.lifecycle?.preStop?.exec?.command;
      if (preStop) {
        const sleep = preStop[0] === 'sleep' ? Number(preStop[1]) : NaN;
        if (!Number.isFinite(sleep)) problems.push(`${cw}: preStop is not a plain sleep`);
        else if (grace < sleep + 10) problems.push(`${where}: grace ${grace} s < preStop ${sleep} s + 10 s shutdown`);
      }
      if (c.command) problems.push(`${cw}: sets command, which drops the image's tini entrypoint; use args`);
    }
    const hostPaths = (pod.volumes ?? []).filter((v) => v.hostPath);
    if (w.kind === 'Deployment' && (pod.hostPID || pod.hostNetwork || pod.hostIPC || hostPaths.length))
      problems.push(`${where}: only the host-local prober may use host namespaces or hostPath`);
    if (pod.hostNetwork || pod.hostIPC) problems.push(`${where}: hostNetwork/hostIPC are never needed`);
    const volumeNames = new Set((pod.volumes ?? []).map((v) => v.name));
    for (const c of allContainers(w))
      for (const m of c.volumeMounts ?? [])
        if (!volumeNames.has(m.name)) problems.push(`${where} container ${c.name}: mounts unknown volume ${m.name}`);
  }
  return problems;
}

/** Which workloads exist, and that Services, PDBs and HPAs point at them. */
function checkTopology(d: Deployment): string[] {
  const problems: string[] = [];
  const ws = workloads(d);
  const namespaces = new Set(ofKind(d, 'Namespace').map((n) => n.metadata.name));
  const clusterScoped = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding']);
  for (const o of d.objects) {
    if (!o.apiVersion || !o.kind || !o.metadata?.name) problems.push(`${id(o)}: apiVersion, kind and metadata.name are required`);
    if (clusterScoped.has(o.kind)) continue;
    if (!o.metadata.namespace) problems.push(`${id(o)}: no metadata.namespace`);
    else if (!namespaces.has(o.metadata.namespace)) problems.push(`${id(o)}: namespace ${o.metadata.namespace} is not declared`);
  }
  const expected: [string, Workload['kind']][] = [
    ['reaper', 'Deployment'],
    ['diagnoser', 'Deployment'],
    ['prober-shared', 'Deployment'],
    ['prober-local', 'DaemonSet'],
  ];
  for (const [component, kind] of expected) {
    const found = ws.filter((w) => componentOf(w) === component);
    if (found.length !== 1 || found[0]?.kind !== kind) problems.push(`expected exactly one ${kind} for ${component}`);
  }
  for (const w of ws) {
    if (!selects(w.spec.selector?.matchLabels, w.spec.template.metadata.labels))
      problems.push(`${id(w)}: selector does not match its template labels`);
    for (const other of ws)
      if (other !== w && selects(w.spec.selector?.matchLabels, other.spec.template.metadata.labels))
        problems.push(`${id(w)}: selector also matches the pods of ${id(other)}`);
    if (!ofKind<K8sObject & { spec: ServiceSpec }>(d, 'Service').some((s) => selects(s.spec.selector, w.spec.template.metadata.labels)))
      problems.push(`${id(w)}: no Service exposes its metrics`);
  }
  const port = configuredPort(d);
  for (const s of ofKind<K8sObject & { spec: ServiceSpec }>(d, 'Service')) {
    const targets = ws.filter((w) => w.metadata.namespace === s.metadata.namespace && selects(s.spec.selector, w.spec.template.metadata.labels));
    if (targets.length !== 1) {
      problems.push(`${id(s)}: selector matches ${targets.length} workloads, expected 1`);
      continue;
    }
    const container = targets[0]!.spec.template.spec.containers[0];
    for (const p of s.spec.ports ?? []) {
      const t = p.targetPort ?? p.port;
      const resolved = typeof t === 'string' ? container?.ports?.find((cp) => cp.name === t)?.containerPort : t;
      if (resolved !== port) problems.push(`${id(s)}: port ${p.name ?? p.port} targets ${String(t)}, not PORT ${port}`);
    }
    const a = s.metadata.annotations ?? {};
    if (a['prometheus.io/scrape'] !== 'true') problems.push(`${id(s)}: no prometheus.io/scrape: "true"`);
    if (a['prometheus.io/port'] !== String(port)) problems.push(`${id(s)}: prometheus.io/port is not PORT ${port}`);
    if (a['prometheus.io/path'] !== '/metrics') problems.push(`${id(s)}: prometheus.io/path is not /metrics`);
  }
  const deployments = ws.filter((w) => w.kind === 'Deployment');
  const hpas = ofKind<K8sObject & { spec: HpaSpec }>(d, 'HorizontalPodAutoscaler');
  for (const h of hpas) {
    if (h.apiVersion !== 'autoscaling/v2') problems.push(`${id(h)}: apiVersion ${h.apiVersion}, expected autoscaling/v2`);
    const ref = h.spec.scaleTargetRef;
    const target = deployments.find((w) => ref.kind === 'Deployment' && ref.apiVersion === 'apps/v1' && w.metadata.name === ref.name && w.metadata.namespace === h.metadata.namespace);
    if (!target) problems.push(`${id(h)}: scaleTargetRef ${ref.kind}/${ref.name} is no Deployment here`);
    if ((h.spec.minReplicas ?? 1) < 2) problems.push(`${id(h)}: minReplicas < 2`);
    if (h.spec.maxReplicas < (h.spec.minReplicas ?? 1)) problems.push(`${id(h)}: maxReplicas < minReplicas`);
    if (target?.spec.replicas !== undefined && target.spec.replicas < (h.spec.minReplicas ?? 1))
      problems.push(`${id(target)}: replicas below its HPA's minReplicas`);
  }
  const pdbs = ofKind<K8sObject & { spec: PdbSpec }>(d, 'PodDisruptionBudget');
  for (const p of pdbs) {
    const targets = deployments.filter((w) => w.metadata.namespace === p.metadata.namespace && selects(p.spec.selector?.matchLabels, w.spec.template.metadata.labels));
    if (targets.length !== 1) problems.push(`${id(p)}: selector matches ${targets.length} Deployments, expected 1`);
    if (p.spec.minAvailable === undefined && p.spec.maxUnavailable === undefined) problems.push(`${id(p)}: neither minAvailable nor maxUnavailable`);
  }
  for (const w of deployments) {
    const hpa = hpas.find((h) => h.spec.scaleTargetRef.name === w.metadata.name);
    if (!hpa) problems.push(`${id(w)}: no HorizontalPodAutoscaler`);
    if (!pdbs.some((p) => selects(p.spec.selector?.matchLabels, w.spec.template.metadata.labels)))
      problems.push(`${id(w)}: no PodDisruptionBudget`);
    const min = hpa?.spec.minReplicas ?? w.spec.replicas ?? 1;
    if (['reaper', 'diagnoser'].includes(componentOf(w)) && min < 2) problems.push(`${id(w)}: fewer than 2 replicas`);
  }
  return problems;
}

/** The host-local prober: its queue, node name, host PID namespace and tmux socket dir. */
function checkProbers(d: Deployment): string[] {
  const problems: string[] = [];
  const local = workloads(d).find((w) => componentOf(w) === 'prober-local');
  const shared = workloads(d).find((w) => componentOf(w) === 'prober-shared');
  const envOf = (w: Workload | undefined, name: string) => w?.spec.template.spec.containers[0]?.env?.find((e) => e.name === name);
  if (!local) return ['no host-local prober'];
  const pod = local.spec.template.spec;
  if (local.kind !== 'DaemonSet') problems.push('the host-local prober must be a DaemonSet (one per runner host)');
  if (pod.hostPID !== true) problems.push(`${id(local)}: hostPID must be true to see runner processes`);
  if (envOf(local, 'PROBER_QUEUES')?.value !== 'local') problems.push(`${id(local)}: PROBER_QUEUES must be "local"`);
  if (envOf(local, 'NODE_NAME')?.valueFrom?.fieldRef?.fieldPath !== 'spec.nodeName')
    problems.push(`${id(local)}: NODE_NAME must come from spec.nodeName`);
  if (envOf(shared, 'PROBER_QUEUES')?.value !== 'shared') problems.push('the shared prober must have PROBER_QUEUES "shared"');
  if (shared?.spec.template.spec.hostPID) problems.push('the shared prober must not use hostPID');
  const uid = pod.securityContext?.runAsUser;
  const tmuxDir = `/tmp/tmux-${uid}`;
  const tmuxVolume = pod.volumes?.find((v) => v.hostPath?.path === tmuxDir);
  if (!tmuxVolume) problems.push(`${id(local)}: no hostPath volume for ${tmuxDir} (the runners' uid is ${uid})`);
  else {
    const mounted = pod.containers[0]?.volumeMounts?.find((m) => m.name === tmuxVolume.name);
    if (mounted?.mountPath !== tmuxDir) problems.push(`${id(local)}: ${tmuxDir} must be mounted at the same path`);
    if (tmuxVolume.hostPath?.type) problems.push(`${id(local)}: the tmux hostPath must be untyped (checked before init runs)`);
  }
  const mkdir = pod.initContainers?.find((c) => c.command?.[0] === 'mkdir');
  if (!mkdir?.command?.some((a) => a.endsWith(`/tmux-${uid}`)))
    problems.push(`${id(local)}: the init container must create tmux-${uid} as uid ${uid} before it is mounted`);
  return problems;
}

const ALLOWED_VERBS = new Set(['get', 'list', 'watch', 'delete']);
const ALLOWED_RESOURCES = new Set(['pods', 'pods/log']);

/** RBAC: what each ServiceAccount may do, and that nothing is cluster-admin-like. */
function checkRbac(d: Deployment): string[] {
  const problems: string[] = [];
  const roles = new Map<string, PolicyRule[]>();
  for (const r of [...ofKind(d, 'ClusterRole'), ...ofKind(d, 'Role')]) {
    roles.set(`${r.kind}/${r.kind === 'Role' ? `${r.metadata.namespace}/` : ''}${r.metadata.name}`, r.rules ?? []);
    for (const rule of r.rules ?? []) {
      const all = [...(rule.apiGroups ?? []), ...(rule.resources ?? []), ...rule.verbs];
      if (all.includes('*')) problems.push(`${id(r)}: wildcard in a rule`);
      if (rule.nonResourceURLs?.length) problems.push(`${id(r)}: nonResourceURLs`);
      if ((rule.apiGroups ?? []).some((g) => g !== '')) problems.push(`${id(r)}: only the core API group is needed`);
      for (const v of rule.verbs) if (!ALLOWED_VERBS.has(v)) problems.push(`${id(r)}: verb ${v} is not needed`);
      for (const res of rule.resources ?? []) if (!ALLOWED_RESOURCES.has(res)) problems.push(`${id(r)}: resource ${res} is not needed`);
      if (rule.verbs.includes('delete') && (rule.resources ?? []).some((res) => res !== 'pods'))
        problems.push(`${id(r)}: delete on something other than pods`);
    }
  }
  for (const b of ofKind(d, 'ClusterRoleBinding')) problems.push(`${id(b)}: no ClusterRoleBinding: bind per namespace`);
  const serviceAccounts = new Map(ofKind(d, 'ServiceAccount').map((s) => [`${s.metadata.namespace}/${s.metadata.name}`, s]));
  /** namespace → ServiceAccount → rules granted there */
  const grants = new Map<string, PolicyRule[]>();
  for (const b of ofKind(d, 'RoleBinding')) {
    const ref = b.roleRef;
    const rules = ref && roles.get(`${ref.kind}/${ref.kind === 'Role' ? `${b.metadata.namespace}/` : ''}${ref.name}`);
    if (!rules) problems.push(`${id(b)}: roleRef ${ref?.kind}/${ref?.name} does not exist`);
    for (const s of b.subjects ?? []) {
      if (s.kind !== 'ServiceAccount') problems.push(`${id(b)}: binds a ${s.kind}`);
      const key = `${s.namespace}/${s.name}`;
      if (!serviceAccounts.has(key)) problems.push(`${id(b)}: subject ${key} is no ServiceAccount here`);
      const g = `${b.metadata.namespace}|${key}`;
      grants.set(g, [...(grants.get(g) ?? []), ...(rules ?? [])]);
    }
  }
  const can = (sa: string, verb: string, resource: string): string[] =>
    [...grants.entries()]
      .filter(([g, rules]) => g.endsWith(`|${sa}`) && rules.some((r) => r.verbs.includes(verb) && (r.resources ?? []).includes(resource)))
      .map(([g]) => g.split('|')[0]!);
  const saOf = (component: string): string | undefined => {
    const w = workloads(d).find((x) => componentOf(x) === component);
    return w && `${w.metadata.namespace}/${w.spec.template.spec.serviceAccountName}`;
  };
  for (const w of workloads(d)) {
    const sa = `${w.metadata.namespace}/${w.spec.template.spec.serviceAccountName}`;
    if (!serviceAccounts.has(sa)) problems.push(`${id(w)}: ServiceAccount ${sa} does not exist`);
  }
  const proberSa = saOf('prober-shared');
  const diagnoserSa = saOf('diagnoser');
  if (proberSa) {
    const get = can(proberSa, 'get', 'pods');
    const del = can(proberSa, 'delete', 'pods');
    const log = can(proberSa, 'get', 'pods/log');
    if (!get.length) problems.push(`${proberSa}: cannot get pods`);
    if (!del.length) problems.push(`${proberSa}: cannot delete pods (the stopper needs it)`);
    if (!log.length) problems.push(`${proberSa}: cannot get pods/log`);
    if (get.join() !== del.join()) problems.push(`${proberSa}: can get pods in [${get}] but delete them in [${del}]`);
  }
  if (diagnoserSa) {
    if (!can(diagnoserSa, 'get', 'pods/log').length) problems.push(`${diagnoserSa}: cannot get pods/log`);
    if (can(diagnoserSa, 'delete', 'pods').length) problems.push(`${diagnoserSa}: must not delete pods`);
  }
  for (const component of ['reaper', 'prober-local']) {
    const sa = saOf(component);
    if (sa && [...grants.keys()].some((g) => g.endsWith(`|${sa}`))) problems.push(`${sa}: needs no Kubernetes API rights`);
    const w = workloads(d).find((x) => componentOf(x) === component);
    if (w && w.spec.template.spec.automountServiceAccountToken !== false)
      problems.push(`${id(w)}: mounts an API token it does not need`);
  }
  for (const component of ['prober-shared', 'diagnoser']) {
    const w = workloads(d).find((x) => componentOf(x) === component);
    if (w?.spec.template.spec.automountServiceAccountToken === false) problems.push(`${id(w)}: needs its API token`);
  }
  return problems;
}

/** Every container runs the `reaper` script of package.json with `start --only <service>`. */
function checkCommands(d: Deployment, argv: string[]): string[] {
  const problems: string[] = [];
  const expectedFor = (component: string) => [...argv, 'start', '--only', SERVICE_OF_COMPONENT[component] ?? '?'];
  for (const w of workloads(d)) {
    const c = w.spec.template.spec.containers[0];
    const want = expectedFor(componentOf(w));
    if (JSON.stringify(c?.args) !== JSON.stringify(want))
      problems.push(`${id(w)}: args ${JSON.stringify(c?.args)}, expected ${JSON.stringify(want)}`);
  }
  const services = d.compose.services ?? {};
  const composeOf: Record<string, string> = { reaper: 'reaper', diagnoser: 'diagnoser', prober: 'prober-shared' };
  for (const [service, component] of Object.entries(composeOf)) {
    const s = services[service];
    if (!s) {
      problems.push(`compose: no service ${service}`);
      continue;
    }
    const k8s = workloads(d).find((w) => componentOf(w) === component)?.spec.template.spec.containers[0]?.args;
    if (JSON.stringify(s.command) !== JSON.stringify(k8s))
      problems.push(`compose ${service}: command ${JSON.stringify(s.command)} differs from Kubernetes ${JSON.stringify(k8s)}`);
    if (s.entrypoint !== undefined) problems.push(`compose ${service}: overrides the image's entrypoint`);
  }
  return problems;
}

/** docker-compose.yml: Redis, health-gated start, the prober's host view, config names and values. */
function checkCompose(d: Deployment): string[] {
  const problems: string[] = [];
  const services = d.compose.services ?? {};
  const port = configuredPort(d);
  const redis = services.redis;
  if (redis?.image !== 'redis:7-alpine') problems.push('compose: redis must be redis:7-alpine');
  if (!redis?.healthcheck?.test?.join(' ').includes('ping')) problems.push('compose: redis needs a ping healthcheck');
  for (const name of ['reaper', 'prober', 'diagnoser']) {
    const s = services[name];
    if (!s) continue;
    const where = `compose ${name}`;
    if (s.depends_on?.redis?.condition !== 'service_healthy') problems.push(`${where}: must wait for redis to be healthy`);
    if (!s.build || s.image !== services.reaper?.image) problems.push(`${where}: must build and use the one smart-reap image`);
    if (!s.healthcheck?.test?.join(' ').includes('/readyz')) problems.push(`${where}: healthcheck must probe /readyz`);
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(s.environment ?? {})) {
      if (!CONFIG_KEYS.has(k)) problems.push(`${where}: environment ${k} is not a config variable`);
      if (v !== null) env[k] = String(v);
    }
    if (!env.REDIS_URL?.startsWith('redis://redis:')) problems.push(`${where}: REDIS_URL must point at the redis service`);
    if (env.PORT !== undefined && Number(env.PORT) !== port) problems.push(`${where}: PORT ${env.PORT} differs from the ConfigMap's ${port}`);
    problems.push(...configProblems(where, env));
  }
  const published = (services.reaper?.ports ?? []).map((p) => String(p).split(':').pop());
  if (!published.includes(String(port))) problems.push(`compose reaper: must publish container port ${port}`);
  const prober = services.prober;
  if (prober) {
    if (prober.pid !== 'host') problems.push('compose prober: pid: host is needed for process probes');
    try {
      const queues = loadConfig({}, { PROBER_QUEUES: String(prober.environment?.PROBER_QUEUES ?? '') }).PROBER_QUEUES;
      if (!(queues.includes('local') && queues.includes('shared'))) problems.push('compose prober: must take both local and shared probes');
    } catch (e) {
      problems.push(`compose prober: ${(e as Error).message}`);
    }
    const uid = String(prober.user ?? '').split(':')[0];
    const tmux = (prober.volumes ?? []).find((v) => typeof v === 'object' && v.target === `/tmp/tmux-${uid}`);
    if (!uid || typeof tmux !== 'object' || tmux.source !== `/tmp/tmux-${uid}`)
      problems.push(`compose prober: must bind the host's /tmp/tmux-${uid} at the same path, as user ${uid}`);
    else if (tmux.bind?.create_host_path !== false) problems.push('compose prober: the tmux bind must not create a root-owned dir');
  }
  return problems;
}

// ---- the tests ----------------------------------------------------------------------------------

const deployment = loadDeployment();
const packageJson = JSON.parse(read('package.json')) as { packageManager?: string; scripts?: Record<string, string> };
const argv = reaperScriptArgv(packageJson);

describe('deployment files', () => {
  it('kustomization lists every manifest but the placeholder Secret', () => {
    const k = parse(read('deploy/k8s/kustomization.yaml')) as { resources: string[]; namespace?: string; images?: { name: string }[] };
    const manifests = k8sFiles().filter((f) => f !== 'kustomization.yaml' && f !== SECRET_EXAMPLE);
    expect([...k.resources].sort()).toEqual(manifests);
    expect(k.resources).not.toContain(SECRET_EXAMPLE);
    expect(k.namespace, 'a kustomize namespace would move the RoleBindings out of the runners namespace').toBeUndefined();
    expect(k.images?.map((i) => i.name)).toContain('smart-reap');
  });

  it('ConfigMap and Secret keys are config variables and their values pass the schema', () => {
    expect(checkConfig(deployment)).toEqual([]);
  });

  it('every container env name is a config variable, every reference resolves, every value passes', () => {
    expect(checkEnvironment(deployment)).toEqual([]);
  });

  it('ports, probes, resources, security contexts and grace periods', () => {
    expect(checkPods(deployment)).toEqual([]);
  });

  it('workloads, selectors, Services, PDBs and HPAs fit together', () => {
    expect(checkTopology(deployment)).toEqual([]);
  });

  it('the host-local prober is a hostPID DaemonSet on its node queue with the tmux socket dir', () => {
    expect(checkProbers(deployment)).toEqual([]);
  });

  it('RBAC grants the shared prober and the diagnoser what they need and nothing more', () => {
    expect(checkRbac(deployment)).toEqual([]);
  });

  it('Kubernetes and compose run the reaper script of package.json', () => {
    expect(argv).toEqual(['node', '--import', 'tsx', 'services/reaper/src/cli/main.ts']);
    expect(checkCommands(deployment, argv)).toEqual([]);
  });

  it('docker-compose.yml', () => {
    expect(checkCompose(deployment)).toEqual([]);
  });

  it('Dockerfile: Node 20, the pinned pnpm, tmux and procps, frozen install, tini and the same command', () => {
    const lines = read('Dockerfile')
      .split('\n')
      .filter((l) => !l.trim().startsWith('#'));
    const dockerfile = lines.join('\n');
    const json = (instr: string) => {
      const l = lines.filter((x) => x.startsWith(`${instr} `)).pop();
      return l ? (JSON.parse(l.slice(instr.length + 1)) as string[]) : undefined;
    };
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:20-bookworm-slim$/m);
    const pnpmVersion = packageJson.packageManager?.replace(/^pnpm@/, '');
    expect(dockerfile).toContain(`ARG PNPM_VERSION=${pnpmVersion}`);
    expect(dockerfile).toMatch(/npm i -g pnpm@\$\{PNPM_VERSION\}/);
    expect(dockerfile).not.toMatch(/corepack/i);
    expect(dockerfile).toMatch(/apt-get install[^\n]*\btmux\b[^\n]*\bprocps\b/);
    expect(dockerfile).toMatch(/pnpm install [^\n]*--frozen-lockfile[^\n]*--prod=false/);
    expect(json('ENTRYPOINT')?.[0]).toBe('/usr/bin/tini');
    expect(json('CMD')).toEqual([...argv, 'start']);
    const user = lines.filter((l) => l.startsWith('USER ')).pop();
    expect(user && !/USER (root|0)\b/.test(user)).toBe(true);
    const ignore = read('.dockerignore').split('\n').map((l) => l.trim());
    expect(ignore).toContain('**/node_modules');
    for (const needed of ['packages', 'services', 'package.json', 'pnpm-lock.yaml', 'pnpm-workspace.yaml', 'tsconfig.json'])
      expect(ignore, `${needed} must reach the image`).not.toContain(needed);
  });
});

describe('the checks catch drift', () => {
  const broken = (mutate: (d: Deployment) => void): Deployment => {
    const d = structuredClone(deployment);
    mutate(d);
    return d;
  };
  const workload = (d: Deployment, component: string): Workload => {
    const w = workloads(d).find((x) => componentOf(x) === component);
    if (!w) throw new Error(`no ${component}`);
    return w;
  };
  const container = (d: Deployment, component: string): Container => workload(d, component).spec.template.spec.containers[0]!;

  it('a typo in a ConfigMap key', () => {
    const d = broken((x) => {
      const data = theConfigMap(x)!.data!;
      data.PROBE_TIMOUT_MS = data.PROBE_TIMEOUT_MS!;
      delete data.PROBE_TIMEOUT_MS;
    });
    expect(checkConfig(d).join('\n')).toMatch(/PROBE_TIMOUT_MS is not a config variable/);
  });

  it('a ConfigMap value the schema refuses', () => {
    const d = broken((x) => {
      theConfigMap(x)!.data!.DRY_RUN = 'maybe';
    });
    expect(checkConfig(d).join('\n')).toMatch(/DRY_RUN/);
  });

  it('a typo in a container env name, and a bad literal', () => {
    const d = broken((x) => {
      container(x, 'prober-local').env!.find((e) => e.name === 'NODE_NAME')!.name = 'NODENAME';
      container(x, 'prober-shared').env!.find((e) => e.name === 'PROBER_QUEUES')!.value = 'shraed';
    });
    const problems = checkEnvironment(d).join('\n');
    expect(problems).toMatch(/env NODENAME is not a config variable/);
    expect(problems).toMatch(/PROBER_QUEUES/);
  });

  it('a readiness probe on the wrong path or port, and a container port that is not PORT', () => {
    const d = broken((x) => {
      container(x, 'reaper').readinessProbe!.httpGet!.path = '/healthz';
      container(x, 'diagnoser').ports![0]!.containerPort = 9090;
    });
    const problems = checkPods(d).join('\n');
    expect(problems).toMatch(/readinessProbe path \/healthz, expected \/readyz/);
    expect(problems).toMatch(/containerPort 9090 is not PORT 8080/);
  });

  it('a selector, Service, PDB or HPA that points nowhere', () => {
    const d = broken((x) => {
      workload(x, 'diagnoser').spec.selector.matchLabels['app.kubernetes.io/component'] = 'diagnozer';
      const hpa = ofKind<K8sObject & { spec: HpaSpec }>(x, 'HorizontalPodAutoscaler').find((h) => h.metadata.name === 'smart-reap-reaper')!;
      hpa.spec.scaleTargetRef.name = 'smart-reap-reapr';
      const svc = ofKind<K8sObject & { spec: ServiceSpec }>(x, 'Service').find((s) => s.metadata.name === 'smart-reap-api')!;
      svc.spec.selector['app.kubernetes.io/component'] = 'api';
    });
    const problems = checkTopology(d).join('\n');
    expect(problems).toMatch(/smart-reap-diagnoser: selector does not match its template labels/);
    expect(problems).toMatch(/scaleTargetRef Deployment\/smart-reap-reapr is no Deployment here/);
    expect(problems).toMatch(/Service\/smart-reap-api: selector matches 0 workloads/);
  });

  it('a host-local prober on the shared queue, or without hostPID', () => {
    const d = broken((x) => {
      container(x, 'prober-local').env!.find((e) => e.name === 'PROBER_QUEUES')!.value = 'shared';
      workload(x, 'prober-local').spec.template.spec.hostPID = false;
      workload(x, 'prober-local').spec.template.spec.securityContext!.runAsUser = 1001;
    });
    const problems = checkProbers(d).join('\n');
    expect(problems).toMatch(/PROBER_QUEUES must be "local"/);
    expect(problems).toMatch(/hostPID must be true/);
    expect(problems).toMatch(/no hostPath volume for \/tmp\/tmux-1001/);
  });

  it('RBAC that is too wide or too narrow', () => {
    const d = broken((x) => {
      const prober = ofKind(x, 'ClusterRole').find((r) => r.metadata.name === 'smart-reap-pod-prober')!;
      prober.rules![0]!.verbs = ['get'];
      ofKind(x, 'ClusterRole')
        .find((r) => r.metadata.name === 'smart-reap-pod-log-reader')!
        .rules!.push({ apiGroups: [''], resources: ['secrets'], verbs: ['*'] });
      x.objects.push({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: 'oops' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
        subjects: [{ kind: 'ServiceAccount', name: 'smart-reap-reaper', namespace: 'smart-reap' }],
      });
    });
    const problems = checkRbac(d).join('\n');
    expect(problems).toMatch(/cannot delete pods/);
    expect(problems).toMatch(/wildcard/);
    expect(problems).toMatch(/resource secrets is not needed/);
    expect(problems).toMatch(/no ClusterRoleBinding/);
  });

  it('a compose command or a Kubernetes args that drifted from the reaper script', () => {
    const d = broken((x) => {
      x.compose.services.diagnoser!.command = ['pnpm', '-s', 'reaper', 'start', '--only', 'diagnoser'];
      container(x, 'prober-local').args = [...argv, 'start', '--only', 'probers'];
    });
    const problems = checkCommands(d, argv).join('\n');
    expect(problems).toMatch(/compose diagnoser: command/);
    expect(problems).toMatch(/DaemonSet\/smart-reap-prober-local: args/);
    expect(() => reaperScriptArgv({ scripts: { reaper: 'NODE_OPTIONS=x tsx main.ts && true' } })).toThrow(/plain command/);
  });

  it('a compose service with a wrong env name or without the host PID namespace', () => {
    const d = broken((x) => {
      x.compose.services.prober!.environment!.PROBER_QUEUE = 'local';
      delete x.compose.services.prober!.pid;
      x.compose.services.reaper!.depends_on = {};
    });
    const problems = checkCompose(d).join('\n');
    expect(problems).toMatch(/environment PROBER_QUEUE is not a config variable/);
    expect(problems).toMatch(/pid: host/);
    expect(problems).toMatch(/compose reaper: must wait for redis/);
  });

  it('compose interpolation follows compose: defaults, required variables, $$', () => {
    expect(interpolate('a ${X:-1} ${Y} $$ ${Z:-${W:-2}}')).toBe('a 1  $ 2');
    expect(interpolate('${X:-d}', { X: 'v' })).toBe('v');
    expect(() => interpolate('${X:?set X}')).toThrow(/X is required/);
  });
});
