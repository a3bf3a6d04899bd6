/**
 * Code ↔ live: the trail's physical name as each reader sees it (`TrailDefinition.trailName`),
 * and the matching of definitions to deployed trails (src/core/lookup/trails).
 */
import { strict as assert } from 'node:assert';
import type { DocumentKind } from '../../src/core/iac/detect';
import type { IacFile, TrailDefinition } from '../../src/core/iac/types';
import { definitionRef, liveLensTitle, liveStatusText, matchLiveTrail, matchTrailDefinitions, type LiveTrailFacts } from '../../src/core/lookup/trails';
import type { Known } from '../../src/core/posture/model';
import { engine, iacFile } from './iac-support';

async function trails(path: string, text: string, kind: DocumentKind, moduleFiles: IacFile[] = []): Promise<TrailDefinition[]> {
  const result = await engine.read({ path, text }, kind, { moduleFiles });
  return [...result.trails];
}

async function trailName(path: string, text: string, kind: DocumentKind, name?: string): Promise<Known<string> | undefined> {
  const all = await trails(path, text, kind);
  const def = name === undefined ? all[0] : all.find((t) => t.name === name);
  assert.ok(def, `no trail ${name ?? ''} in ${path}; have ${all.map((t) => t.name).join(', ')}`);
  return def.trailName;
}

const CFN = `Parameters:
  NameWithDefault:
    Type: String
    Default: audit-from-default
  NameNoDefault:
    Type: String
Resources:
  Literal:
    Type: AWS::CloudTrail::Trail
    Properties:
      TrailName: org-audit
      IsLogging: true
      S3BucketName: b
  FromDefault:
    Type: AWS::CloudTrail::Trail
    Properties:
      TrailName: !Ref NameWithDefault
      IsLogging: true
      S3BucketName: b
  FromParameter:
    Type: AWS::CloudTrail::Trail
    Properties:
      TrailName: !Ref NameNoDefault
      IsLogging: true
      S3BucketName: b
  Generated:
    Type: AWS::CloudTrail::Trail
    Properties:
      IsLogging: true
      S3BucketName: b
`;

describe('iac live: the trail name each reader sees', () => {
  it('CloudFormation: TrailName literal, a parameter default, a parameter without one, absent', async () => {
    assert.deepEqual(await trailName('t.yaml', CFN, 'cloudformation-yaml', 'Literal'), { known: true, value: 'org-audit' });
    const fromDefault = await trailName('t.yaml', CFN, 'cloudformation-yaml', 'FromDefault');
    assert.ok(fromDefault?.known && fromDefault.value === 'audit-from-default', JSON.stringify(fromDefault));
    const fromParameter = await trailName('t.yaml', CFN, 'cloudformation-yaml', 'FromParameter');
    assert.ok(fromParameter && !fromParameter.known, JSON.stringify(fromParameter));
    assert.equal(await trailName('t.yaml', CFN, 'cloudformation-yaml', 'Generated'), undefined);
  });

  it('CloudFormation JSON: TrailName', async () => {
    const json = JSON.stringify({ Resources: { T: { Type: 'AWS::CloudTrail::Trail', Properties: { TrailName: 'json-trail', IsLogging: true, S3BucketName: 'b' } } } }, null, 2);
    assert.deepEqual(await trailName('t.json', json, 'cloudformation-json'), { known: true, value: 'json-trail' });
  });

  it('Terraform: name literal, from a variable default, from a variable without one, per count instance', async () => {
    const main = `variable "trail_name" {
  default = "tf-from-var"
}
variable "unset" {}
resource "aws_cloudtrail" "literal" {
  name           = "tf-audit"
  s3_bucket_name = "b"
}
resource "aws_cloudtrail" "from_var" {
  name           = var.trail_name
  s3_bucket_name = "b"
}
resource "aws_cloudtrail" "unset" {
  name           = var.unset
  s3_bucket_name = "b"
}
resource "aws_cloudtrail" "counted" {
  count          = 2
  name           = "trail-\${count.index}"
  s3_bucket_name = "b"
}
`;
    const all = await trails('file:///m/main.tf', main, 'terraform');
    const by = (n: string): TrailDefinition | undefined => all.find((t) => t.name === `aws_cloudtrail.${n}`);
    assert.deepEqual(by('literal')?.trailName, { known: true, value: 'tf-audit' });
    const fromVar = by('from_var')?.trailName;
    assert.ok(fromVar?.known && fromVar.value === 'tf-from-var', JSON.stringify(fromVar));
    assert.equal(by('unset')?.trailName?.known, false);
    assert.equal(by('counted')?.trailName?.known, false, JSON.stringify(by('counted')?.trailName));
  });

  it('CDK: Trail trailName, CfnTrail trailName, a const, absent', async () => {
    const ts = `import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
const NAME = 'cdk-const-trail';
export class S extends Stack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new cloudtrail.Trail(this, 'Named', { trailName: 'cdk-audit' });
    new cloudtrail.Trail(this, 'FromConst', { trailName: NAME });
    new cloudtrail.CfnTrail(this, 'Low', { trailName: 'cfn-low', isLogging: true, s3BucketName: 'b' });
    new cloudtrail.Trail(this, 'Unnamed');
  }
}
`;
    const all = await trails('stack.ts', ts, 'cdk');
    const by = (n: string): TrailDefinition | undefined => all.find((t) => t.name === n);
    assert.deepEqual(by('Named')?.trailName, { known: true, value: 'cdk-audit' });
    assert.ok(by('FromConst')?.trailName?.known, JSON.stringify(by('FromConst')?.trailName));
    assert.deepEqual(by('Low')?.trailName, { known: true, value: 'cfn-low' });
    assert.equal(by('Unnamed')?.trailName, undefined);
  });

  it('a fixture template: a named trail and an unnamed one', async () => {
    const file = iacFile('own/live/named-trail.yaml');
    const all = await trails(file.path, file.text, 'cloudformation-yaml');
    assert.deepEqual(
      all.map((t) => [t.name, t.trailName?.known ? t.trailName.value : t.trailName]),
      [
        ['AuditTrail', 'MultiRegion1CloudTrail'],
        ['NoTrailName', undefined],
      ],
    );
  });
});

