/** The shapes of the deployment files, only as far as the checks read them. */

export type Labels = Record<string, string>;
export interface Meta {
  name: string;
  namespace?: string;
  labels?: Labels;
  annotations?: Record<string, string>;
}
export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name: string; key: string; optional?: boolean };
    configMapKeyRef?: { name: string; key: string; optional?: boolean };
    fieldRef?: { fieldPath: string };
  };
}
export interface HttpProbe {
  httpGet?: { path: string; port: number | string };
}
export interface SecurityContext {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  runAsGroup?: number;
  privileged?: boolean;
  allowPrivilegeEscalation?: boolean;
  readOnlyRootFilesystem?: boolean;
  capabilities?: { add?: string[]; drop?: string[] };
  seccompProfile?: { type: string };
}
export interface Container {
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
export interface PodSpec {
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
export interface WorkloadSpec {
  replicas?: number;
  selector: { matchLabels: Labels };
  template: { metadata: { labels: Labels }; spec: PodSpec };
}
export interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}
export interface K8sObject {
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
export interface Workload extends K8sObject {
  kind: 'Deployment' | 'DaemonSet';
  spec: WorkloadSpec;
}
export interface ServiceSpec {
  selector: Labels;
  ports: { name?: string; port: number; targetPort?: number | string }[];
}
export interface HpaSpec {
  scaleTargetRef: { apiVersion: string; kind: string; name: string };
  minReplicas?: number;
  maxReplicas: number;
}
export interface PdbSpec {
  selector: { matchLabels: Labels };
  minAvailable?: number | string;
  maxUnavailable?: number | string;
}
export interface ComposeService {
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
export interface Compose {
  services: Record<string, ComposeService>;
}
export interface Kustomization {
  resources: string[];
  namespace?: string;
  images?: { name: string }[];
}
export interface PackageJson {
  packageManager?: string;
  scripts?: Record<string, string>;
}
/** Everything the checks read: the parsed manifests, plus the files that build and run the image. */
export interface Deployment {
  objects: K8sObject[];
  compose: Compose;
  kustomization: Kustomization;
  /** The YAML files of deploy/k8s, sorted, kustomization.yaml included. */
  manifestFiles: string[];
  dockerfile: string;
  dockerignore: string;
  packageJson: PackageJson;
}
