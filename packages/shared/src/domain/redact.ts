/**
 * Secret redaction for log tails (DESIGN §5). Pure and idempotent: `redact(redact(x)) === redact(x)`.
 *
 * It errs towards hiding: a false positive costs a few characters of a diagnosis, a false negative
 * leaks a credential into Redis and every log that copies the diagnosis. Known key shapes keep their
 * public prefix (`sk-ant-[REDACTED]`) so a reader still sees which provider's key it was.
 *
 * One judgement call: names with "token" in them are also how LLM tooling counts (`max_tokens=4096`,
 * `prompt_tokens: 12`), so a purely numeric value under such a name is kept. `PWD`/`OLDPWD` are the
 * shell's working directory, not a password, and are kept too. Any other secret-looking name loses
 * its value, numeric or not (`PASSWORD=123456` is a secret).
 */
export const REDACTED = '[REDACTED]';

type Replacer = (substring: string, ...groups: string[]) => string;
interface Redaction {
  pattern: RegExp;
  replace: string | Replacer;
}

// Characters keys and tokens are made of (base64url, plus the dots and dashes of JWTs and the like).
const TOKEN = String.raw`[A-Za-z0-9_\-]`;

const pem: Redaction[] = [
  {
    pattern: /(-----BEGIN ([A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?)-----)[\s\S]*?(-----END \2-----)/g,
    replace: (_m, begin = '', _label, end = '') => `${begin}${REDACTED}${end}`,
  },
  // The 4 KB tail may cut a block in half: a BEGIN with no END hides everything after it...
  {
    pattern: /(-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----)(?![\s\S]*-----END )(?!\[REDACTED\])[\s\S]+$/g,
    replace: (_m, begin = '') => `${begin}${REDACTED}`,
  },
  // ...and an END with no BEGIN hides the base64 lines before it.
  {
    pattern: /(?:^|\n)(?:[A-Za-z0-9+/=]{16,}\r?\n)+(-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----)/g,
    replace: (m, end = '') => `${m.startsWith('\n') ? '\n' : ''}${REDACTED}${end}`,
  },
];

const credentialsInUrls: Redaction = {
  // scheme://user:pass@host → scheme://user:[REDACTED]@host (an empty user, as in redis://:pw@h, too).
  // The scheme is bounded so that a long run of dotted words costs linear time, not quadratic.
  pattern: /\b([a-z][a-z0-9+.-]{0,30}:\/\/[^\s:/@'"]*:)(?!\[REDACTED\]@)([^\s@/'"]+)@/gi,
  replace: `$1${REDACTED}@`,
};

const authorizationHeaders: Redaction[] = [
  {
    pattern:
      /\b((?:proxy-)?authorization["']?\s*[:=]\s*["']?)(?!(?:\w+\s+)?\[REDACTED\])(?:(bearer|basic|token|digest|apikey|negotiate)\s+)?([^\s"',;]+)/gi,
    replace: (_m, head = '', scheme?: string) => `${head}${scheme ? `${scheme} ` : ''}${REDACTED}`,
  },
  // A bearer token anywhere else; short words ("bearer tokens") are prose, not tokens.
  {
    pattern: /\b(bearer\s+)(?!\[REDACTED\])([A-Za-z0-9\-._~+/]+=*)/gi,
    replace: (m, head = '', token = '') => (isTokenLike(token, 16) ? `${head}${REDACTED}` : m),
  },
  {
    pattern: /\b(Basic\s+)([A-Za-z0-9+/]{8,}={0,2})(?![A-Za-z0-9+/=])/g,
    replace: (m, head = '', token = '') => (/[A-Z0-9+/=]/.test(token.slice(1)) ? `${head}${REDACTED}` : m),
  },
  { pattern: /\b((?:set-)?cookie\s*:\s*)(?!\[REDACTED\])[^\r\n]+/gi, replace: `$1${REDACTED}` },
];

/** Known key shapes: the public prefix is kept as a hint, the rest goes. */
const providerKeys: Redaction[] = [
  { pattern: new RegExp(String.raw`\b(sk-ant-)${TOKEN}{10,}`, 'g'), replace: `$1${REDACTED}` },
  {
    pattern: new RegExp(String.raw`\b(sk-(?:proj-|svcacct-|admin-|None-)?)(?=${TOKEN}*\d)${TOKEN}{16,}`, 'g'),
    replace: `$1${REDACTED}`,
  },
  { pattern: /\b((?:ghp|gho|ghu|ghs|ghr)_)[A-Za-z0-9]{20,}/g, replace: `$1${REDACTED}` },
  { pattern: /\b(github_pat_)[A-Za-z0-9_]{20,}/g, replace: `$1${REDACTED}` },
  { pattern: /\b(glpat-)[A-Za-z0-9_-]{16,}/g, replace: `$1${REDACTED}` },
  { pattern: /\b(AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ABIA|ACCA)[A-Z0-9]{16}\b/g, replace: `$1${REDACTED}` },
  { pattern: /\b(xox[abprse]-)[A-Za-z0-9-]{10,}/g, replace: `$1${REDACTED}` },
  { pattern: /\b(xapp-)[A-Za-z0-9-]{10,}/g, replace: `$1${REDACTED}` },
  { pattern: /(hooks\.slack\.com\/services\/)[A-Za-z0-9/]+/g, replace: `$1${REDACTED}` },
  { pattern: /\b(AIza)[0-9A-Za-z_-]{30,}/g, replace: `$1${REDACTED}` },
  { pattern: /\b(ya29\.)[0-9A-Za-z_-]{20,}/g, replace: `$1${REDACTED}` },
  { pattern: /\b((?:sk|rk|pk)_(?:live|test)_)[0-9A-Za-z]{10,}/g, replace: `$1${REDACTED}` },
  { pattern: /\b(whsec_)[0-9A-Za-z]{16,}/g, replace: `$1${REDACTED}` },
  { pattern: /\b(hf_)[A-Za-z0-9]{30,}/g, replace: `$1${REDACTED}` },
  { pattern: /\b(npm_)[A-Za-z0-9]{30,}/g, replace: `$1${REDACTED}` },
  { pattern: /\b(gsk_|xai-|pplx-|r8_)[A-Za-z0-9]{20,}/g, replace: `$1${REDACTED}` },
  {
    pattern: /\b(eyJ)[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g,
    replace: `$1${REDACTED}`,
  },
];

// Words in a name that say its value is a secret: "key" only at the end of the name (API_KEY,
// x-api-key, apiKey) so KEY_PREFIX or keyboard are not taken for one.
const SECRET_NAME =
  /(?:secret|token|passw(?:or)?d|\bpwd|_pwd|pwd_|credential|cookie|api[_-]?key|private[_-]?key|access[_-]?key|passphrase|(?:^|[_\-.])key$|[a-z]Key$)/i;
// `token.js:10:5` in a stack frame is a file, not a secret.
const SOURCE_FILE = /\.(?:[cm]?[jt]sx?|py|go|rs|java|kt|rb|php|c|cc|cpp|h|hpp|cs|swift|scala|ex|exs|lua|sh)$/i;
const COUNT_NAME = /token/i;
const SHELL_DIRECTORY = /^(?:OLD)?PWD$/;
const HARMLESS_VALUE = /^(?:|null|none|nil|undefined|true|false|\*+|<[^>]*>|\$\{?[A-Za-z_]\w*\}?|\d+(?::\d+)+\)?)$/i;

function isSecretName(name: string): boolean {
  const bare = name.replace(/^-+/, '');
  return SECRET_NAME.test(bare) && !SHELL_DIRECTORY.test(bare) && !SOURCE_FILE.test(bare);
}

/** Whether `value`, found under the name `name` (an env var, a JSON key), is a secret to hide. */
export function shouldHide(name: string, value: string): boolean {
  if (!isSecretName(name) || HARMLESS_VALUE.test(value)) return false;
  // Already hidden, possibly with a kept prefix (`sk-ant-[REDACTED]`): redaction stays idempotent.
  if (value.includes('[REDACTED')) return false;
  return !(COUNT_NAME.test(name) && /^-?\d+(?:\.\d+)?$/.test(value));
}

const namedValues: Redaction[] = [
  // "name": "value" and 'name': 'value' (JSON, Python reprs)
  {
    pattern: /(["'])([A-Za-z_][\w.-]*)\1(\s*:\s*)(["'])((?:\\.|(?!\4)[^\\\r\n])*)\4/g,
    replace: (m, q = '', name = '', sep = '', vq = '', value = '') =>
      shouldHide(name, value) ? `${q}${name}${q}${sep}${vq}${REDACTED}${vq}` : m,
  },
  // "name": 12345 (an unquoted JSON value)
  {
    pattern: /(["'])([A-Za-z_][\w.-]*)\1(\s*:\s*)(-?[\w.+/=-]+)/g,
    replace: (m, q = '', name = '', sep = '', value = '') =>
      shouldHide(name, value) ? `${q}${name}${q}${sep}${REDACTED}` : m,
  },
  // NAME="value with spaces" / NAME: 'value'
  {
    pattern: /(?<![\w.-])([A-Za-z_][\w.-]*)(\s*[:=]\s*)(["'])((?:\\.|(?!\3)[^\\\r\n])*)\3/g,
    replace: (m, name = '', sep = '', q = '', value = '') =>
      shouldHide(name, value) ? `${name}${sep}${q}${REDACTED}${q}` : m,
  },
  // NAME=value, NAME: value, --name=value. A value stops at `?` and `&` so that a URL's own query
  // (`url=https://h/?api_key=…`) is still looked at pair by pair.
  {
    pattern: /(?<![\w.-])(-{0,2}[A-Za-z_][\w.-]*)(\s*=\s*|:[ \t]*)([^\s"',;&?)}\]]+)/g,
    replace: (m, name = '', sep = '', value = '') =>
      shouldHide(name, value) ? `${name}${sep}${REDACTED}` : m,
  },
  // --password value, -p is too ambiguous to touch
  {
    pattern: /(?<![\w-])(--[A-Za-z][\w-]*)([ \t]+)(?!-)([^\s"',;]+)/g,
    replace: (m, name = '', sep = '', value = '') =>
      shouldHide(name, value) ? `${name}${sep}${REDACTED}` : m,
  },
];

const REDACTIONS: Redaction[] = [
  ...pem,
  credentialsInUrls,
  ...authorizationHeaders,
  ...providerKeys,
  ...namedValues,
];

/** A random-looking token rather than a word: long enough, and not made of letters alone. */
function isTokenLike(token: string, minLength: number): boolean {
  return token.length >= minLength || /\d/.test(token);
}

/** `text` with API keys, bearer tokens, passwords in URLs, secret `NAME=value` pairs and private keys hidden. */
export function redact(text: string): string {
  let out = text;
  for (const { pattern, replace } of REDACTIONS) {
    out = typeof replace === 'string' ? out.replace(pattern, replace) : out.replace(pattern, replace as Replacer);
  }
  return out;
}

/**
 * A JSON value (a runner's `output`) with every string in it redacted, keys included, and the whole
 * string under a secret-looking key (`{"apiKey": "…"}`) hidden; numbers, booleans and null as they were. The schemas bound such values to 64 levels before they get here.
 */
export function redactDeep(value: unknown): unknown {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map(redactDeep);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [redact(k), typeof v === 'string' && shouldHide(k, v) ? REDACTED : redactDeep(v)]),
    );
  }
  return value;
}
