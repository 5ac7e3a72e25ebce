import type { Rule } from '../types.js';
import { excerpt } from '../gist.js';

const network = (m: RegExpExecArray): string => `Network failure: ${excerpt(m, 120)}`;

/** The connection failed. A *connect* timeout is the network's fault; a read timeout is not (see timeout rules). */
export const networkRules: Rule[] = [
  {
    id: 'socket-errno',
    crashType: 'network_error',
    weight: 0.95,
    pattern:
      /\b(?:ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|EAI_NONAME|EAI_FAIL|EHOSTUNREACH|ENETUNREACH|ENETDOWN|EHOSTDOWN|ECONNABORTED|ETIMEDOUT|UND_ERR_SOCKET|UND_ERR_CONNECT_TIMEOUT)\b|\bos error 1(?:04|1[01]|13)\b/,
    summary: network,
  },
  {
    id: 'connection-words',
    crashType: 'network_error',
    weight: 0.93,
    pattern:
      /Connection refused|Connection reset(?: by peer)?|\bConnection(?:Refused|Reset|Aborted)(?:Error)?\b|Name or service not known|Temporary failure in name resolution|nodename nor servname provided|No address associated with hostname|Could not resolve host|\bno such host\b|Network is unreachable|No route to host|socket hang up|Failed to establish a new connection|NameResolutionError|UnknownHostException|\bConnectException\b|NoRouteToHostException|Couldn't connect to server|Failed to connect to (?!the bus\b|socket \/)|failed to connect to all addresses|Remote end closed connection without response|\bRemoteDisconnected\b|ServerDisconnectedError|ClientConnectorError|other side closed|\bConnectTimeout(?:Error)?\b|connect timed out|Connection timed out|\bAPIConnectionError\b|\bConnectError\b|NewConnectionError|dns error|DNS resolution failed|net::ERR_[A-Z_]+|connection closed before message completed|tunneling socket could not be established|kex_exchange_identification|Unable to connect to the remote server|The remote name could not be resolved|An existing connection was forcibly closed|No connection could be made because the target machine actively refused it|connected party did not properly respond|\bgetaddrinfo\b|\bBad hostname '|\bNet::OpenTimeout\b|\bdial (?:tcp|udp)[46]?(?: \S+)?: (?:lookup|connect)/i,
    summary: network,
  },
  {
    id: 'connection-error-class',
    crashType: 'network_error',
    weight: 0.9,
    pattern: /(?<![A-Za-z])ConnectionError\b|Connection aborted|\bi\/o timeout\b|"https?:\/\/[^"]+": (?:unexpected )?EOF\b|ERR_STREAM_PREMATURE_CLOSE|Premature close/,
    summary: network,
  },
  {
    id: 'tls',
    crashType: 'network_error',
    weight: 0.93,
    pattern:
      /certificate has expired|CERT_HAS_EXPIRED|unable to verify the first certificate|UNABLE_TO_VERIFY_LEAF_SIGNATURE|self[- ]signed certificate|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|CERTIFICATE_VERIFY_FAILED|certificate verify failed|SSL routines|\bSSL(?:CertVerification|EOF|ZeroReturn)?Error\b|SSLHandshakeException|SSL certificate problem|x509: certificate|tls: (?:handshake failure|failed to verify|bad certificate)|TLS handshake timeout|ERR_TLS_CERT_ALTNAME_INVALID|Hostname\/IP does not match certificate|SSL_ERROR_SYSCALL|unable to get local issuer certificate|\bEPROTO\b|wrong version number|EOF occurred in violation of protocol|socket disconnected before secure TLS connection/,
    summary: (m) => `TLS failure: ${excerpt(m, 120)}`,
  },
  {
    // Agent CLIs and SDK wrappers saying in words that the API (or a server) could not be reached:
    // Claude Code's `Cannot connect to API`, `Unable to connect to API`, `Can't reach the API server`.
    // A specific cause outweighs the exception it was thrown in (those weigh ≤ 0.75).
    id: 'cannot-reach',
    crashType: 'network_error',
    weight: 0.88,
    pattern:
      /\b(?:Cannot|Can't|Could not|Couldn't|Unable to|Failed to) (?:connect|reach)(?: to)? (?:the )?(?:API|server|host|endpoint|upstream|backend|remote host|provider)\b/i,
    summary: network,
  },
  {
    // Rust's reqwest reports every transport failure (connect, DNS, reset) as `error sending request
    // for url (…)`, Codex's `stream disconnected before completion` with it: no HTTP answer came.
    id: 'request-not-sent',
    crashType: 'network_error',
    weight: 0.86,
    pattern: /\berror sending request for url\b|\bstream disconnected before completion\b/,
    summary: network,
  },
  {
    id: 'network-generic',
    crashType: 'network_error',
    weight: 0.8,
    // undici's `fetch failed` is its error's whole message (`TypeError: fetch failed`); after a word
    // (`shard fetch failed`) it is a program's own step failing, of no stated cause. Agent CLIs'
    // loop lines (`Reconnecting... waiting for network`) say the link is down in their own words.
    pattern: /(?<![A-Za-z] )\bfetch failed\b|\bConnection error\.|\bRemoteProtocolError\b|Server disconnected without sending a response|\bNetwork ?Error\b|\bnetwork error\b|\bERR_NETWORK\b|Network request failed|\b[Cc]onnection lost\b|\b[Ww]aiting for (?:a |the )?network(?: connection)?(?=$|[.,;:…)]| to (?:come back|return|reconnect))|\b[Nn]o (?:network|internet) connection\b|Connection closed by|\bEADDRINUSE\b/,
    summary: network,
  },
  {
    id: 'max-retries',
    crashType: 'network_error',
    weight: 0.7,
    pattern: /Max retries exceeded with url/,
    summary: network,
  },
  {
    id: 'broken-pipe',
    crashType: 'network_error',
    weight: 0.62,
    pattern: /\bEPIPE\b|Broken pipe|BrokenPipeError/,
    summary: network,
  },
];
