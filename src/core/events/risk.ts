/**
 * Risk flags: marks security-sensitive events so the panel, the CLI and "risky only" can point at
 * them. Three sources, all pure and offline:
 *
 *  - builtin: CloudTrail Lens's own rules, which read request parameters (is the security group
 *    opened to the world? is the policy AdministratorAccess? is the key for another user?);
 *  - sigma: the SigmaHQ CloudTrail rules, translated into matcher trees (catalog-data.ts, sigma.ts);
 *  - traildiscover: TrailDiscover's catalogue of events attackers use (ATT&CK tactic/technique,
 *    seen in real attacks, security implication).
 *
 * Decisions where sources and AWS semantics meet:
 *  - builtin "action" rules and TrailDiscover flags describe something that HAPPENED: they fire on
 *    successful calls only. A failed call gets an attempt flag instead (`builtin.access-denied`,
 *    medium when the action is sensitive; `builtin.failed-sensitive-call` for other errors). Sigma
 *    rules keep their own conditions (some include failures).
 *  - Denials whose source IP is an AWS service (`cloudformation.amazonaws.com`, `AWS Internal`)
 *    are a service acting for a principal, not an actor probing: not flagged (as Panther does).
 *  - Root activity follows the CIS/AWS alarm: userIdentity.type Root, no invokedBy, not an
 *    AwsServiceEvent; high for writes and sign-ins, medium for read-only calls and failed attempts.
 *  - Insights events are statistics about API calls, not calls: never flagged.
 *  - Denial bursts need a stream, so they live in DenialBurstDetector, not in `assess`.
 */
import { SIGMA_RULE_BASE_URL, SIGMA_RULES, TACTICS, TECHNIQUES, TRAILDISCOVER } from './catalog-data';
import { isWorldCidr } from './ip';
import { RISK_LEVELS, type RiskLevel } from './query';
import type { CloudTrailRecord, EventRow } from './record';
import { compileSigma, type RecordMatcher, type SigmaRuleData } from './sigma';

export type { RiskLevel } from './query';

/** A risk flag. Flags from the catalogues are shared, frozen objects: treat every flag as read-only. */
export interface RiskFlag {
  /** Stable id: `builtin.trail-tampering`, `sigma.aws_cloudtrail_disable_logging`, `traildiscover.DeleteTrail`. */
  id: string;
  level: RiskLevel;
  title: string;
  /** Why this event got the flag, with the event's own values. */
  reason: string;
  /** ATT&CK tactic(s), e.g. `TA0005 Defense Evasion`. */
  tactic?: string;
  /** ATT&CK technique, e.g. `T1562.008 Impair Defenses: Disable or Modify Cloud Logs`. */
  technique?: string;
  /** TrailDiscover: this event has been used in real attacks. */
  seenInAttacks?: boolean;
  /** TrailDiscover: the one-line security implication. */
  implication?: string;
  /** Sigma: the rule's author(s), which the Detection Rule License requires wherever a match is shown. */
  author?: string;
  /** Sigma: the rule's source. */
  url?: string;
  source: 'sigma' | 'traildiscover' | 'builtin';
}

export interface RiskOptions {
  /** Role names/ARNs whose assumption is privileged. A string is a case-insensitive regular expression. */
  privilegedRolePattern?: string | RegExp;
  /** Include the Sigma rules (default true). */
  sigma?: boolean;
  /** Include TrailDiscover (default true). */
  traildiscover?: boolean;
  /** Flag ids (or id prefixes ending in `*`) never to report. */
  disabled?: string[];
}

export const DEFAULT_PRIVILEGED_ROLE_PATTERN = 'admin|poweruser|power-user|privileged|superuser|break-?glass|fullaccess|full-access|OrganizationAccountAccessRole';

// ---------------------------------------------------------------------------------------------
// Levels

const RANKS: Readonly<Record<RiskLevel, number>> = { low: 0, medium: 1, high: 2 };

export function levelRank(level: RiskLevel): number {
  return RANKS[level] ?? RISK_LEVELS.indexOf(level);
}

export function atLeast(level: RiskLevel, min: RiskLevel): boolean {
  return levelRank(level) >= levelRank(min);
}

/** The highest level among the flags, or undefined when there is none. */
export function maxRiskLevel(flags: readonly RiskFlag[]): RiskLevel | undefined {
  let best: RiskLevel | undefined;
  for (const flag of flags) if (!best || levelRank(flag.level) > levelRank(best)) best = flag.level;
  return best;
}

const SOURCE_ORDER: Record<RiskFlag['source'], number> = { builtin: 0, sigma: 1, traildiscover: 2 };

