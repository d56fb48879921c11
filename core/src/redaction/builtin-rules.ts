/** Names of the built-in redaction rules, as `redaction.builtins` lists them and markers name them. */
export const BUILTIN_RULE_NAMES = [
  'aws-access-key-id',
  'aws-secret-access-key',
  'api-key',
  'github-token',
  'slack-token',
  'jwt',
  'bearer',
  'private-key',
  'json-key',
] as const;

/** One built-in rule's name. */
export type BuiltinRuleName = (typeof BUILTIN_RULE_NAMES)[number];

/**
 * The patterns of the built-in rules, applied to every string in a message's params, result or error. A named
 * group `secret` limits the replacement to that part (the context around it stays readable). `json-key` is not a
 * pattern: it redacts the whole value of a JSON key named like a credential (see {@link isSecretKeyName}).
 */
export const BUILTIN_PATTERNS: Readonly<Record<Exclude<BuiltinRuleName, 'json-key'>, RegExp>> = {
  'aws-access-key-id': /\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/g,
  // A secret access key is 40 base64 characters with nothing to tell it apart, so only in context: after its name.
  // Quotes may be escaped: the pre-check reads the raw JSON text.
  'aws-secret-access-key': /aws_?secret_?(?:access_?)?key[\\"']{0,2}\s*[:=]\s*[\\"']{0,2}(?<secret>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])/gi,
  'api-key': /\b(?:sk-(?:proj-|ant-|live-|test-|svcacct-)?[A-Za-z0-9_-]{20,}|[sr]k_(?:live|test)_[A-Za-z0-9]{16,})/g,
  'github-token': /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})/g,
  'slack-token': /\bxox[abposre]-[A-Za-z0-9-]{10,}/g,
  jwt: /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/g,
  bearer: /\bBearer\s+(?<secret>[A-Za-z0-9._~+/-]{8,}=*)/gi,
  'private-key': /-----BEGIN[A-Z0-9 ]* PRIVATE KEY-----[\s\S]*?-----END[A-Z0-9 ]* PRIVATE KEY-----/g,
};

const SECRET_KEY_SUFFIX = /(?:password|passwd|passphrase|secret|token|apikey|accesskey|privatekey|credentials?|authorization|cookie)$/;
// MCP's own keys that end like a credential but are not one.
const NOT_SECRET_KEYS = new Set(['progresstoken']);

// The end of a JSON key: an unescaped quote, then the colon.
const KEY_END = /(?<!\\)"\s*:/g;

/** Whether the raw JSON text has a key {@link isSecretKeyName} accepts; a scan of the keys, far cheaper than a parse. */
export function hasSecretKey(text: string): boolean {
  KEY_END.lastIndex = 0;
  for (let end = KEY_END.exec(text); end !== null; end = KEY_END.exec(text)) {
    const start = text.lastIndexOf('"', end.index - 1);
    if (start >= 0 && isSecretKeyName(text.slice(start + 1, end.index))) return true;
  }
  return false;
}

/** Whether a JSON key names a credential: its letters and digits, lower-cased, end in a credential word. */
export function isSecretKeyName(key: string): boolean {
  const normal = key.toLowerCase().replace(/[^a-z0-9]/g, '');
  return SECRET_KEY_SUFFIX.test(normal) && !NOT_SECRET_KEYS.has(normal);
}
