/**
 * Credential redaction: the one function every message passes through before anyone sees it
 * (every `MctError`'s message and hint, and every line the CLI prints). It removes, whatever the
 * shape of the text:
 *
 * - the user-info of any URI (`scheme://user:password@host`), even when the password holds `/`,
 *   `@` or `:` (everything up to the last `@` before the host is hidden);
 * - values of credential-like query parameters (`?token=`, `&password=`, `X-Amz-Signature=`...);
 * - `Authorization` header values and `password` / `token` / `secret` fields echoed in a body
 *   (JSON, form or header style);
 * - every credential value this process was configured with (registered by the MLflow config),
 *   as written, URL-encoded or inside a Basic header.
 */

const MASK = '***';
const secrets = new Set<string>();

/** Remembers a configured secret so that it is hidden wherever it shows up. */
export function registerSecret(value: string | undefined): void {
  if (value === undefined || value.length < 4) return;
  secrets.add(value);
  secrets.add(encodeURIComponent(value));
}

/** Remembers Basic credentials: the password and the base64 the Authorization header carries. */
export function registerBasicCredentials(username: string, password: string): void {
  registerSecret(password);
  registerSecret(Buffer.from(`${username}:${password}`, 'utf8').toString('base64'));
}

const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s"'<>]*)@(?=[^\s"'<>@]*)/gi;
const QUERY_SECRET = /([?&;](?:[\w.-]*(?:token|password|passwd|pwd|secret|signature|credential|api[-_]?key|apikey|auth|session|sig|key))=)[^&;#\s"'<>]*/gi;
const AUTH_HEADER = /(\b(?:proxy-)?authorization\b["']?\s*[:=]\s*["']?)(?:(?:basic|bearer|token|digest|negotiate)\s+)?[^\s"',;}]+/gi;
const SECRET_FIELD =
  /(["']?\b(?:password|passwd|pwd|secret|client[-_]?secret|api[-_]?key|apikey|access[-_]?token|refresh[-_]?token|auth[-_]?token|id[-_]?token|token|credentials?)\b["']?\s*[:=]\s*["']?)(?!\*\*\*)[^\s"',;}&]+/gi;

export function redactSecrets(text: string): string {
  let out = text
    .replace(USERINFO, (_whole, scheme: string) => `${scheme}${MASK}@`)
    .replace(QUERY_SECRET, `$1${MASK}`)
    .replace(AUTH_HEADER, `$1${MASK}`)
    .replace(SECRET_FIELD, `$1${MASK}`);
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(MASK);
  return out;
}