function sortFlags(flags: RiskFlag[]): RiskFlag[] {
  if (flags.length < 2) return flags;
  return flags.sort((a, b) => levelRank(b.level) - levelRank(a.level) || SOURCE_ORDER[a.source] - SOURCE_ORDER[b.source] || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

// ---------------------------------------------------------------------------------------------
// Reading odd records safely

function obj(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
}

function isFalse(value: unknown): boolean {
  return value === false || (typeof value === 'string' && value.toLowerCase() === 'false');
}

/** Every value stored under one of `keys`, anywhere below `value` (bounded, iterative). */
function valuesUnder(value: unknown, keys: ReadonlySet<string>, limit = 2000): unknown[] {
  const out: unknown[] = [];
  const stack: unknown[] = [value];
  let seen = 0;
  while (stack.length > 0 && seen++ < limit) {
    const item = stack.pop();
    if (Array.isArray(item)) for (const child of item as unknown[]) stack.push(child);
    else if (item !== null && typeof item === 'object') {
      for (const [key, child] of Object.entries(item as Record<string, unknown>)) {
        if (keys.has(key)) out.push(child);
        if (child !== null && typeof child === 'object') stack.push(child);
      }
    }
  }
  return out;
}

/** An IAM policy document from requestParameters: JSON text (sometimes URL-encoded) or an object. */
function policyDocument(value: unknown): Record<string, unknown> | undefined {
  if (obj(value)) return obj(value);
  if (typeof value !== 'string' || value.length > 100_000) return undefined;
  for (const text of [value, safeDecode(value)]) {
    if (text === undefined) continue;
    try {
      const parsed = obj(JSON.parse(text));
      if (parsed) return parsed;
    } catch {
      // try the next spelling
    }
  }
  return undefined;
}

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? (value as unknown[]) : value === undefined || value === null ? [] : [value];
}

function statements(document: Record<string, unknown> | undefined): Array<Record<string, unknown>> {
  return asList(document?.Statement)
    .map(obj)
    .filter((item): item is Record<string, unknown> => !!item);
}

/** Allow statements granting `*` or `iam:*` on any resource: administrator in effect. */
function grantsAdmin(document: Record<string, unknown> | undefined): boolean {
  return statements(document).some((statement) => {
    if (str(statement.Effect).toLowerCase() !== 'allow') return false;
    const actions = asList(statement.Action).map((action) => str(action).toLowerCase());
    const resources = asList(statement.Resource).map(str);
    return actions.some((action) => action === '*' || action === 'iam:*') && (resources.length === 0 || resources.includes('*'));
  });
}

/** Principals a trust policy lets in that are outside `account`: `*` or another account id. */
function outsidePrincipals(document: Record<string, unknown> | undefined, account: string): string[] {
  const out: string[] = [];
  for (const statement of statements(document)) {
    if (str(statement.Effect).toLowerCase() !== 'allow') continue;
    const principal = statement.Principal;
    const aws = principal === '*' ? ['*'] : asList(obj(principal)?.AWS).map(str);
    for (const item of aws) {
      if (item === '*') out.push('*');
      else {
        const id = /^\d{12}$/.test(item) ? item : /^arn:[^:]*:(?:iam|sts)::(\d{12}):/.exec(item)?.[1];
        if (id && id !== account) out.push(item);
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Error codes

const DENIED = /AccessDenied|Unauthori[sz]ed|NotAuthorized|AuthorizationError|Forbidden/i;

/** AccessDenied, AccessDeniedException, Client.UnauthorizedOperation, … */
export function isAccessDenied(errorCode: string): boolean {
  return errorCode !== '' && DENIED.test(errorCode);
}

function succeeded(row: EventRow): boolean {
  return row.errorCode === '' || row.errorCode.toLowerCase() === 'success';
}

/** The call was made by an AWS service on a principal's behalf (sourceIPAddress is a service name). */
function viaAwsService(row: EventRow): boolean {
  const ip = row.sourceIp.toLowerCase();
  return ip === 'aws internal' || ip.endsWith('.amazonaws.com');
}

// ---------------------------------------------------------------------------------------------
// TrailDiscover

export interface CatalogEvent {
  eventSource: string;
  eventName: string;
  seenInAttacks: boolean;
  tactics: string[];
  techniques: string[];
  implication: string;
}

/** Tactics that mean "the attacker did something", as opposed to looking around. */
const ACTING_TACTICS = /Defense Evasion|Impact|Persistence|Privilege Escalation|Exfiltration|Credential Access|Initial Access|Lateral Movement|Execution|Collection|Command and Control/;

/** A catalogue entry with what `assess` needs, computed once. */
interface IndexedEvent {
  entry: CatalogEvent;
  flag: RiskFlag;
  /** Attackers use it to act (not only to look around). */
  acting: boolean;
}

/** source → name → entry (two levels: no key string built per event). */
let catalogIndex: Map<string, Map<string, IndexedEvent>> | undefined;

function catalog(): Map<string, Map<string, IndexedEvent>> {
  if (!catalogIndex) {
    catalogIndex = new Map();
    for (const [eventSource, eventName, wild, tactics, techniques, implication] of TRAILDISCOVER) {
      let names = catalogIndex.get(eventSource);
      if (!names) catalogIndex.set(eventSource, (names = new Map<string, IndexedEvent>()));
      const entry: CatalogEvent = {
        eventSource,
        eventName,
        seenInAttacks: wild === 1,
        tactics: tactics.map((i) => TACTICS[i] ?? ''),
        techniques: techniques.map((i) => TECHNIQUES[i] ?? ''),
        implication,
      };
      names.set(eventName, { entry, flag: Object.freeze(traildiscoverFlag(entry)), acting: entry.tactics.some((tactic) => ACTING_TACTICS.test(tactic)) });
    }
  }
  return catalogIndex;
}

/** TrailDiscover's entry for an event, if it has one. */
export function catalogEvent(eventSource: string, eventName: string): CatalogEvent | undefined {
  return catalog().get(eventSource)?.get(eventName)?.entry;
}

function traildiscoverFlag(entry: CatalogEvent): RiskFlag {
  const acting = entry.tactics.some((tactic) => ACTING_TACTICS.test(tactic));
  const tacticNames = entry.tactics.map((tactic) => tactic.replace(/^TA\d{4} /, '')).join(', ');
  const flag: RiskFlag = {
    id: `traildiscover.${entry.eventName}`,
    level: entry.seenInAttacks && acting ? 'medium' : 'low',
    title: `${entry.eventName}${tacticNames ? `: ${tacticNames}` : ''}`,
    reason: `${entry.seenInAttacks ? 'Used in real attacks' : 'Security-relevant'} (TrailDiscover). ${entry.implication}`.trim(),
    seenInAttacks: entry.seenInAttacks,
    source: 'traildiscover',
  };
  if (entry.tactics.length > 0) flag.tactic = entry.tactics.join(', ');
  if (entry.techniques.length > 0) flag.technique = entry.techniques[0];
  if (entry.implication) flag.implication = entry.implication;
  return flag;
}

// ---------------------------------------------------------------------------------------------
// Builtin rules

interface Context {
  row: EventRow;
  record: CloudTrailRecord;
  params: Record<string, unknown>;
  identity: Record<string, unknown>;
  privileged: RegExp;
}

type Builtin = (context: Context) => Omit<RiskFlag, 'source'> | undefined;

const DEFENSE_EVASION = 'TA0005 Defense Evasion';
const CLOUD_LOGS = 'T1562.008 Impair Defenses: Disable or Modify Cloud Logs';
const PERSISTENCE_PRIVESC = 'TA0003 Persistence, TA0004 Privilege Escalation';
const CLOUD_ROLES = 'T1098.003 Account Manipulation: Additional Cloud Roles';
const CLOUD_CREDS = 'T1098.001 Account Manipulation: Additional Cloud Credentials';
const VALID_CLOUD = 'T1078.004 Valid Accounts: Cloud Accounts';

function trailName(params: Record<string, unknown>): string {
  const name = str(params.name) || str(params.trailName);
  return name ? ` “${name.split('/').pop() ?? name}”` : '';
}

const trailGone = (what: string): Builtin => ({ params, row }) => ({
  id: 'builtin.trail-tampering',
  level: 'high',
  title: `CloudTrail ${what}`,
  reason: `${row.eventName}${trailName(params)}: events stop being recorded.`,
  tactic: DEFENSE_EVASION,
  technique: CLOUD_LOGS,
});

/** PutEventSelectors that stops management events (or writes) from being logged. */
function selectorsReduceLogging(params: Record<string, unknown>): string | undefined {
  // AWS semantics: management events are logged when ANY selector includes them (Panther alerts when
  // any one selector excludes them, which also fires on the common "one management + one data
  // selector" setup).
  const basic = asList(params.eventSelectors).map(obj).filter((item): item is Record<string, unknown> => !!item);
  if (basic.length > 0) {
    const management = basic.filter((selector) => !isFalse(selector.includeManagementEvents));
    if (management.length === 0) return 'no selector includes management events';
    if (management.every((selector) => str(selector.readWriteType).toLowerCase() === 'readonly')) return 'management events are logged read-only: writes are no longer recorded';
  }
  if ('eventSelectors' in params && Array.isArray(params.eventSelectors) && basic.length === 0 && !('advancedEventSelectors' in params)) return 'the selectors are empty';
  const advanced = asList(params.advancedEventSelectors).map(obj).filter((item): item is Record<string, unknown> => !!item);
  if (advanced.length > 0) {
    const management = advanced.some((selector) =>
      asList(selector.fieldSelectors)
        .map(obj)
        .some((field) => str(field?.field).toLowerCase() === 'eventcategory' && asList(field?.equals).some((value) => str(value).toLowerCase() === 'management')),
    );
    if (!management) return 'the advanced selectors no longer include management events';
  }
  return undefined;
}

const trailConfig: Builtin = ({ params, row }) => {
  const reduced = row.eventName === 'PutEventSelectors' ? selectorsReduceLogging(params) : undefined;
  const coverage: string[] = [];
  if (row.eventName === 'UpdateTrail') {
    if (isFalse(params.isMultiRegionTrail)) coverage.push('the trail no longer covers all regions');
    if (isFalse(params.includeGlobalServiceEvents)) coverage.push('global service events (IAM, STS) are no longer logged');
    if (isFalse(params.enableLogFileValidation)) coverage.push('log file validation is off');
  }
  if (reduced || coverage.some((item) => !item.startsWith('log file'))) {
    return {
      id: 'builtin.trail-logging-reduced',
      level: 'high',
      title: 'CloudTrail logging reduced',
      reason: `${row.eventName}${trailName(params)}: ${reduced ?? coverage.join('; ')}.`,
      tactic: DEFENSE_EVASION,
      technique: CLOUD_LOGS,
    };
  }
  return {
    id: 'builtin.trail-config-change',
    level: 'medium',
    title: 'CloudTrail configuration changed',
    reason: `${row.eventName}${trailName(params)}${coverage.length > 0 ? `: ${coverage.join('; ')}` : ''}.`,
    tactic: DEFENSE_EVASION,
    technique: CLOUD_LOGS,
  };
};

const CIDR_KEYS = new Set(['cidrIp', 'cidrIpv4', 'cidrIpv6', 'CidrIp', 'CidrIpv4', 'CidrIpv6']);
const EGRESS_KEYS = new Set(['isEgress', 'IsEgress']);
const FROM_PORT_KEYS = new Set(['fromPort', 'FromPort']);
const TO_PORT_KEYS = new Set(['toPort', 'ToPort']);
const SECURITY_GROUP_TECHNIQUE = 'T1562.007 Impair Defenses: Disable or Modify Cloud Firewall';

const securityGroup: Builtin = ({ params, row }) => {
  const group = str(params.groupId) || str(params.groupName);
  const name = group ? ` ${group}` : '';
  // ModifySecurityGroupRules edits ingress and egress rules alike; a rule marked as egress is not an opening.
  const ingress = row.eventName === 'AuthorizeSecurityGroupIngress' || (row.eventName === 'ModifySecurityGroupRules' && !valuesUnder(params, EGRESS_KEYS).some((value) => value === true || value === 'true'));
  const world = ingress ? valuesUnder(params, CIDR_KEYS).map(str).filter(isWorldCidr) : [];
  if (world.length > 0) {
    const from = str(valuesUnder(params, FROM_PORT_KEYS)[0]);
    const to = str(valuesUnder(params, TO_PORT_KEYS)[0]);
    const ports = from === '' ? '' : from === to || to === '' ? ` port ${from}` : ` ports ${from}–${to}`;
    return {
      id: 'builtin.security-group-open',
      level: 'high',
      title: 'Security group opened to the internet',
      reason: `${row.eventName}${name}:${ports} open to ${[...new Set(world)].join(', ')}.`,
      tactic: DEFENSE_EVASION,
      technique: SECURITY_GROUP_TECHNIQUE,
    };
  }
  return {
    id: 'builtin.security-group-change',
    level: row.eventName === 'CreateSecurityGroup' ? 'low' : 'medium',
    title: 'Security group changed',
    reason: `${row.eventName}${name}.`,
    tactic: DEFENSE_EVASION,
    technique: SECURITY_GROUP_TECHNIQUE,
  };
};

const dynamodb: Builtin = ({ params, row }) => {
  const table = str(params.tableName) || str(params.backupArn).split('/').slice(-3, -2)[0] || '';
  if (row.eventName === 'UpdateContinuousBackups') {
    const spec = obj(params.pointInTimeRecoverySpecification);
    if (!spec || !isFalse(spec.pointInTimeRecoveryEnabled)) return undefined;
  }
  const what =
    row.eventName === 'DeleteTable' ? 'DynamoDB table deleted' : row.eventName === 'DeleteBackup' ? 'DynamoDB backup deleted' : 'DynamoDB point-in-time recovery disabled';
  return {
    id: 'builtin.dynamodb-data-loss',
    level: 'high',
    title: what,
    reason: `${row.eventName}${table ? ` on ${table}` : ''}: data or its recovery point is gone.`,
    tactic: 'TA0040 Impact',
    technique: row.eventName === 'UpdateContinuousBackups' ? 'T1490 Inhibit System Recovery' : 'T1485 Data Destruction',
  };
};

const ADMIN_POLICY = /(^|[/:])(AdministratorAccess|IAMFullAccess)$/;

const iamPolicy: Builtin = ({ params, row, privileged }) => {
  const target = str(params.userName) || str(params.roleName) || str(params.groupName) || str(params.policyArn).split('/').pop() || '';
  const on = target ? ` ${target}` : '';
  const base = { id: 'builtin.iam-privilege-change', tactic: PERSISTENCE_PRIVESC, technique: CLOUD_ROLES };
  switch (row.eventName) {
    case 'AttachUserPolicy':
    case 'AttachRolePolicy':
    case 'AttachGroupPolicy': {
      const policy = str(params.policyArn);
      const admin = ADMIN_POLICY.test(policy);
      return { ...base, level: admin ? 'high' : 'medium', title: admin ? 'Administrator policy attached' : 'IAM policy attached', reason: `${row.eventName}: ${policy || 'a policy'} attached to${on}.` };
    }
    case 'PutUserPolicy':
    case 'PutRolePolicy':
    case 'PutGroupPolicy':
    case 'CreatePolicyVersion': {
      const admin = grantsAdmin(policyDocument(params.policyDocument));
      const name = str(params.policyName) || str(params.policyArn);
      return {
        ...base,
        level: admin ? 'high' : 'medium',
        title: admin ? 'Policy grants administrator access' : row.eventName === 'CreatePolicyVersion' ? 'IAM policy version created' : 'Inline IAM policy written',
        reason: `${row.eventName}${name ? ` ${name}` : ''}${on && row.eventName !== 'CreatePolicyVersion' ? ` on${on}` : ''}${admin ? ': allows * on *' : ''}.`,
      };
    }
    case 'SetDefaultPolicyVersion':
      return { ...base, level: 'medium', title: 'IAM policy version switched', reason: `${row.eventName}: ${str(params.policyArn)} now uses ${str(params.versionId) || 'another version'}.` };
    case 'AddUserToGroup': {
      const group = str(params.groupName);
      const admin = group !== '' && privileged.test(group);
      return { ...base, level: admin ? 'high' : 'medium', title: admin ? 'User added to a privileged group' : 'User added to a group', reason: `${str(params.userName) || 'A user'} added to ${group || 'a group'}.` };
    }
    case 'UpdateAssumeRolePolicy': {
      const outside = outsidePrincipals(policyDocument(params.policyDocument), row.account);
      return {
        ...base,
        level: outside.length > 0 ? 'high' : 'medium',
        title: outside.length > 0 ? 'Role trusts a principal outside the account' : 'Role trust policy changed',
        reason: `${row.eventName}${on}${outside.length > 0 ? `: trusts ${outside.join(', ')}` : ''}.`,
      };
    }
    case 'DeleteUserPermissionsBoundary':
    case 'DeleteRolePermissionsBoundary':
      return { ...base, level: 'medium', title: 'Permissions boundary removed', reason: `${row.eventName}${on}: the boundary no longer caps its permissions.` };
    default:
      return undefined;
  }
};

const iamCredential: Builtin = ({ params, row, identity }) => {
  const target = str(params.userName);
  switch (row.eventName) {
    case 'CreateLoginProfile':
    case 'UpdateLoginProfile': {
      // Changing one's own password is not a privilege change. The caller is the IAM user itself, or a
      // role session named like the user (federated people managing "their" IAM user, as Panther assumes).
      const type = str(identity.type);
      const caller = type === 'IAMUser' ? str(identity.userName) || str(identity.arn).split('/').pop() || '' : type === 'AssumedRole' ? (str(identity.arn).split('/').pop() ?? '') : '';
      if (row.eventName === 'UpdateLoginProfile' && target !== '' && target === caller) return undefined;
      // A reset the user must change at next sign-in is the usual admin password reset.
      const resetRequired = params.passwordResetRequired === true || str(params.passwordResetRequired).toLowerCase() === 'true';
      return {
        id: 'builtin.iam-credential-change',
        level: resetRequired ? 'low' : 'medium',
        title: row.eventName === 'CreateLoginProfile' ? 'Console password created' : 'Console password changed',
        reason: `${row.eventName} for ${target || 'a user'}${resetRequired ? ' (must be changed at next sign-in)' : ''}: whoever knows the password can sign in to the console.`,
        tactic: PERSISTENCE_PRIVESC,
        technique: CLOUD_CREDS,
      };
    }
    case 'DeactivateMFADevice':
    case 'DeleteVirtualMFADevice':
      return {
        id: 'builtin.iam-credential-change',
        level: 'medium',
        title: 'MFA device removed',
        reason: `${row.eventName}${target ? ` for ${target}` : ''}: sign-in no longer needs the second factor.`,
        tactic: 'TA0005 Defense Evasion, TA0003 Persistence',
        technique: 'T1556.006 Modify Authentication Process: Multi-Factor Authentication',
      };
    default:
      return undefined;
  }
};

const accessKey: Builtin = ({ params, identity, row }) => {
  const target = str(params.userName);
  const type = str(identity.type);
  if (type === 'Root' && !target) {
    return {
      id: 'builtin.root-access-key',
      level: 'high',
      title: 'Access key created for the root user',
      reason: 'CreateAccessKey by root without a user name: the root user now has a long-term access key.',
      tactic: PERSISTENCE_PRIVESC,
      technique: CLOUD_CREDS,
    };
  }
  const caller = type === 'IAMUser' ? str(identity.userName) : '';
  if (target && target !== caller) {
    return {
      id: 'builtin.access-key-for-other-user',
      level: 'high',
      title: 'Access key created for another user',
      reason: `${row.user || 'A principal'} created an access key for ${target}: a classic backdoor.`,
      tactic: PERSISTENCE_PRIVESC,
      technique: CLOUD_CREDS,
    };
  }
  return {
    id: 'builtin.access-key-created',
    level: 'medium',
    title: 'Access key created',
    reason: `${row.user || 'A user'} created a new long-term access key for ${target || 'itself'}.`,
    tactic: PERSISTENCE_PRIVESC,
    technique: CLOUD_CREDS,
  };
};

const consoleLogin: Builtin = ({ record, identity, row }) => {
  const response = obj(record.responseElements);
  const result = str(response?.ConsoleLogin);
  if (result.toLowerCase() === 'failure' || row.errorCode !== '' || str(record.errorMessage) !== '') {
    return {
      id: 'builtin.console-login-failed',
      level: 'low',
      title: 'Console sign-in failed',
      reason: `Failed console sign-in for ${row.user || 'an unknown user'}${str(record.errorMessage) ? ` (${str(record.errorMessage)})` : ''}.`,
      tactic: 'TA0006 Credential Access',
      technique: 'T1110 Brute Force',
    };
  }
  const mfa = str(obj(record.additionalEventData)?.MFAUsed).toLowerCase();
  const type = str(identity.type);
  // Role sessions (SSO, switch-role) and SAML sign-ins authenticate at the identity provider, where MFA
  // is enforced: MFAUsed is only meaningful for IAM user and root password sign-ins.
  const federated = str(obj(record.additionalEventData)?.SamlProviderArn) !== '';
  if (result.toLowerCase() === 'success' && mfa === 'no' && !federated && (type === 'IAMUser' || type === 'Root')) {
    return {
      id: 'builtin.console-login-no-mfa',
      level: type === 'Root' ? 'high' : 'medium',
      title: 'Console sign-in without MFA',
      reason: `${type === 'Root' ? 'The root user' : row.user || 'An IAM user'} signed in to the console with a password only.`,
      tactic: 'TA0001 Initial Access',
      technique: VALID_CLOUD,
    };
  }
  return undefined;
};

const assumeRole: Builtin = ({ params, privileged, row }) => {
  const arn = str(params.roleArn);
  const role = arn.includes(':role/') ? arn.slice(arn.indexOf(':role/') + 6) : arn;
  if (!role || !privileged.test(role)) return undefined;
  return {
    id: 'builtin.privileged-role-assumed',
    level: 'medium',
    title: 'Privileged role assumed',
    reason: `${row.user || 'A principal'} assumed ${arn}${str(params.roleSessionName) ? ` as session ${str(params.roleSessionName)}` : ''}.`,
    tactic: 'TA0004 Privilege Escalation',
    technique: VALID_CLOUD,
  };
};

/** Logging and threat-detection services switched off (beyond CloudTrail itself). */
const monitoringOff = (what: string): Builtin => ({ row }) => ({
  id: 'builtin.monitoring-disabled',
  level: 'high',
  title: `${what} disabled`,
  reason: `${row.eventName}: ${what} stops recording or alerting.`,
  tactic: DEFENSE_EVASION,
  technique: 'T1562.008 Impair Defenses: Disable or Modify Cloud Logs',
});

const leaveOrganization: Builtin = () => ({
  id: 'builtin.monitoring-disabled',
  level: 'high',
  title: 'Account left its organization',
  reason: 'LeaveOrganization: the account escapes the organization\'s SCPs, central trails and security tooling.',
  tactic: DEFENSE_EVASION,
  technique: 'T1562 Impair Defenses',
});

/** Who a sharing call adds: account ids, or `all` for everyone. Other groups and the "remove" side do not share. */
function sharedWith(row: EventRow, params: Record<string, unknown>): string[] {
  let added: unknown[];
  if (row.eventName === 'ModifyImageAttribute' || row.eventName === 'ModifySnapshotAttribute') {
    const permission = obj(params.launchPermission) ?? obj(params.createVolumePermission);
    added = asList(obj(obj(permission?.add)?.items) ?? obj(permission?.add)?.items)
      .map(obj)
      .map((item) => (str(item?.group).toLowerCase() === 'all' ? 'all' : str(item?.userId)));
  } else added = asList(params.valuesToAdd).map((value) => (str(value).toLowerCase() === 'all' ? 'all' : str(value)));
  return [...new Set(added.map(str).filter((item) => item !== ''))];
}

const lambdaPermission: Builtin = ({ params, row }) => {
  const principal = str(params.principal);
  const account = /^\d{12}$/.test(principal) ? principal : (/^arn:[^:]*:iam::(\d{12}):/.exec(principal)?.[1] ?? '');
  const external = account !== '' && account !== row.account;
  const level: RiskLevel = principal === '*' ? 'high' : external ? 'medium' : 'low';
  const whom = principal === '*' ? 'any principal' : principal || 'a principal';
  return {
    id: 'builtin.resource-shared',
    level,
    title: principal === '*' ? 'Lambda function opened to any principal' : 'Lambda resource policy extended',
    reason: `${row.eventName} on ${str(params.functionName) || 'a function'}: ${whom} may ${str(params.action) || 'call it'}.`,
    tactic: 'TA0003 Persistence',
    technique: 'T1546 Event Triggered Execution',
  };
};

const resourceShared: Builtin = ({ params, row }) => {
  if ((row.eventName === 'ModifyDBSnapshotAttribute' || row.eventName === 'ModifyDBClusterSnapshotAttribute') && str(params.attributeName).toLowerCase() !== 'restore') return undefined;
  const targets = sharedWith(row, params);
  if (targets.length === 0) return undefined;
  const publicly = targets.includes('all');
  const what = str(params.imageId) || str(params.snapshotId) || str(params.dBSnapshotIdentifier) || str(params.dBClusterSnapshotIdentifier) || 'a resource';
  return {
    id: 'builtin.resource-shared',
    level: publicly ? 'high' : 'medium',
    title: publicly ? 'Image or snapshot made public' : 'Image or snapshot shared with another account',
    reason: `${row.eventName}: ${what} shared with ${publicly ? 'everyone' : targets.join(', ')}.`,
    tactic: 'TA0010 Exfiltration',
    technique: 'T1537 Transfer Data to Cloud Account',
  };
};

const identityProvider: Builtin = ({ row, params }) => ({
  id: 'builtin.identity-provider-change',
  level: 'medium',
  title: 'External identity trust changed',
  reason: `${row.eventName}${str(params.name) || str(params.sAMLProviderArn) || str(params.url) ? ` (${str(params.name) || str(params.sAMLProviderArn) || str(params.url)})` : ''}: outside identities can obtain credentials in this account.`,
  tactic: PERSISTENCE_PRIVESC,
  technique: 'T1556 Modify Authentication Process',
});

/** source → name → rule. */
const BUILTINS = new Map<string, Map<string, Builtin>>();
function register(source: string, names: string[], rule: Builtin): void {
  let rules = BUILTINS.get(source);
  if (!rules) BUILTINS.set(source, (rules = new Map<string, Builtin>()));
  for (const name of names) rules.set(name, rule);
}

function builtinRule(eventSource: string, eventName: string): Builtin | undefined {
  return BUILTINS.get(eventSource)?.get(eventName);
}
register('cloudtrail.amazonaws.com', ['StopLogging'], trailGone('logging stopped'));
register('cloudtrail.amazonaws.com', ['DeleteTrail'], trailGone('trail deleted'));
register('cloudtrail.amazonaws.com', ['DeleteEventDataStore'], trailGone('Lake event data store deleted'));
register('cloudtrail.amazonaws.com', ['StopEventDataStoreIngestion'], trailGone('Lake ingestion stopped'));
register('cloudtrail.amazonaws.com', ['UpdateTrail', 'PutEventSelectors'], trailConfig);
register(
  'ec2.amazonaws.com',
  ['AuthorizeSecurityGroupIngress', 'AuthorizeSecurityGroupEgress', 'RevokeSecurityGroupIngress', 'RevokeSecurityGroupEgress', 'CreateSecurityGroup', 'DeleteSecurityGroup', 'ModifySecurityGroupRules', 'ApplySecurityGroupsToClientVpnTargetNetwork'],
  securityGroup,
);
register('dynamodb.amazonaws.com', ['DeleteTable', 'DeleteBackup', 'UpdateContinuousBackups'], dynamodb);
register(
  'iam.amazonaws.com',
  [
    'AttachUserPolicy',
    'AttachRolePolicy',
    'AttachGroupPolicy',
    'PutUserPolicy',
    'PutRolePolicy',
    'PutGroupPolicy',
    'CreatePolicyVersion',
    'SetDefaultPolicyVersion',
    'AddUserToGroup',
    'UpdateAssumeRolePolicy',
    'DeleteUserPermissionsBoundary',
    'DeleteRolePermissionsBoundary',
  ],
  iamPolicy,
);
register('iam.amazonaws.com', ['CreateLoginProfile', 'UpdateLoginProfile', 'DeactivateMFADevice', 'DeleteVirtualMFADevice'], iamCredential);
register('iam.amazonaws.com', ['CreateAccessKey'], accessKey);
register('signin.amazonaws.com', ['ConsoleLogin'], consoleLogin);
register('sts.amazonaws.com', ['AssumeRole', 'AssumeRoleWithSAML', 'AssumeRoleWithWebIdentity'], assumeRole);

register('ec2.amazonaws.com', ['DeleteFlowLogs'], monitoringOff('VPC flow logs'));
register('route53resolver.amazonaws.com', ['DeleteResolverQueryLogConfig', 'DisassociateResolverQueryLogConfig'], monitoringOff('DNS query logging'));
register('guardduty.amazonaws.com', ['DeleteDetector'], monitoringOff('GuardDuty'));
register('config.amazonaws.com', ['StopConfigurationRecorder', 'DeleteConfigurationRecorder', 'DeleteDeliveryChannel'], monitoringOff('AWS Config recording'));
register('securityhub.amazonaws.com', ['DisableSecurityHub'], monitoringOff('Security Hub'));
register('organizations.amazonaws.com', ['LeaveOrganization'], leaveOrganization);
register('ec2.amazonaws.com', ['ModifyImageAttribute', 'ModifySnapshotAttribute'], resourceShared);
register('rds.amazonaws.com', ['ModifyDBSnapshotAttribute', 'ModifyDBClusterSnapshotAttribute'], resourceShared);
register('lambda.amazonaws.com', ['AddPermission', 'AddPermission20150331', 'AddPermission20150331v2'], lambdaPermission);
register('rolesanywhere.amazonaws.com', ['CreateTrustAnchor', 'UpdateTrustAnchor'], identityProvider);
register('iam.amazonaws.com', ['CreateSAMLProvider', 'UpdateSAMLProvider', 'CreateOpenIDConnectProvider'], identityProvider);

/** Builtin rules that report on failures themselves (a failed sign-in is the point). */
const SEES_FAILURES: ReadonlySet<Builtin> = new Set([consoleLogin]);

/** The event has a builtin rule (an action CloudTrail Lens treats as sensitive). */
export function isSensitiveAction(eventSource: string, eventName: string): boolean {
  return builtinRule(eventSource, eventName) !== undefined;
}

/** Sign-in events report their outcome under their own name: responseElements.ConsoleLogin = "Failure". */
function signInFailed(row: EventRow, record: CloudTrailRecord): boolean {
  return str(obj(record.responseElements)?.[row.eventName]).toLowerCase() === 'failure';
}

function rootActivity(row: EventRow, identity: Record<string, unknown>, record: CloudTrailRecord): Omit<RiskFlag, 'source'> | undefined {
  if (str(identity.type) !== 'Root' || str(identity.invokedBy) !== '' || str(record.eventType) === 'AwsServiceEvent') return undefined;
  // High for writes and sign-ins; medium for read-only calls and failed attempts.
  const readOnly = row.readOnly === true;
  return {
    id: 'builtin.root-activity',
    level: readOnly || !succeeded(row) || signInFailed(row, record) ? 'medium' : 'high',
    title: 'Root user activity',
    reason: `${row.eventName || 'A call'} made with the root user's credentials${succeeded(row) ? '' : ` (failed: ${row.errorCode})`}. AWS recommends using root only for the few tasks that need it.`,
    tactic: 'TA0004 Privilege Escalation, TA0001 Initial Access',
    technique: VALID_CLOUD,
  };
}

/** Denials (medium when the action is sensitive); other errors only for actions with a builtin rule (an ordinary NoSuchKey is no risk). */
function failedCall(row: EventRow, sensitive: boolean, builtin: boolean): Omit<RiskFlag, 'source'> | undefined {
  if (succeeded(row)) return undefined;
  if (isAccessDenied(row.errorCode)) {
    if (viaAwsService(row)) return undefined;
    return {
      id: 'builtin.access-denied',
      level: sensitive ? 'medium' : 'low',
      title: sensitive ? 'Sensitive action denied' : 'Access denied',
      reason: `${row.eventName || 'A call'} by ${row.user || 'an unknown principal'} was denied (${row.errorCode})${sensitive ? ': an attempt at a security-sensitive action' : ''}.`,
      tactic: 'TA0007 Discovery',
    };
  }
  if (!builtin) return undefined;
  return {
    id: 'builtin.failed-sensitive-call',
    level: 'low',
    title: 'Sensitive action failed',
    reason: `${row.eventName} failed (${row.errorCode}).`,
  };
}

// ---------------------------------------------------------------------------------------------
// The assessor

export interface RiskAssessor {
  assess(row: EventRow, record: CloudTrailRecord): RiskFlag[];
  /** Problems with the options (e.g. an invalid pattern, replaced by the default). */
  warnings: string[];
}

interface CompiledSigma {
  rule: SigmaRuleData;
  match: RecordMatcher;
  /** The rule's flag: one shared, frozen object. */
  flag: RiskFlag;
}

const EMPTY: Readonly<Record<string, unknown>> = Object.freeze({});

let sigmaIndex: { byName: Map<string, CompiledSigma[]>; generic: CompiledSigma[] } | undefined;
/** eventName as written → the rules for its lower-case form (event names are few: saves a toLowerCase per event). */
const sigmaByRawName = new Map<string, readonly CompiledSigma[]>();
const NO_RULES: readonly CompiledSigma[] = [];

function sigmaFor(eventName: string): readonly CompiledSigma[] {
  let rules = sigmaByRawName.get(eventName);
  if (!rules) {
    rules = sigmaRules().byName.get(eventName.toLowerCase()) ?? NO_RULES;
    if (sigmaByRawName.size < 10_000) sigmaByRawName.set(eventName, rules);
  }
  return rules;
}

function sigmaRules(): { byName: Map<string, CompiledSigma[]>; generic: CompiledSigma[] } {
  if (!sigmaIndex) {
    const byName = new Map<string, CompiledSigma[]>();
    const generic: CompiledSigma[] = [];
    for (const rule of SIGMA_RULES) {
      const compiled = { rule, match: compileSigma(rule.when), flag: Object.freeze(sigmaFlag(rule)) };
      if (rule.eventNames === null) generic.push(compiled);
      else for (const name of rule.eventNames) byName.set(name, [...(byName.get(name) ?? []), compiled]);
    }
    sigmaIndex = { byName, generic };
  }
  return sigmaIndex;
}

function sigmaFlag(rule: SigmaRuleData): RiskFlag {
  const by = rule.author ? ` by ${rule.author}` : '';
  const flag: RiskFlag = {
    id: `sigma.${rule.id}`,
    level: rule.level,
    title: rule.title,
    reason: `Matches the Sigma rule “${rule.title}”${by} (${rule.level}; Detection Rule License 1.1). ${rule.description}`.trim(),
    url: `${SIGMA_RULE_BASE_URL}${rule.id}.yml`,
    source: 'sigma',
  };
  if (rule.author) flag.author = rule.author;
  if (rule.tactics.length > 0) flag.tactic = rule.tactics.join(', ');
  if (rule.technique) flag.technique = rule.technique;
  return flag;
}

function compilePattern(pattern: string | RegExp | undefined, warnings: string[]): RegExp {
  if (pattern instanceof RegExp) return pattern;
  if (pattern !== undefined && pattern.trim() !== '') {
    try {
      return new RegExp(pattern, 'i');
    } catch (error) {
      warnings.push(`privileged role pattern is not a valid regular expression (${error instanceof Error ? error.message : String(error)}): using the default.`);
    }
  }
  return new RegExp(DEFAULT_PRIVILEGED_ROLE_PATTERN, 'i');
}

export function createRiskAssessor(options: RiskOptions = {}): RiskAssessor {
  const warnings: string[] = [];
  const privileged = compilePattern(options.privilegedRolePattern, warnings);
  const useSigma = options.sigma !== false;
  const useTrailDiscover = options.traildiscover !== false;
  const disabled = options.disabled ?? [];
  const enabled =
    disabled.length === 0 ? (): boolean => true : (id: string): boolean => !disabled.some((item) => (item.endsWith('*') ? id.startsWith(item.slice(0, -1)) : id === item));

  /** Builtin rules return a fresh object each call: it is completed in place (no copy on the hot path). */
  function pushBuiltin(flags: RiskFlag[], flag: Omit<RiskFlag, 'source'> | undefined): void {
    if (!flag || !enabled(flag.id)) return;
    (flag as RiskFlag).source = 'builtin';
    flags.push(flag as RiskFlag);
  }

  function assess(row: EventRow, record: CloudTrailRecord): RiskFlag[] {
    const flags: RiskFlag[] = [];
    if (row.category === 'insight') return flags;
    try {
      const identity = obj(record.userIdentity) ?? EMPTY;
      const rule = builtinRule(row.eventSource, row.eventName);
      const seesFailures = rule !== undefined && SEES_FAILURES.has(rule);
      const ok = succeeded(row);
      const indexed = useTrailDiscover ? catalog().get(row.eventSource)?.get(row.eventName) : undefined;
      if (rule && (ok || seesFailures)) pushBuiltin(flags, rule({ row, record, params: obj(record.requestParameters) ?? EMPTY, identity, privileged }));
      if (identity.type === 'Root') pushBuiltin(flags, rootActivity(row, identity, record));
      // A failed attempt is "sensitive" when we have a rule for the action or attackers use it to act (not just to look around).
      if (!ok && !seesFailures) pushBuiltin(flags, failedCall(row, !!rule || (indexed?.acting ?? false), !!rule));
      if (useSigma) {
        const named = sigmaFor(row.eventName);
        for (let i = 0; i < named.length; i++) {
          const sigma = named[i];
          if (sigma.match(record, row) && enabled(sigma.flag.id)) flags.push(sigma.flag);
        }
        const generic = sigmaRules().generic;
        for (let i = 0; i < generic.length; i++) {
          const sigma = generic[i];
          if (sigma.match(record, row) && enabled(sigma.flag.id)) flags.push(sigma.flag);
        }
      }
      if (indexed && ok && enabled(indexed.flag.id)) flags.push(indexed.flag);
    } catch {
      // A record odd enough to break a rule still gets the flags found so far.
    }
    return sortFlags(flags);
  }
  return { assess, warnings };
}

let defaultAssessor: RiskAssessor | undefined;
/** Flags of the default assessor per record object (records are treated as immutable once parsed). */
let defaultCache = new WeakMap<object, readonly RiskFlag[]>();

/**
 * The default assessor's flags for an event, computed once per record object and shared: the search
 * flow tags events when a page arrives and every later "risky only" filter reads the same result.
 * Read-only: copy before changing.
 */
export function cachedRiskFlags(row: EventRow, record: CloudTrailRecord): readonly RiskFlag[] {
  let flags = defaultCache.get(record);
  if (!flags) {
    defaultAssessor ??= createRiskAssessor();
    flags = defaultAssessor.assess(row, record);
    defaultCache.set(record, flags);
  }
  return flags;
}

/** Forgets the cached flags (after the catalogue or the options changed). */
export function clearRiskCache(): void {
  defaultCache = new WeakMap();
}

/** Flags for one event: with the default options from the per-record cache (as a fresh array), else computed. */
export function assessRisk(row: EventRow, record: CloudTrailRecord, options?: RiskOptions): RiskFlag[] {
  if (options) return createRiskAssessor(options).assess(row, record);
  return [...cachedRiskFlags(row, record)];
}

// ---------------------------------------------------------------------------------------------
// Bursts of AccessDenied: a stateful detector over a stream

export interface BurstOptions {
  /** Denials by one principal that make a burst (default 5). */
  threshold?: number;
  /** Within this many milliseconds (default 5 minutes). */
  windowMs?: number;
  /** Memory bound: denial times kept per principal (default 10,000). */
  maxPerPrincipal?: number;
}

export interface DenialBurst {
  principal: string;
  /** Denials in the densest window containing the latest one. */
  count: number;
  start: number;
  end: number;
  eventIds: string[];
}

/** Who made the call, as specifically as the record says: the ARN (role session included), else the user, key or IP. */
export function principalOf(row: EventRow, record?: CloudTrailRecord): string {
  const arn = str(obj(record?.userIdentity)?.arn);
  return `${row.account}|${arn || row.user || row.accessKeyId || row.sourceIp || 'unknown'}`;
}

/**
 * Feed it events in any order (LookupEvents pages come newest first; merged regions interleave).
 * `observe` returns a burst each time an event belongs to a window of `windowMs` holding at least
 * `threshold` denials of one principal; the burst lists every event id in that window so the caller
 * can flag events it has already shown.
 */
export class DenialBurstDetector {
  private readonly threshold: number;
  private readonly windowMs: number;
  private readonly maxPerPrincipal: number;
  private readonly seen = new Map<string, { times: number[]; ids: string[]; idSet: Set<string> }>();

  constructor(options: BurstOptions = {}) {
    this.threshold = Math.max(2, options.threshold ?? 5);
    this.windowMs = Math.max(1, options.windowMs ?? 5 * 60_000);
    this.maxPerPrincipal = Math.max(this.threshold, options.maxPerPrincipal ?? 10_000);
  }

  observe(row: EventRow, record?: CloudTrailRecord): DenialBurst | undefined {
    if (!isAccessDenied(row.errorCode) || viaAwsService(row) || row.time <= 0) return undefined;
    const principal = principalOf(row, record);
    let state = this.seen.get(principal);
    if (!state) {
      state = { times: [], ids: [], idSet: new Set() };
      this.seen.set(principal, state);
    }
    const id = row.eventId || `${row.time}:${state.times.length}`;
    if (state.idSet.has(id)) return undefined;
    const { times, ids } = state;
    let lo = 0;
    let hi = times.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((times[mid] ?? 0) <= row.time) lo = mid + 1;
      else hi = mid;
    }
    times.splice(lo, 0, row.time);
    ids.splice(lo, 0, id);
    state.idSet.add(id);
    let at = lo;
    if (times.length > this.maxPerPrincipal) {
      const drop = Math.abs((times[0] ?? 0) - row.time) >= Math.abs((times[times.length - 1] ?? 0) - row.time) ? 0 : times.length - 1;
      state.idSet.delete(ids[drop] ?? '');
      times.splice(drop, 1);
      ids.splice(drop, 1);
      if (drop === 0) at--;
    }
    // The densest window [times[i], times[i] + windowMs] that contains the new event.
    let best = { count: 0, i: at, j: at };
    let j = at;
    for (let i = at; i >= 0 && (times[i] ?? 0) >= row.time - this.windowMs; i--) {
      while (j + 1 < times.length && (times[j + 1] ?? 0) <= (times[i] ?? 0) + this.windowMs) j++;
      if (j - i + 1 > best.count) best = { count: j - i + 1, i, j };
    }
    if (best.count < this.threshold) return undefined;
    return { principal, count: best.count, start: times[best.i] ?? 0, end: times[best.j] ?? 0, eventIds: ids.slice(best.i, best.j + 1) };
  }

  flag(burst: DenialBurst): RiskFlag {
    const who = burst.principal.slice(burst.principal.indexOf('|') + 1);
    const minutes = Math.round(this.windowMs / 60_000);
    return {
      id: 'builtin.access-denied-burst',
      level: 'high',
      title: 'Burst of access denied',
      reason: `${burst.count} denied calls by ${who} within ${minutes >= 1 ? `${minutes} min` : `${this.windowMs} ms`} (threshold ${this.threshold}): someone may be probing permissions with these credentials.`,
      tactic: 'TA0007 Discovery',
      technique: 'T1580 Cloud Infrastructure Discovery',
      source: 'builtin',
    };
  }

  reset(): void {
    this.seen.clear();
  }
}

/** Runs the burst detector over a batch: event id → burst flag (the strongest burst each event is part of). */
export function detectDenialBursts(items: Iterable<{ row: EventRow; record?: CloudTrailRecord }>, options: BurstOptions = {}): Map<string, RiskFlag> {
  const detector = new DenialBurstDetector(options);
  const best = new Map<string, DenialBurst>();
  for (const { row, record } of items) {
    const burst = detector.observe(row, record);
    if (!burst) continue;
    for (const id of burst.eventIds) {
      const current = best.get(id);
      if (!current || current.count < burst.count) best.set(id, burst);
    }
  }
  return new Map([...best].map(([id, burst]) => [id, detector.flag(burst)]));
}
