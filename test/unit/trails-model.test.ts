import { strict as assert } from 'node:assert';
import { evaluateProfile, failedScan, trailKey, type ProfilePosture } from '../../src/core/posture';
import {
  REMEDIATION_COMMANDS,
  STATUS_ICONS,
  checkTooltip,
  childrenOf,
  consoleUrl,
  escapeMarkdown,
  parentOf,
  profileNode,
  specOf,
  trailDescription,
  type ProfileView,
  type TrailsNode,
} from '../../src/features/trails/model';
import { NOW, gappyScan, sampleScan } from './trails-support';

function view(posture: ProfilePosture | undefined, over: Partial<ProfileView> = {}): ProfileView {
  return { profile: posture?.profile ?? 'dev', active: false, state: posture ? { kind: 'ready', posture } : { kind: 'idle' }, ...over };
}

/** Every node below `node`, depth first. */
function walk(node: TrailsNode, v: ProfileView): TrailsNode[] {
  return childrenOf(node, v).flatMap((child) => [child, ...walk(child, v)]);
}

function labelled(nodes: readonly TrailsNode[], v: ProfileView): string[] {
  return nodes.map((n) => specOf(n, v).label);
}

describe('Trails tree model (features/trails/model)', () => {
  const posture = evaluateProfile(sampleScan(), { now: NOW });
  const v = view(posture);
  const root = profileNode('dev');

  it('shows "Loading…" until a profile has been read, and the last result while it is read again', () => {
    assert.deepEqual(childrenOf(root, view(undefined)).map((n) => n.kind), ['loading']);
    assert.deepEqual(childrenOf(root, view(undefined, { state: { kind: 'loading' } })).map((n) => n.kind), ['loading']);
    const again = childrenOf(root, view(undefined, { state: { kind: 'loading', previous: posture } }));
    assert.equal(again[0]?.kind, 'loading');
    assert.ok(again.some((n) => n.kind === 'trail'));
    assert.equal(specOf(root, view(undefined, { state: { kind: 'loading' } })).icon?.id, 'loading~spin');
  });

  it('lists account checks, then the trails, under a profile', () => {
    const kids = childrenOf(root, v);
    assert.deepEqual(kids.map((n) => n.kind), ['account', 'trail', 'trail', 'trail']);
    assert.deepEqual(labelled(kids, v), ['Account checks', 'main', 'weak|trail', 'org']);
    const account = kids[0];
    assert.ok(account);
    assert.deepEqual(childrenOf(account, v).map((n) => (n.kind === 'check' ? n.ruleId : n.kind)), ['CloudTrail.1', 'CloudTrail.3', 'CTL.RegionCoverage']);
  });

  it('describes a profile with its account, roll-up and status colour', () => {
    const spec = specOf(root, view(posture, { active: true }));
    assert.equal(spec.description, `111122223333 · active · ${posture.summary.passed}/${posture.summary.total}`);
    assert.deepEqual(spec.icon, { id: 'account', color: 'testing.iconFailed' });
    assert.match(spec.contextValue, /^profile\b/);
    assert.match(spec.tooltip ?? '', /Checks passed/);
    assert.equal(specOf(root, view(undefined, { accountHint: '111122223333' })).description, '111122223333');
  });

  it('gives each check a status codicon and theme colour, its rule id and a tooltip', () => {
    const weak = childrenOf(root, v).find((n) => n.kind === 'trail' && n.trailKey.endsWith('weak|trail'));
    assert.ok(weak);
    const checks = childrenOf(weak, v);
    const byRule = new Map(checks.map((n) => [n.kind === 'check' ? n.ruleId : '', specOf(n, v)]));
    assert.deepEqual(byRule.get('CloudTrail.4')?.icon, STATUS_ICONS.fail);
    assert.deepEqual(STATUS_ICONS.fail, { id: 'error', color: 'testing.iconFailed' });
    assert.deepEqual(byRule.get('CTL.Logging')?.icon, { id: 'pass', color: 'testing.iconPassed' });
    assert.deepEqual(byRule.get('CloudTrail.7')?.icon, { id: 'question', color: 'list.warningForeground' });
    assert.equal(byRule.get('CTL.DataEvents')?.icon?.id, 'info');
    assert.equal(byRule.get('CloudTrail.4')?.description, 'CloudTrail.4');
    const tooltip = byRule.get('CloudTrail.4')?.tooltip ?? '';
    assert.match(tooltip, /\*\*Fail\*\*/);
    assert.match(tooltip, /\*\*Result:\*\* Log file validation is disabled/);
    assert.match(tooltip, /\*\*Why it matters:\*\*/);
    assert.match(tooltip, /\*\*How to fix:\*\* .*update-trail/);
    assert.match(tooltip, /\[Security Hub control CloudTrail\.4\]\(https:\/\/docs\.aws\.amazon\.com\/securityhub\/latest\/userguide\/cloudtrail-controls\.html#cloudtrail-4\)/);
  });

  it('offers a remediation only for a failing check of a trail the account owns', () => {
    const trails = childrenOf(root, v).filter((n): n is Extract<TrailsNode, { kind: 'trail' }> => n.kind === 'trail');
    const spec = (name: string): string => specOf(trails.find((t) => t.trailKey.endsWith(`/${name}`)) as TrailsNode, v).contextValue;
    assert.match(spec('weak|trail'), /\bfix-validation\b/);
    assert.match(spec('weak|trail'), /\bfix-multiregion\b/);
    assert.doesNotMatch(spec('weak|trail'), /\bfix-logging\b/, 'logging already on');
    assert.doesNotMatch(spec('main'), /\bfix-/, 'main passes those');
    assert.doesNotMatch(spec('org'), /\bfix-/, "another account's trail is read-only here");
    assert.match(spec('org'), /^trail arn console events$/);
    const checks = childrenOf(trails.find((t) => t.trailKey.endsWith('/weak|trail')) as TrailsNode, v);
    const validation = checks.find((n) => n.kind === 'check' && n.ruleId === 'CloudTrail.4') as TrailsNode;
    assert.equal(specOf(validation, v).contextValue, 'check status-fail fix-validation snippet');
    const kms = checks.find((n) => n.kind === 'check' && n.ruleId === 'CloudTrail.2') as TrailsNode;
    assert.equal(specOf(kms, v).contextValue, 'check status-fail snippet', 'KMS: no one-call fix, but a snippet');
    for (const entry of REMEDIATION_COMMANDS) assert.match(entry.token, /^fix-[a-z]+$/);
  });

  it('badges trails: home region, multi-region, organization, roll-up', () => {
    const org = posture.trails.find((t) => t.snapshot.name === 'org');
    assert.ok(org);
    assert.equal(trailDescription(org), `us-east-1 · multi-region · organization · account 210987654321 · ${org.summary.passed}/${org.summary.total}`);
  });

  it('lists uncovered regions under the coverage check', () => {
    const gappy = evaluateProfile(gappyScan(), { now: NOW });
    const gv = view(gappy);
    const account = childrenOf(root, gv).find((n) => n.kind === 'account') as TrailsNode;
    const coverage = childrenOf(account, gv).find((n) => n.kind === 'check' && n.ruleId === 'CTL.RegionCoverage') as TrailsNode;
    const spec = specOf(coverage, gv);
    assert.equal(spec.description, 'CTL.RegionCoverage · 2 uncovered');
    assert.equal(spec.collapsible, 'expanded');
    assert.deepEqual(labelled(childrenOf(coverage, gv), gv), ['us-east-1', 'eu-west-1']);
  });

  it('turns a profile error into an error node with next steps', () => {
    const denied = evaluateProfile(
      failedScan('ops', { kind: 'access-denied', message: 'Access denied: cloudtrail:DescribeTrails is not allowed.', next: 'Ask your administrator.', missingAction: 'cloudtrail:DescribeTrails' }, NOW.toISOString(), '777788889999'),
    );
    const dv = view(denied);
    const kids = childrenOf(profileNode('ops'), dv);
    assert.deepEqual(labelled(kids, dv), ['Access denied: cloudtrail:DescribeTrails is not allowed.', 'Missing permission: cloudtrail:DescribeTrails', 'Retry']);
    assert.equal(specOf(kids[1], dv).command?.command, 'cloudtrailLens.copyMissingPermission');
    assert.equal(specOf(kids[2], dv).command?.command, 'cloudtrailLens.refreshProfile');
    assert.equal(specOf(profileNode('ops'), dv).description, '777788889999 · access denied');

    const sso = evaluateProfile(failedScan('sso', { kind: 'sso-expired', message: 'The AWS SSO session has expired.', next: 'Run aws sso login --profile sso.', command: 'aws sso login --profile sso' }, NOW.toISOString()));
    const sv = view(sso);
    const steps = childrenOf(profileNode('sso'), sv);
    assert.equal(specOf(steps[1], sv).label, 'Sign in: run aws sso login --profile sso');
    assert.equal(specOf(steps[1], sv).command?.command, 'cloudtrailLens.signInProfile');
    assert.match(specOf(steps[0], sv).contextValue, /\bsign-in\b/);
  });

  it('shows notes and failed reads of regions and trails', () => {
    const scan = sampleScan({
      notes: ['Enabled regions could not be read (ec2:DescribeRegions is not allowed): checked the 17 regions enabled by default.'],
      regionProblems: [{ kind: 'access-denied', message: 'Access denied.', next: 'Ask.', missingAction: 'cloudtrail:DescribeTrails', region: 'eu-west-1' }],
    });
    const withProblem = { ...scan, trails: scan.trails.map((t, i) => (i === 0 ? { ...t, problems: [{ kind: 'access-denied', message: 'Access denied: s3:GetBucketLogging is not allowed.', next: 'Ask.', missingAction: 's3:GetBucketLogging' }] } : t)) };
    const p = evaluateProfile(withProblem, { now: NOW });
    const pv = view(p);
    const kids = childrenOf(root, pv);
    assert.deepEqual(kids.slice(0, 2).map((n) => n.kind), ['note', 'note']);
    assert.equal(specOf(kids[1], pv).contextValue, 'note permission');
    const weak = kids.find((n) => n.kind === 'trail' && n.trailKey.endsWith('weak|trail')) as TrailsNode;
    const first = childrenOf(weak, pv)[0];
    assert.equal(first.kind, 'note');
    assert.equal(specOf(first, pv).description, 'missing s3:GetBucketLogging');
  });

  it('knows the parent of every node (for reveal) and keeps ids unique', () => {
    const gappy = evaluateProfile(gappyScan(), { now: NOW });
    for (const [p, pv] of [[posture, v], [gappy, view(gappy)]] as const) {
      void p;
      const all = walk(root, pv);
      assert.equal(new Set(all.map((n) => n.id)).size, all.length, 'unique ids');
      const check = (parent: TrailsNode): void => {
        for (const child of childrenOf(parent, pv)) {
          assert.equal(parentOf(child)?.id, parent.id, `parent of ${child.id}`);
          check(child);
        }
      };
      check(root);
    }
    assert.equal(parentOf(root), undefined);
  });

  it('builds the console link and escapes Markdown', () => {
    const main = posture.trails.find((t) => t.snapshot.name === 'main');
    assert.ok(main?.snapshot.arn);
    assert.equal(consoleUrl(main.snapshot.arn, 'us-east-1'), 'https://us-east-1.console.aws.amazon.com/cloudtrailv2/home?region=us-east-1#/trails/arn:aws:cloudtrail:us-east-1:111122223333:trail/main');
    assert.equal(escapeMarkdown('a_b*c [x](y) <b>|'), 'a\\_b\\*c \\[x\\](y) \\<b\\>\\|');
    assert.equal(trailKey(main.snapshot), main.snapshot.arn);
    const passing = main.findings.find((f) => f.ruleId === 'CloudTrail.4');
    assert.ok(passing);
    assert.doesNotMatch(checkTooltip(passing), /How to fix/, 'no fix text for a passing check');
  });
});
