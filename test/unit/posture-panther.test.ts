// Panther's labelled CloudTrail policy tests (panther-labs/panther-analysis, Apache-2.0): each
// policy is mapped to our rule and its compliant / non-compliant label asserted.
import { strict as assert } from 'node:assert';
import {
  evaluateAccount,
  evaluateRule,
  snapshotFromApi,
  type ApiAdvancedEventSelector,
  type ApiEventSelector,
  type ApiTrail,
  type ApiTrailStatus,
  type Finding,
  type RuleId,
} from '../../src/core/posture';
import { pantherCases, type PantherCase } from './posture-support';

/** Panther policy → our rule. */
const MAPPING: Record<string, RuleId> = {
  // Panther: log group set AND LatestCloudWatchLogsDeliveryTime within a day. That is CIS's audit
  // for CloudTrail.5 and our live semantics; Security Hub's CloudTrail.5 itself only checks that
  // CloudWatchLogsLogGroupArn is set (our 'iac' semantics).
  'AWS.CloudTrail.CloudWatchLogs': 'CloudTrail.5',
  // Panther runs this on an account-level meta resource: the account's multi-Region trails and
  // the union of their selectors. It maps to our account-level CloudTrail.1. Panther does not look
  // at ExcludeManagementEventSources; AWS (and we) do. No case here excludes a source.
  'AWS.CloudTrail.Enabled': 'CloudTrail.1',
  'AWS.CloudTrail.LogEncryption': 'CloudTrail.2',
  // Panther: a missing LogFileValidationEnabled is non-compliant; AWS treats absent as false too.
  'AWS.CloudTrail.LogValidation': 'CloudTrail.4',
};

/** "Now" for the 24-hour check: the panther cases date deliveries 1019 (stale) and 3019 (fresh). */
const NOW = new Date(Date.UTC(2024, 0, 1));

function trailFinding(c: PantherCase): Finding {
  const r = c.resource as ApiTrail & { Status?: ApiTrailStatus; EventSelectors?: ApiEventSelector[] };
  const snapshot = snapshotFromApi(r, r.Status, { EventSelectors: r.EventSelectors ?? null });
  return evaluateRule(MAPPING[c.policy_id], snapshot, { context: 'live', now: NOW });
}

function accountFinding(c: PantherCase): Finding {
  const r = c.resource as { Trails?: string[]; GlobalEventSelectors?: ApiEventSelector[] | null; GlobalAdvancedEventSelectors?: ApiAdvancedEventSelector[] | null };
  // Each listed trail is a logging multi-Region trail with the account's global selectors.
  const selectors = r.GlobalEventSelectors ? { EventSelectors: r.GlobalEventSelectors } : { AdvancedEventSelectors: r.GlobalAdvancedEventSelectors ?? [] };
  const snapshots = (r.Trails ?? []).map((t) => snapshotFromApi(t.startsWith('arn:') ? { TrailARN: t, IsMultiRegionTrail: true } : { Name: t, IsMultiRegionTrail: true }, { IsLogging: true }, selectors));
  const finding = evaluateAccount(snapshots).findings.find((f) => f.ruleId === 'CloudTrail.1');
  assert.ok(finding);
  return finding;
}

describe('core/posture on panther policy tests', () => {
  const cases = pantherCases();

  it('holds the 15 labelled cases of the 4 policies', () => {
    assert.equal(cases.length, 15);
    assert.deepEqual([...new Set(cases.map((c) => c.policy_id))].sort(), Object.keys(MAPPING).sort());
  });

  for (const c of cases) {
    it(`${c.policy_id} → ${MAPPING[c.policy_id]}: "${c.test_name}" is ${c.expected_result_compliant ? 'compliant' : 'non-compliant'}`, () => {
      const f = c.policy_id === 'AWS.CloudTrail.Enabled' ? accountFinding(c) : trailFinding(c);
      assert.equal(f.ruleId, MAPPING[c.policy_id]);
      assert.equal(f.status, c.expected_result_compliant ? 'pass' : 'fail', f.reason);
      assert.ok(f.reason.length > 10 && f.fix.length > 10);
    });
  }

  it('says why the CloudWatch Logs cases fail', () => {
    const byName = new Map(cases.map((c) => [c.test_name, c]));
    assert.match(trailFinding(byName.get('CloudWatch Logs Not Setup')!).reason, /no log group is set/);
    assert.match(trailFinding(byName.get('CloudTrail Set But No Logs Delivered')!).reason, /reports no delivery/);
    assert.match(trailFinding(byName.get('CloudTrail Set But Logs Delivered Too Long Ago')!).reason, /last delivery to CloudWatch Logs was \d+ days ago \(1019-01-01T00:00:00Z\)/);
  });

  it('in the IaC context CloudTrail.5 only asks for the log group, as Security Hub does', () => {
    const c = cases.find((x) => x.test_name === 'CloudTrail Set But No Logs Delivered')!;
    const r = c.resource as ApiTrail;
    assert.equal(evaluateRule('CloudTrail.5', snapshotFromApi(r), { context: 'iac' }).status, 'pass');
  });
});
