/**
 * The deployment files of this repository agree with each other and with the code they deploy.
 * The checks live in test/support/deploy-manifests; test/unit/deploy-checker.test.ts shows that
 * each of them catches the drift it is there for.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkDeployment, loadDeployment, prodScriptArgv } from '../support/deploy-manifests/index.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('deployment files', () => {
  const deployment = loadDeployment(ROOT);

  it('the reaper:prod script of package.json (the built CLI) is the command every manifest runs', () => {
    expect(prodScriptArgv(deployment.packageJson)).toEqual(['node', '--conditions=built', 'services/cli/dist/main.js']);
  });

  it('Kubernetes manifests, compose, Dockerfile and the config schema agree', () => {
    expect(checkDeployment(deployment)).toEqual([]);
  });
});
