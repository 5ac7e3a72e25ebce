/** A kubernetes runtime ref: `namespace/pod` or `namespace/pod/container`. */
export interface PodRef {
  namespace: string;
  pod: string;
  container?: string;
}

// DNS-1123 labels and subdomains, as the API server enforces for these names.
const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

export function parsePodRef(ref: string): PodRef {
  const parts = ref.split('/');
  const [namespace, pod, container] = parts;
  if (parts.length < 2 || parts.length > 3 || !namespace || !pod || !NAME.test(namespace) || !NAME.test(pod) || (parts.length === 3 && !(container && NAME.test(container)))) {
    throw new Error(`kubernetes ref ${JSON.stringify(ref)} is not namespace/pod[/container]`);
  }
  return { namespace, pod, ...(container ? { container } : {}) };
}
