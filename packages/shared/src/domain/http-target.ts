/** An http runtime ref as the prober will GET it; undefined for anything but an http(s) URL. */
export function parseHttpTarget(ref: string): URL | undefined {
  try {
    const url = new URL(ref);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

function splitPattern(pattern: string): { host: string; port?: string } {
  const p = pattern.toLowerCase();
  const v6 = /^(\[[^\]]+\])(?::(\d+))?$/.exec(p);
  if (v6) return { host: v6[1]!, port: v6[2] };
  const colon = p.lastIndexOf(':');
  return colon > 0 ? { host: p.slice(0, colon), port: p.slice(colon + 1) } : { host: p };
}

/**
 * HTTP_PROBE_ALLOW: `host` (any port), `host:port`, `*.domain` (any name below domain, not the
 * domain itself), `[v6]`, `*` (anything). A URL without a port is on its scheme's default port.
 */
export function httpTargetAllowed(url: URL, patterns: readonly string[]): boolean {
  const host = url.hostname.toLowerCase();
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return patterns.some((pattern) => {
    if (pattern === '*') return true;
    const p = splitPattern(pattern);
    if (p.port !== undefined && p.port !== port) return false;
    return p.host.startsWith('*.') ? host.endsWith(p.host.slice(1)) : host === p.host;
  });
}