describe('iac live: matching definitions and deployed trails', () => {
  const live: LiveTrailFacts[] = [
    { name: 'MultiRegion1CloudTrail', arn: 'arn:aws:cloudtrail:us-east-1:111122223333:trail/MultiRegion1CloudTrail', homeRegion: 'us-east-1', isLogging: true, logFileValidation: true, isMultiRegion: true },
    { name: 'nosetest', arn: 'arn:aws:cloudtrail:us-east-1:111122223333:trail/nosetest', homeRegion: 'us-east-1', isLogging: false, logFileValidation: false, isMultiRegion: false },
    { name: 'prod-stack-AuditTrail-1A2B3C4D5E6F7', arn: 'arn:aws:cloudtrail:eu-west-1:111122223333:trail/prod-stack-AuditTrail-1A2B3C4D5E6F7', homeRegion: 'eu-west-1', logFileValidation: true, isMultiRegion: false },
    { name: 'audit_trail', homeRegion: 'us-west-2' },
    { name: 'tf-audit', arn: 'arn:aws:cloudtrail:us-east-2:111122223333:trail/tf-audit', homeRegion: 'us-east-2' },
    { name: 'tf-audit', arn: 'arn:aws:cloudtrail:us-west-2:111122223333:trail/tf-audit', homeRegion: 'us-west-2' },
  ];

  it('definitionRef carries a known name, marks a deploy-time one', () => {
    assert.deepEqual(definitionRef({ name: 'T', format: 'cloudformation', trailName: { known: true, value: 'x' } }), { name: 'T', format: 'cloudformation', trailName: 'x' });
    assert.deepEqual(definitionRef({ name: 'T', format: 'cloudformation', trailName: { known: false, reason: 'r' } }), { name: 'T', format: 'cloudformation', trailNameUnknown: true });
    assert.deepEqual(definitionRef({ name: 'T', format: 'cloudformation' }), { name: 'T', format: 'cloudformation' });
  });

  it('exact: the name in the code', () => {
    const m = matchLiveTrail({ name: 'AuditTrail', format: 'cloudformation', trailName: 'MultiRegion1CloudTrail' }, live);
    assert.equal(m?.trail.name, 'MultiRegion1CloudTrail');
    assert.equal(m?.confidence, 'exact');
    assert.equal(m && liveLensTitle(m), 'live: logging ✓ · validation ✓ · multi-region ✓');
    const n = matchLiveTrail({ name: 'aws_cloudtrail.x', format: 'terraform', trailName: 'nosetest' }, live);
    assert.equal(n && liveLensTitle(n), 'live: logging ✗ · validation ✗ · multi-region ✗');
  });

  it('CloudFormation-generated name: the logical id inside <stack>-<id>-<RANDOM>, said as "probably"', () => {
    const m = matchLiveTrail({ name: 'AuditTrail', format: 'cloudformation' }, live);
    assert.equal(m?.confidence, 'generated');
    assert.equal(m?.trail.homeRegion, 'eu-west-1');
    assert.equal(m && liveLensTitle(m), 'live (probably prod-stack-AuditTrail-1A2B3C4D5E6F7): logging ? · validation ✓ · multi-region ✗');
    // Through matchTrailDefinitions too, with the generated reason.
    const [d] = matchTrailDefinitions('prod-stack-AuditTrail-1A2B3C4D5E6F7', [definitionRef({ name: 'AuditTrail', format: 'cloudformation' })]);
    assert.equal(d?.confidence, 'generated');
    assert.match(d?.reason ?? '', /CloudFormation generates for AuditTrail/);
  });

  it('near misses are not the deployed trail', () => {
    // Loosely similar (audit_trail vs AuditTrail with a TrailName set elsewhere): not shown.
    assert.equal(matchLiveTrail({ name: 'AuditTrail', format: 'cloudformation', trailName: 'AuditTrail2' }, live), undefined);
    assert.equal(matchLiveTrail({ name: 'Other', format: 'cloudformation', trailName: 'audit-trail' }, live), undefined);
    // The name is decided at deploy time: no generated-name guess.
    assert.equal(matchLiveTrail({ name: 'AuditTrail', format: 'cloudformation', trailNameUnknown: true }, live), undefined);
    // Case matters for trail names.
    assert.equal(matchLiveTrail({ name: 'x', format: 'terraform', trailName: 'NOSETEST' }, live), undefined);
    // A generated-looking name for another logical id.
    assert.equal(matchLiveTrail({ name: 'Audit', format: 'cloudformation' }, live), undefined);
    // A Terraform resource local name equal to a live name is only "similar".
    assert.equal(matchLiveTrail({ name: 'aws_cloudtrail.nosetest', format: 'terraform' }, live), undefined);
    assert.deepEqual(
      matchTrailDefinitions('nosetest', [{ name: 'aws_cloudtrail.nosetest', format: 'terraform' }]).map((m) => m.confidence),
      ['similar'],
    );
    // Deploy-time name: a loosely similar logical id is still offered as similar (for "Find in Workspace IaC").
    assert.deepEqual(
      matchTrailDefinitions('audit_trail', [{ name: 'AuditTrail', trailNameUnknown: true }]).map((m) => m.confidence),
      ['similar'],
    );
  });

  it('the same name in several regions: the active region first, the others counted', () => {
    const a = matchLiveTrail({ name: 'aws_cloudtrail.a', format: 'terraform', trailName: 'tf-audit' }, live, 'us-west-2');
    assert.equal(a?.trail.homeRegion, 'us-west-2');
    assert.equal(a?.others, 1);
    assert.match(a ? liveLensTitle(a) : '', /\(\+1 more\)$/);
    const b = matchLiveTrail({ name: 'aws_cloudtrail.a', format: 'terraform', trailName: 'tf-audit' }, live, 'us-east-2');
    assert.equal(b?.trail.homeRegion, 'us-east-2');
    // The same ARN twice (a shadow copy) counts once.
    const c = matchLiveTrail({ name: 'T', trailName: 'nosetest' }, [live[1], { ...live[1] }]);
    assert.equal(c?.others, 0);
  });

  it('status text with unknown values', () => {
    assert.equal(liveStatusText({ name: 'x' }), 'logging ? · validation ? · multi-region ?');
  });
});
