/**
 * Removes secrets from text before it is logged or shown. Access key ids are kept recognisable
 * (their 4-letter prefix and last 4 characters) because users need them to tell keys apart;
 * secret keys, session tokens and signatures are removed whole.
 */
const ACCESS_KEY_ID = /\b((?:AKIA|ASIA|AROA|AIDA|ABIA|ACCA)[A-Z0-9]{12,})\b/g;
const NAMED_SECRET =
  /((?:aws_secret_access_key|aws_session_token|secretAccessKey|sessionToken|SecretAccessKey|SessionToken|x-amz-security-token|Signature|signature)["']?\s*[:=]\s*["']?)([^"'\s,&}]+)/g;
const AUTHORIZATION = /(Authorization["']?\s*[:=]\s*["']?)([^"'\n]+)/gi;

export function redact(text: string): string {
  return text
    .replace(NAMED_SECRET, (_match, name: string) => `${name}[redacted]`)
    .replace(AUTHORIZATION, (_match, name: string) => `${name}[redacted]`)
    .replace(ACCESS_KEY_ID, (key: string) => `${key.slice(0, 4)}…${key.slice(-4)}`);
}
