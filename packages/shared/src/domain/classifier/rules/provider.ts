import type { Rule } from '../types.js';
import { excerpt, gist } from '../gist.js';
import { httpStatus } from './http-status.js';

const statusOf = (m: RegExpExecArray): string => /\b(\d{3})\b/.exec(m[0])?.[1] ?? '';

export const rateLimitRules: Rule[] = [
  {
    id: 'rate-limit-type',
    crashType: 'rate_limited',
    weight: 0.95,
    pattern:
      /\b(?:rate_limit_error|rate_limit_exceeded|RateLimitError|RateLimitExceeded(?:Exception)?|RATE_LIMIT_EXCEEDED|TooManyRequests(?:Error|Exception)?|ThrottlingException|Throttling: Rate exceeded|dailyLimitExceeded|userRateLimitExceeded|rateLimitExceeded|quotaExceeded)\b/,
    summary: (m) => `Rate limited by the provider (${m[0]})`,
  },
  {
    // Agent CLIs' plan limits are rate limits over a window (Claude Code's `Claude AI usage limit
    // reached|<reset epoch>`, `5-hour limit reached ∙ resets 3pm`): the work resumes when the window does.
    id: 'rate-limit-words',
    crashType: 'rate_limited',
    weight: 0.93,
    pattern:
      /Rate limit reached for|API rate limit exceeded|secondary rate limit|\brate limit (?:exceeded|reached|hit)\b|exceeded (?:the |your )?(?:[\w-]+ )?rate limit|would exceed (?:the |your )?(?:account's |organization's )?rate limit|\brate[- ]limited\b|\bToo Many Requests\b|Please reduce your request rate|\bSlowDown\b|(?<!disk |storage |memory |CPU )\busage limit (?:reached|exceeded|hit)\b|\b(?:\d+-hour|daily|weekly|monthly) limit reached\b|(?:reached|hit|exceeded) (?:your |the )?(?:\w+ )?usage limit\b|\b(?:reached|hit|exceeded|exhausted) (?:your |the |its )?(?:daily|weekly|monthly|hourly) (?:\w+ )?(?:limit|cap|allowance)\b|\b(?:daily|weekly|monthly|hourly) (?:\w+ )?(?:limit|cap) (?:exceeded|hit|exhausted)\b/i,
    summary: (m) => `Rate limited by the provider (${gist(m[0], 60)})`,
  },
  {
    id: 'http-429',
    crashType: 'rate_limited',
    weight: 0.9,
    pattern: httpStatus('429'),
    summary: 'Rate limited by the provider (HTTP 429)',
  },
  {
    // Quota is a rate limit over a longer window (DESIGN §5), whatever verb tells its end (`exhausted
    // your daily quota`, `Quota exhausted for quota metric …`); memory and disk quotas are not.
    id: 'quota',
    crashType: 'rate_limited',
    weight: 0.92,
    pattern:
      /insufficient_quota|exceeded your current quota|(?<!disk |memory |storage )\bquota (?:has been )?exceeded|Quota exceeded for|RESOURCE_EXHAUSTED|\bResourceExhausted\b(?!Error)|Resource has been exhausted|credit balance is too low|billing[_ ]hard[_ ]limit|\b(?:exhausted|exceeded|reached|hit|used up|ran out of|run out of|out of) (?:your |the |its |this )?(?:(?!disk|memory|storage|inode|file|cpu)\w+ )?quota\b|(?<!disk |memory |storage |inode |file )\bquota (?:is |has been |was )?(?:exhausted|reached|used up)\b|\bQuota exhausted\b/i,
    summary: (m) => `Provider quota exhausted (${gist(m[0], 60)})`,
  },
  {
    id: 'rate-window',
    crashType: 'rate_limited',
    weight: 0.5,
    pattern: /\b(?:tokens|requests) per (?:min(?:ute)?|day)\b|\((?:TPM|RPM|TPD|RPD)\)/,
    summary: (m) => `Rate limited by the provider (${m[0]})`,
  },
];

