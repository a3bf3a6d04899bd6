/**
 * Which reader a file needs and whether it can define a trail at all: cheap text tests, no
 * parser. Kept apart from the readers so that the editor can filter documents without loading
 * any parser.
 */
export type DocumentKind = 'cloudformation-yaml' | 'cloudformation-json' | 'terraform' | 'cdk';

export const CFN_TRAIL_TYPE = 'AWS::CloudTrail::Trail';

/** The reader for a file, from its name (and VS Code language id / first character when the name is not enough). */
export function documentKind(path: string, languageId?: string, text?: string): DocumentKind | undefined {
  const p = path.toLowerCase().replace(/[?#].*$/, '');
  if (p.endsWith('.tf') || p.endsWith('.tfvars')) return 'terraform';
  if (p.endsWith('.d.ts')) return undefined;
  if (/\.(?:ts|mts|cts)$/.test(p)) return 'cdk';
  if (/\.(?:ya?ml)$/.test(p)) return 'cloudformation-yaml';
  if (p.endsWith('.json')) return 'cloudformation-json';
  if (/\.(?:template|cfn|cform)$/.test(p)) return text !== undefined && /^\s*\{/.test(text) ? 'cloudformation-json' : 'cloudformation-yaml';
  switch (languageId) {
    case 'yaml':
      return 'cloudformation-yaml';
    case 'json':
    case 'jsonc':
      return 'cloudformation-json';
    case 'terraform':
    case 'hcl':
      return 'terraform';
    case 'typescript':
      return 'cdk';
    default:
      return undefined;
  }
}

export function cfnMayDefineTrail(text: string): boolean {
  return text.includes(CFN_TRAIL_TYPE);
}

export function tfMayDefineTrail(text: string): boolean {
  return text.includes('aws_cloudtrail');
}

export function cdkMayDefineTrail(text: string): boolean {
  return text.includes('Trail') && /cloudtrail/i.test(text);
}

/** Cheap text test before any parsing: can this file define a trail at all? */
export function mayDefineTrail(kind: DocumentKind, text: string): boolean {
  switch (kind) {
    case 'cloudformation-yaml':
    case 'cloudformation-json':
      return cfnMayDefineTrail(text);
    case 'terraform':
      return tfMayDefineTrail(text);
    case 'cdk':
      return cdkMayDefineTrail(text);
  }
}
