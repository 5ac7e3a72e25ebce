/**
 * The deploy-manifest checker complains when the files drift: small broken manifests first, then
 * deliberately broken copies of this repository's own deployment, one rule each.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  checkCommands,
  checkCompose,
  checkConfig,
  checkDeployment,
  checkEnvironment,
  checkImage,
  checkKustomization,
  checkPods,
  checkProbers,
  checkRbac,
  checkTopology,
  componentOf,
  interpolate,
  loadDeployment,
  ofKind,
  parseDocs,
  prodScriptArgv,
  theConfigMap,
  workloads,
  type Container,
  type Deployment,
  type HpaSpec,
  type K8sObject,
  type ServiceSpec,
  type Workload,
} from '../support/deploy-manifests/index.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const deployment = loadDeployment(ROOT);
const argv = prodScriptArgv(deployment.packageJson);

/** A deployment of just these manifests (no compose, no image files): for the checks that read manifests only. */
function tiny(yaml: string): Deployment {
  return { ...structuredClone(deployment), objects: parseDocs(yaml, 'tiny.yaml') };
}

const CONFIG_AND_SECRET = `
apiVersion: v1
kind: ConfigMap
metadata: { name: smart-reap-config, namespace: smart-reap }
data:
  PORT: "8080"
---
apiVersion: v1
kind: Secret
metadata: { name: smart-reap-secrets, namespace: smart-reap }
stringData:
  REDIS_URL: redis://CHANGE-ME:6379
  API_TOKEN: CHANGE-ME
`;

const workloadYaml = (containerPort: number, env: string) => `
apiVersion: apps/v1
kind: Deployment
metadata: { name: smart-reap-diagnoser, namespace: smart-reap }
spec:
  selector: { matchLabels: { app.kubernetes.io/component: diagnoser } }
  template:
    metadata: { labels: { app.kubernetes.io/component: diagnoser } }
    spec:
      containers:
        - name: diagnoser
          image: smart-reap
          ports: [{ name: http, containerPort: ${containerPort} }]
          readinessProbe: { httpGet: { path: /readyz, port: http } }
          livenessProbe: { httpGet: { path: /healthz, port: http } }
          envFrom: [{ configMapRef: { name: smart-reap-config } }]
          env:
${env}
`;
const REDIS_FROM_SECRET = `            - name: REDIS_URL
              valueFrom: { secretKeyRef: { name: smart-reap-secrets, key: REDIS_URL } }`;

describe('the checker on small manifests', () => {
  it('accepts a container that gets every variable it needs', () => {
    expect(checkEnvironment(tiny(CONFIG_AND_SECRET + '---' + workloadYaml(8080, REDIS_FROM_SECRET)))).toEqual([]);
  });

  it('a missing env var', () => {
    const problems = checkEnvironment(tiny(CONFIG_AND_SECRET + '---' + workloadYaml(8080, '            - { name: DRY_RUN, value: "true" }')));
    expect(problems).toContain('Deployment/smart-reap-diagnoser container diagnoser: no REDIS_URL');
  });

  it('a wrong port', () => {
    const problems = checkPods(tiny(CONFIG_AND_SECRET + '---' + workloadYaml(9090, REDIS_FROM_SECRET)));
    expect(problems).toContain('Deployment/smart-reap-diagnoser container diagnoser: no containerPort 8080 (PORT)');
    expect(problems).toContain('Deployment/smart-reap-diagnoser container diagnoser: readinessProbe port http is not PORT 8080');
  });

  it('a config value the schema refuses', () => {
    const problems = checkConfig(tiny(CONFIG_AND_SECRET.replace('PORT: "8080"', 'PORT: "8080"\n  PROBE_INTERVAL_MS: "soon"')));
    expect(problems.join('\n')).toMatch(/ConfigMap\/smart-reap-config \+ REDIS_URL: invalid configuration:\n\s+PROBE_INTERVAL_MS:/);
  });

  it('a config key that is no config variable, and a secret in the ConfigMap', () => {
    const problems = checkConfig(tiny(CONFIG_AND_SECRET.replace('PORT: "8080"', 'PORT: "8080"\n  PROBE_INTERVAL: "1000"\n  API_TOKEN: x')));
    expect(problems).toContain('ConfigMap/smart-reap-config: key PROBE_INTERVAL is not a config variable');
    expect(problems).toContain('ConfigMap/smart-reap-config: API_TOKEN is a secret and belongs in the Secret');
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

  it('a compose command or a Kubernetes args that drifted from the reaper:prod script', () => {
    const d = broken((x) => {
      x.compose.services.diagnoser!.command = ['pnpm', '-s', 'reaper', 'start', '--only', 'diagnoser'];
      container(x, 'prober-local').args = [...argv, 'start', '--only', 'probers'];
    });
    const problems = checkCommands(d, argv).join('\n');
    expect(problems).toMatch(/compose diagnoser: command/);
    expect(problems).toMatch(/DaemonSet\/smart-reap-prober-local: args/);
    expect(() => prodScriptArgv({ scripts: { 'reaper:prod': 'NODE_OPTIONS=x node main.js && true' } })).toThrow(/plain command/);
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

  it('a kustomization that skips a manifest or applies the placeholder Secret', () => {
    const d = broken((x) => {
      x.kustomization.resources = [...x.kustomization.resources.filter((r) => r !== 'rbac.yaml'), 'secret.example.yaml'];
      x.kustomization.namespace = 'smart-reap';
    });
    const problems = checkKustomization(d).join('\n');
    expect(problems).toMatch(/expected every manifest/);
    expect(problems).toMatch(/must not apply the placeholder secret.example.yaml/);
    expect(problems).toMatch(/a namespace would move the RoleBindings/);
  });

  it('an image on another pnpm, with corepack, as root, or without the sources', () => {
    const d = broken((x) => {
      x.packageJson.packageManager = 'pnpm@9.0.0';
      x.dockerfile += '\nRUN corepack enable\nUSER root\n';
      x.dockerignore += '\npnpm-lock.yaml\n';
    });
    const problems = checkImage(d, argv).join('\n');
    expect(problems).toMatch(/PNPM_VERSION must be package.json's 9.0.0/);
    expect(problems).toMatch(/corepack/);
    expect(problems).toMatch(/non-root user/);
    expect(problems).toMatch(/pnpm-lock.yaml must reach the image/);
  });

  it('an image that does not build, or keeps the dev dependencies at run time', () => {
    const d = broken((x) => {
      x.dockerfile = x.dockerfile.replace(/^RUN pnpm -s build$/m, '').replace(/ --prod --store-dir/, ' --store-dir');
    });
    const problems = checkImage(d, argv).join('\n');
    expect(problems).toMatch(/must build the workspace/);
    expect(problems).toMatch(/production dependencies only/);
  });

  it('checkDeployment runs every check, and reports a reaper:prod script it cannot read', () => {
    const d = broken((x) => {
      theConfigMap(x)!.data!.DRY_RUN = 'maybe';
      x.dockerfile = x.dockerfile.replace('/usr/bin/tini', '/sbin/init');
    });
    const problems = checkDeployment(d).join('\n');
    expect(problems).toMatch(/ConfigMap\/smart-reap-config \+ REDIS_URL: invalid configuration:\n\s+DRY_RUN/);
    expect(problems).toMatch(/checkPods could not run: invalid configuration/);
    expect(problems).toMatch(/ENTRYPOINT must be \/usr\/bin\/tini/);
    expect(checkDeployment(broken((x) => delete x.packageJson.scripts))).toEqual(['package.json: package.json has no "reaper:prod" script']);
  });
});
