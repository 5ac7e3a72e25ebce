/**
 * Cross-checks of the deployment files against each other and against the code they deploy:
 * deploy/k8s/*.yaml, docker-compose.yml, Dockerfile, .dockerignore, package.json and the config
 * schema of packages/shared. Each check is a pure function that returns the problems it found.
 */
import { loadConfig } from '@smart-reap/shared';
import { prodScriptArgv } from './load.js';
import {
  CONFIG_KEYS,
  PER_WORKLOAD_KEYS,
  SECRET_EXAMPLE,
  SECRET_KEYS,
  SERVICE_OF_COMPONENT,
  allContainers,
  componentOf,
  configProblems,
  configuredPort,
  id,
  ofKind,
  secretData,
  selects,
  theConfigMap,
  theSecret,
  workloads,
} from './query.js';
import type { Deployment, HpaSpec, HttpProbe, K8sObject, PdbSpec, PolicyRule, ServiceSpec, Workload } from './shapes.js';

/** ConfigMap and Secret: keys are config variables, values pass the schema. */
export function checkConfig(d: Deployment): string[] {
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
export function checkEnvironment(d: Deployment): string[] {
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
export function checkPods(d: Deployment): string[] {
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
export function checkTopology(d: Deployment): string[] {
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
export function checkProbers(d: Deployment): string[] {
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
export function checkRbac(d: Deployment): string[] {
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

/** Every container runs the `reaper:prod` script of package.json with `start --only <service>`. */
export function checkCommands(d: Deployment, argv: string[]): string[] {
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
export function checkCompose(d: Deployment): string[] {
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

/** kustomization.yaml lists every manifest but the placeholder Secret, sets no namespace, and names the image. */
export function checkKustomization(d: Deployment): string[] {
  const problems: string[] = [];
  const k = d.kustomization;
  const manifests = d.manifestFiles.filter((f) => f !== 'kustomization.yaml' && f !== SECRET_EXAMPLE);
  const resources = [...(k.resources ?? [])].sort();
  if (JSON.stringify(resources) !== JSON.stringify(manifests))
    problems.push(`kustomization: resources ${JSON.stringify(resources)}, expected every manifest ${JSON.stringify(manifests)}`);
  if (resources.includes(SECRET_EXAMPLE)) problems.push(`kustomization: must not apply the placeholder ${SECRET_EXAMPLE}`);
  if (k.namespace !== undefined) problems.push('kustomization: a namespace would move the RoleBindings out of the runners namespace');
  if (!k.images?.some((i) => i.name === 'smart-reap')) problems.push('kustomization: no images entry for smart-reap');
  return problems;
}

/** Dockerfile and .dockerignore: Node 20, the pinned pnpm, tmux and procps, frozen install, a build, production dependencies, tini, a non-root user and the same command. */
export function checkImage(d: Deployment, argv: string[]): string[] {
  const problems: string[] = [];
  const lines = d.dockerfile.split('\n').filter((l) => !l.trim().startsWith('#'));
  const dockerfile = lines.join('\n');
  const json = (instr: string): string[] | undefined => {
    const l = lines.filter((x) => x.startsWith(`${instr} `)).pop();
    return l ? (JSON.parse(l.slice(instr.length + 1)) as string[]) : undefined;
  };
  if (!/^ARG NODE_IMAGE=node:20-bookworm-slim$/m.test(dockerfile)) problems.push('Dockerfile: NODE_IMAGE must be node:20-bookworm-slim');
  const pnpmVersion = d.packageJson.packageManager?.replace(/^pnpm@/, '');
  if (!dockerfile.includes(`ARG PNPM_VERSION=${pnpmVersion}`)) problems.push(`Dockerfile: PNPM_VERSION must be package.json's ${pnpmVersion}`);
  if (!/npm i -g pnpm@\$\{PNPM_VERSION\}/.test(dockerfile)) problems.push('Dockerfile: must install pnpm@${PNPM_VERSION} with npm');
  if (/corepack/i.test(dockerfile)) problems.push('Dockerfile: corepack fetches pnpm at run time; install it with npm');
  if (!/apt-get install[^\n]*\btmux\b[^\n]*\bprocps\b/.test(dockerfile)) problems.push('Dockerfile: must apt-get install tmux and procps');
  if (!/pnpm install [^\n]*--frozen-lockfile[^\n]*--prod=false/.test(dockerfile))
    problems.push('Dockerfile: pnpm install must use --frozen-lockfile --prod=false');
  // The runtime runs built JavaScript (CMD is the reaper:prod script) on production dependencies only.
  if (!/^RUN pnpm -s build$/m.test(dockerfile)) problems.push('Dockerfile: must build the workspace (RUN pnpm -s build)');
  if (!/pnpm install [^\n]*--frozen-lockfile --prod\b(?!=)/.test(dockerfile))
    problems.push('Dockerfile: must reinstall production dependencies only (pnpm install --frozen-lockfile --prod) after the build');
  if (json('ENTRYPOINT')?.[0] !== '/usr/bin/tini') problems.push('Dockerfile: ENTRYPOINT must be /usr/bin/tini');
  const cmd = json('CMD');
  if (JSON.stringify(cmd) !== JSON.stringify([...argv, 'start'])) problems.push(`Dockerfile: CMD ${JSON.stringify(cmd)}, expected ${JSON.stringify([...argv, 'start'])}`);
  const user = lines.filter((l) => l.startsWith('USER ')).pop();
  if (!user || /USER (root|0)\b/.test(user)) problems.push('Dockerfile: the last USER must be a non-root user');
  const ignore = d.dockerignore.split('\n').map((l) => l.trim());
  if (!ignore.includes('**/node_modules')) problems.push('.dockerignore: must ignore **/node_modules');
  for (const needed of ['packages', 'services', 'package.json', 'pnpm-lock.yaml', 'pnpm-workspace.yaml', 'tsconfig.json'])
    if (ignore.includes(needed)) problems.push(`.dockerignore: ${needed} must reach the image`);
  return problems;
}

/**
 * Every check, on one deployment: the problems found, empty when the files agree. A check that
 * cannot run (a ConfigMap so broken that PORT cannot be read, say) reports why instead of hiding
 * the others' findings.
 */
export function checkDeployment(d: Deployment): string[] {
  let argv: string[];
  try {
    argv = prodScriptArgv(d.packageJson);
  } catch (e) {
    return [`package.json: ${(e as Error).message}`];
  }
  const checks: [string, () => string[]][] = [
    ['checkKustomization', () => checkKustomization(d)],
    ['checkConfig', () => checkConfig(d)],
    ['checkEnvironment', () => checkEnvironment(d)],
    ['checkPods', () => checkPods(d)],
    ['checkTopology', () => checkTopology(d)],
    ['checkProbers', () => checkProbers(d)],
    ['checkRbac', () => checkRbac(d)],
    ['checkCommands', () => checkCommands(d, argv)],
    ['checkCompose', () => checkCompose(d)],
    ['checkImage', () => checkImage(d, argv)],
  ];
  return checks.flatMap(([name, run]) => {
    try {
      return run();
    } catch (e) {
      return [`${name} could not run: ${(e as Error).message}`];
    }
  });
}
