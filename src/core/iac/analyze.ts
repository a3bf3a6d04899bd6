/**
 * Trail definitions → checks: the posture rules (`evaluateTrail` in the 'iac' context, the same
 * rules the live Trails tree runs), each finding placed on the property it is about.
 */
import type { Finding, RuleId } from '../posture/model';
import { evaluateTrail } from '../posture/rules';
import type { Span, TrailDefinition, TrailField } from './types';

/** The snapshot field each IaC rule looks at (where its diagnostic goes). */
export const RULE_FIELDS: Readonly<Partial<Record<RuleId, TrailField>>> = {
  'CTL.Logging': 'isLogging',
  'CloudTrail.1': 'isMultiRegion',
  'CloudTrail.2': 'kmsKeyId',
  'CloudTrail.4': 'logFileValidation',
  'CloudTrail.5': 'cloudWatchLogsLogGroupArn',
  'CTL.GlobalServiceEvents': 'includeGlobalServiceEvents',
  'CTL.ManagementEvents': 'eventSelectors',
  'CTL.DataEvents': 'eventSelectors',
  'CTL.Insights': 'insightTypes',
};

export interface TrailCheck {
  readonly ruleId: RuleId;
  readonly finding: Finding;
  /** The property the rule is about (CloudTrail.1 failing on selectors points at the selectors). */
  readonly field?: TrailField;
  /** Where to show it: the property (key to value) when written, else the trail's head. */
  readonly file: string;
  readonly span: Span;
  /** A `cloudtrail-lens-ignore` comment covers it. */
  readonly suppressed: boolean;
}

export interface TrailReport {
  readonly definition: TrailDefinition;
  /** One per IaC rule, in the rules' display order; 'info' findings are left out. */
  readonly checks: readonly TrailCheck[];
}

function fieldFor(ruleId: RuleId, def: TrailDefinition): TrailField | undefined {
  if (ruleId === 'CloudTrail.1') {
    const mr = def.snapshot.isMultiRegion;
    // Multi-region already: a CloudTrail.1 failure is about the event selectors.
    if (mr.known && mr.value && def.properties.eventSelectors) return 'eventSelectors';
  }
  return RULE_FIELDS[ruleId];
}

export function checkTrail(def: TrailDefinition): TrailReport {
  const findings = evaluateTrail(def.snapshot, { context: 'iac' });
  const checks: TrailCheck[] = [];
  for (const finding of findings) {
    if (finding.status === 'info') continue;
    const field = fieldFor(finding.ruleId, def);
    const prop = field ? def.properties[field] : undefined;
    const span = prop && prop.file === def.file ? { start: prop.keySpan.start, end: Math.max(prop.keySpan.end, prop.valueSpan.end) } : def.headSpan;
    const suppressed = def.suppressed.includes('*') || def.suppressed.includes(finding.ruleId);
    checks.push({ ruleId: finding.ruleId, finding, ...(field ? { field } : {}), file: def.file, span, suppressed });
  }
  return { definition: def, checks };
}

/** Short names for CodeLens text: "log file validation", "multi-region". */
export const RULE_SHORT_NAMES: Readonly<Partial<Record<RuleId, string>>> = {
  'CTL.Logging': 'logging',
  'CloudTrail.1': 'multi-region',
  'CloudTrail.2': 'KMS encryption',
  'CloudTrail.4': 'log file validation',
  'CloudTrail.5': 'CloudWatch Logs',
  'CTL.GlobalServiceEvents': 'global service events',
  'CTL.ManagementEvents': 'management events',
};

export function shortName(ruleId: RuleId): string {
  return RULE_SHORT_NAMES[ruleId] ?? ruleId;
}