export const overloadRules: Rule[] = [
  {
    id: 'overloaded-type',
    crashType: 'provider_overloaded',
    weight: 0.96,
    pattern: /\boverloaded_error\b|\bOverloadedError\b|Repeated 529/,
    summary: 'The provider is overloaded (529 overloaded_error)',
  },
  {
    id: 'http-529',
    crashType: 'provider_overloaded',
    weight: 0.93,
    pattern: httpStatus('529'),
    summary: 'The provider is overloaded (HTTP 529)',
  },
  {
    // Not C++'s "call of overloaded 'f(int)' is ambiguous".
    id: 'overloaded-words',
    crashType: 'provider_overloaded',
    weight: 0.88,
    pattern: /(?<!call of |of )\b[Oo]verloaded\b(?! (?:function|method|operator|constructor|call|'))/,
    summary: (m) => `The provider is overloaded (${excerpt(m, 80)})`,
  },
  {
    id: 'http-5xx',
    crashType: 'provider_overloaded',
    weight: 0.85,
    pattern: httpStatus('500|502|503|504'),
    summary: (m) => `The provider failed with a server error (HTTP ${statusOf(m)})`,
  },
  {
    id: 'server-error-words',
    crashType: 'provider_overloaded',
    weight: 0.87,
    pattern:
      /\b(?:Bad Gateway|Service (?:Temporarily )?Unavailable|Gateway Time-?out|InternalServerError|InternalServerException|ServiceUnavailable(?:Error|Exception)?|ServerError: 5\d\d)\b/i,
    summary: (m) => `The provider failed with a server error (${m[0]})`,
  },
  {
    id: 'provider-server-error',
    crashType: 'provider_overloaded',
    weight: 0.9,
    pattern:
      /The server had an error (?:while )?processing your request|An error occurred while processing your request|\bapi_error\b|\bserver_error\b|upstream connect error|no healthy upstream|model is currently loading|ModelNotReady|experiencing (?:high|unusually high) (?:demand|traffic)|is unable to process your request|server is busy|capacity (?:constraints|exceeded)|"status":\s*"(?:UNAVAILABLE|INTERNAL)"|'status': '(?:UNAVAILABLE|INTERNAL)'|\b503 UNAVAILABLE\b|StatusCode\.UNAVAILABLE/,
    summary: (m) => `The provider failed with a server error (${gist(m[0], 60)})`,
  },
  {
    id: 'internal-server-error',
    crashType: 'provider_overloaded',
    weight: 0.85,
    pattern: /Internal server error/i,
    summary: 'The provider failed with a server error (Internal server error)',
  },
];

export const authRules: Rule[] = [
  {
    id: 'auth-type',
    crashType: 'auth_error',
    weight: 0.96,
    pattern:
      /\b(?:authentication_error|AuthenticationError|invalid_api_key|API_KEY_INVALID|UNAUTHENTICATED|permission_error|PermissionDeniedError|PERMISSION_DENIED|invalid_grant|invalid_token|ExpiredToken(?:Exception)?|UnrecognizedClientException|InvalidClientTokenId|SignatureDoesNotMatch)\b|invalid x-api-key|Incorrect API key provided|API key not valid|Invalid bearer token|Bad credentials|OAuth token has expired|security token included in the request is (?:invalid|expired)|api_key client option must be set|Could not resolve authentication method|x-api-key header is required|Please run \/login/,
    summary: (m) => `Authentication failed (${gist(m[0], 60)})`,
  },
  {
    id: 'auth-words',
    crashType: 'auth_error',
    weight: 0.9,
    pattern:
      /Authentication failed for|could not read (?:Username|Password) for|pull access denied|requested access to the resource is denied|\bE40[13]\b|Unable to authenticate|\bInvalid API key\b|Permission denied \(publickey|\btoken (?:has )?expired\b|\bexpired token\b|\btoken is expired\b|Token has been expired or revoked|\bAccessDenied(?:Exception)?\b|\b(?:Missing|No) API key\b|API key (?:is )?(?:missing|not set|required)|Proxy Authentication Required|You must be logged in|not logged in|provide credentials|(?:invalid|expired|missing) credentials|credentials (?:are |have )?(?:invalid|expired|missing)|login required/i,
    summary: (m) => `Authentication failed (${gist(m[0], 60)})`,
  },
  {
    id: 'http-401',
    crashType: 'auth_error',
    weight: 0.88,
    pattern: httpStatus('401|407'),
    summary: 'Authentication failed (HTTP 401)',
  },
  {
    id: 'http-403',
    crashType: 'auth_error',
    weight: 0.85,
    pattern: httpStatus('403'),
    summary: 'Access forbidden (HTTP 403)',
  },
  {
    id: 'unauthorized',
    crashType: 'auth_error',
    weight: 0.75,
    pattern: /\bUnauthorized\b|\bForbidden\b/,
    summary: (m) => `Authentication failed (${m[0]})`,
  },
];

export const contextRules: Rule[] = [
  {
    id: 'context-overflow',
    crashType: 'context_overflow',
    weight: 0.97,
    pattern:
      /prompt is too (?:long|large)|maximum context length|context_length_exceeded|context[_ ]window[_ ]exceeded|ContextWindowExceeded(?:Error)?|exceeds? (?:the )?(?:model'?s? )?(?:maximum )?context (?:limit|window|length|size)|exceed context limit|exceeds the maximum number of tokens|input token count \(?\d+\)? exceeds|Input is too long for requested model|\btoo many (?:input )?tokens\b(?!,? please wait|,? (?:please )?(?:try|retry) again| per\b)|reduce the length of the messages|request exceeds the available context size|longer than the maximum model length|hit (?:a|the|its) token limit|exhausted (?:the |its )?context window|context window (?:is )?(?:full|exhausted)|max_model_len|must be <= \d+\. Given: \d+|exceeds the [\d,.]+ token limit|context size has been exceeded|tokens? > \d+ maximum/i,
    summary: (m) => `The prompt no longer fits the model's context window (${gist(m[0], 70)})`,
  },
  {
    id: 'request-too-large',
    crashType: 'context_overflow',
    weight: 0.82,
    pattern: /\brequest_too_large\b|Request (?:entity )?too large|Payload Too Large/i,
    summary: (m) => `The request is too large for the provider (${m[0]})`,
  },
];
