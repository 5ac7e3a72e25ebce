/**
 * An HTTP status only where the text says it is one: `HTTP/1.1 429`, `status code 503`,
 * `Error code: 401`, `"code":429`, `429 Too Many Requests`, `Error: 529 {`. A bare number is a
 * count (`processed 429 records`, `order #1429`) and is never read as a status. Case-sensitive on
 * purpose: `429 RESOURCE_EXHAUSTED` is a status, `429 records` is not.
 */
export function httpStatus(codes: string): RegExp {
  const c = `(?:${codes})`;
  return new RegExp(
    [
      String.raw`\bHTTP\/[\d.]+\s+${c}\b`,
      String.raw`\b(?:[Ss]tatus(?:[ _-]?[Cc]ode)?|(?:http)?statusCode|(?:[Hh]ttp)?StatusCode|[Ee]rror [Cc]ode|HTTP Error|[Rr]esponse [Cc]ode|[Cc]ode)["']?\s*[:=]?\s*${c}\b`,
      String.raw`\b(?:[Ss]tatus|HTTP|returned error:|returned)\s+${c}\b`,
      String.raw`\b(?:got|received)\s+${c}\b(?!\s+[a-z])`,
      String.raw`\bAPI Error:?\s*\(?${c}\b`,
      String.raw`\b(?:[Ee]rror|[Ee]xception|failed|provider error)[: ]+${c}\b`,
      String.raw`\(HTTP ${c}\)`,
      String.raw`\b${c} (?:Client Error|Server Error|Unauthorized|Forbidden|[A-Z][A-Z_]{5,}\b|\{|[A-Z][a-z]+ [A-Z][a-z]+)`,
      String.raw`\btoo many ${c} error responses\b`,
    ].join('|'),
  );
}
