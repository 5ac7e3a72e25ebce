/** Loading the deployment files: the manifests of deploy/k8s, docker-compose.yml as compose reads it, and the image's files. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import type { Compose, Deployment, K8sObject, Kustomization, PackageJson } from './shapes.js';

function read(root: string, rel: string): string {
  return readFileSync(join(root, rel), 'utf8');
}

export function parseDocs(text: string, file: string): K8sObject[] {
  const out: K8sObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
    const js = doc.toJS() as K8sObject | null;
    if (js) out.push(js);
  }
  return out;
}

/** Compose's own interpolation, with every variable unset: `${X:-d}` → d, `${X}` → '', `$$` → `$`. */
export function interpolate(text: string, env: Record<string, string> = {}): string {
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

function k8sFiles(root: string): string[] {
  return readdirSync(join(root, 'deploy', 'k8s'))
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
}

/** Reads the deployment files of the repository at `root`. */
export function loadDeployment(root: string): Deployment {
  const manifestFiles = k8sFiles(root);
  const objects = manifestFiles
    .filter((f) => f !== 'kustomization.yaml')
    .flatMap((f) => parseDocs(read(root, `deploy/k8s/${f}`), f));
  // API_TOKEN is required (`${API_TOKEN:?…}`): the reaper binds 0.0.0.0 in its container.
  const compose = parse(interpolate(read(root, 'docker-compose.yml'), { API_TOKEN: 'CHANGE-ME' }), { merge: true }) as Compose;
  return {
    objects,
    compose,
    kustomization: parse(read(root, 'deploy/k8s/kustomization.yaml')) as Kustomization,
    manifestFiles,
    dockerfile: read(root, 'Dockerfile'),
    dockerignore: read(root, '.dockerignore'),
    packageJson: JSON.parse(read(root, 'package.json')) as PackageJson,
  };
}

/** The command the `reaper:prod` script of package.json runs (the built CLI), as argv from the repository root. */
export function prodScriptArgv(packageJson: { scripts?: Record<string, string> }): string[] {
  const script = packageJson.scripts?.['reaper:prod'];
  if (!script) throw new Error('package.json has no "reaper:prod" script');
  if (/[;&|<>$`'"\\]/.test(script)) throw new Error(`the reaper:prod script is not a plain command any more: ${script}`);
  const [bin, ...rest] = script.trim().split(/\s+/);
  return [bin === 'node' ? 'node' : `node_modules/.bin/${bin}`, ...rest];
}
