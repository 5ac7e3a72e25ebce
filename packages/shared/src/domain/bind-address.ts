/** Loopback in every spelling a bind address takes: 127.0.0.0/8, ::1, localhost. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return h === 'localhost' || h === '::1' || /^(::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** Where the HTTP port binds: HOST when set; else loopback without a token (the API is open) and every interface with one. */
export function bindHost(config: { HOST?: string; API_TOKEN?: string }): string {
  return config.HOST ?? (config.API_TOKEN ? '0.0.0.0' : '127.0.0.1');
}

/** Why binding `host` is refused: off loopback without API_TOKEN anyone on the network could drive the API. */
export function unsafeBindReason(host: string, apiToken: string | undefined): string | undefined {
  if (apiToken || isLoopbackHost(host)) return undefined;
  return `HOST=${host} is not a loopback address and API_TOKEN is unset: the API (tasks, cancel, Bull Board) would be open to the network. Set API_TOKEN, or leave HOST unset to bind 127.0.0.1`;
}
