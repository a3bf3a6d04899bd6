import { strict as assert } from 'node:assert';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { TrailReport } from '../../src/core/iac/analyze';
import { applyEdits, fixAll, fixAllForTrail, fixForCheck, flipLiteral, type TextEdit } from '../../src/core/iac/fixes';
import { documentKind, type FileAnalysis } from '../../src/core/iac/index';
import type { IacFile } from '../../src/core/iac/types';
import type { RuleId } from '../../src/core/posture/model';
import { fixturePath } from '../support/fixtures';
import { engine, iacFile, moduleFiles } from './iac-support';

/** The fixture and, for Terraform, its module's other files, as a mutable set of texts. */
function workspaceOf(rel: string): Map<string, string> {
  const files = new Map<string, string>();
  const f = iacFile(rel);
  files.set(f.path, f.text);
  if (f.path.endsWith('.tf')) for (const m of moduleFiles(rel.slice(0, rel.lastIndexOf('/')))) files.set(m.path, m.text);
  return files;
}

async function analyzeIn(files: Map<string, string>, path: string): Promise<FileAnalysis> {
  const text = files.get(path);
  assert.ok(text !== undefined);
  const kind = documentKind(path, undefined, text);
  assert.ok(kind);
  const moduleFilesNow: IacFile[] = [...files].filter(([p]) => p !== path).map(([p, t]) => ({ path: p, text: t }));
  return engine.analyze({ path, text }, kind, { moduleFiles: moduleFilesNow });
}

/** Applies edits per file and checks that everything outside them is byte-for-byte unchanged. */
function apply(files: Map<string, string>, edits: readonly TextEdit[]): Map<string, string> {
  const out = new Map(files);
  const byFile = new Map<string, TextEdit[]>();
  for (const e of edits) byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
  for (const [file, list] of byFile) {
    const before = files.get(file);
    assert.ok(before !== undefined, `edit for unknown file ${file}`);
    const after = applyEdits(before, list);
    // Outside the edits nothing moves: walk the edits in order and compare the gaps.
    let bi = 0;
    let ai = 0;
    for (const e of [...list].sort((a, b) => a.offset - b.offset)) {
      assert.equal(after.slice(ai, ai + (e.offset - bi)), before.slice(bi, e.offset), `${file}: text before an edit changed`);
      ai += e.offset - bi + e.newText.length;
      bi = e.offset + e.length;
    }
    assert.equal(after.slice(ai), before.slice(bi), `${file}: text after the edits changed`);
    out.set(file, after);
  }
  return out;
}

const texts = (files: Map<string, string>) => (f: string) => files.get(f);

function fixable(r: TrailReport, files: Map<string, string>): RuleId[] {
  return r.checks.filter((c) => c.finding.status === 'fail' && !c.suppressed && fixForCheck(r, c.ruleId, texts(files)) !== undefined).map((c) => c.ruleId);
}

function statusOf(a: FileAnalysis, name: string, rule: RuleId): string | undefined {
  const r = a.reports.find((x) => x.definition.name === name);
  const status = r?.checks.find((c) => c.ruleId === rule)?.finding.status;
  // CloudTrail.1 has two parts: the property fix makes the trail multi-Region; selectors that
  // record too little (write-only management events) or are unknown still decide it, with no property fix.
  if (r && rule === 'CloudTrail.1' && status !== 'pass') {
    const mr = r.definition.snapshot.isMultiRegion;
    return mr.known && mr.value ? 'pass' : status;
  }
  return status;
}

/** Every fixture file that defines trails (CDK fixtures are stored as .ts.txt). */
function fixtureFiles(): string[] {
  const root = fixturePath('iac');
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(join(root, dir))) {
      const rel = dir ? `${dir}/${name}` : name;
      if (statSync(join(root, rel)).isDirectory()) walk(rel);
      else if (/\.(ya?ml|json|tf|ts\.txt)$/.test(name)) out.push(rel);
    }
  };
  walk('');
  return out.sort();
}

describe('core/iac fixes — round trip on every fixture', () => {
  it('each single fix: the check passes after, the rest of every file is unchanged, no new problem', async function () {
    this.timeout(60_000);
    let fixes = 0;
    for (const rel of fixtureFiles()) {
      const files = workspaceOf(rel);
      const path = iacFile(rel).path;
      const before = await analyzeIn(files, path);
      const errorsBefore = before.problems.filter((p) => p.severity === 'error').length;
      // Files with syntax errors get no fixes in the editor (offsets into broken text are guesses).
      if (errorsBefore > 0) continue;
      for (const r of before.reports) {
        for (const rule of fixable(r, files)) {
          const fix = fixForCheck(r, rule, texts(files));
          assert.ok(fix);
          const after = await analyzeIn(apply(files, fix.edits), path);
          assert.equal(statusOf(after, r.definition.name, rule), 'pass', `${rel} ${r.definition.name} ${rule}: ${fix.title} → ${JSON.stringify(fix.edits)}`);
          assert.equal(after.problems.filter((p) => p.severity === 'error').length, errorsBefore, `${rel}: the fix broke the syntax`);
          fixes++;
        }
      }
    }
    assert.ok(fixes > 100, `only ${fixes} fixes exercised`);
  });

  it('fix-all per trail and per file: every fixable check passes at once', async function () {
    this.timeout(60_000);
    for (const rel of fixtureFiles()) {
      const files = workspaceOf(rel);
      const path = iacFile(rel).path;
      const before = await analyzeIn(files, path);
      if (before.problems.some((p) => p.severity === 'error')) continue;
      for (const r of before.reports) {
        const rules = fixable(r, files);
        const fix = fixAllForTrail(r, texts(files));
        if (rules.length === 0) continue;
        assert.ok(fix, `${rel} ${r.definition.name}`);
        const after = await analyzeIn(apply(files, fix.edits), path);
        for (const rule of rules) assert.equal(statusOf(after, r.definition.name, rule), 'pass', `${rel} ${r.definition.name} ${rule} after fix-all`);
      }
      const all = fixAll(before.reports, texts(files));
      if (!all) continue;
      const after = await analyzeIn(apply(files, all.edits), path);
      for (const r of before.reports) for (const rule of fixable(r, files)) assert.equal(statusOf(after, r.definition.name, rule), 'pass', `${rel} ${r.definition.name} ${rule} after file fix-all`);
    }
  });
});

describe('core/iac fixes — the file keeps its style', () => {
  async function fixAllText(rel: string, name: string): Promise<{ before: string; after: string; edits: readonly TextEdit[] }> {
    const files = workspaceOf(rel);
    const path = iacFile(rel).path;
    const a = await analyzeIn(files, path);
    const r = a.reports.find((x) => x.definition.name === name);
    assert.ok(r, name);
    const fix = fixAllForTrail(r, texts(files));
    assert.ok(fix, `no fix for ${name}`);
    return { before: files.get(path) ?? '', after: apply(files, fix.edits).get(path) ?? '', edits: fix.edits };
  }

  it('flips keep quotes and spelling', () => {
    assert.equal(flipLiteral('false'), 'true');
    assert.equal(flipLiteral("'false'"), "'true'");
    assert.equal(flipLiteral('"False"'), '"True"');
    assert.equal(flipLiteral('No'), 'Yes');
    assert.equal(flipLiteral('OFF'), 'ON');
    assert.equal(flipLiteral('null'), 'true');
  });

  it('YAML block mapping: new properties at the indentation of the others', async () => {
    const { after } = await fixAllText('trivy-checks/enable_log_validation/cloudformation_bad_1.yaml', 'BadExample');
    assert.equal(after, 'Resources:\n  BadExample:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n      IsLogging: true\n      IsMultiRegionTrail: true\n      S3BucketName: CloudtrailBucket\n      S3KeyPrefix: /trailing\n      TrailName: Cloudtrail\n      EnableLogFileValidation: true\n');
  });

  it('YAML flow mappings (padded, compact, empty) and a resource without Properties', async () => {
    const flow = await fixAllText('own/cloudformation/parameters.yaml', 'FlowTrail');
    assert.ok(flow.after.includes('Properties: { IsLogging: true, S3BucketName: b, IsMultiRegionTrail: true, EnableLogFileValidation: true }'), flow.after);
    const empty = await fixAllText('own/cloudformation/parameters.yaml', 'EmptyFlowTrail');
    assert.ok(empty.after.includes('Properties: {IsLogging: true, IsMultiRegionTrail: true, EnableLogFileValidation: true}'));
    const none = await fixAllText('own/cloudformation/parameters.yaml', 'NoPropertiesTrail');
    assert.ok(none.after.includes('    DependsOn: Bucket\n    Properties:\n      IsLogging: true\n      IsMultiRegionTrail: true\n      EnableLogFileValidation: true\n'), none.after);
  });

  it('YAML: a parameter Default is flipped in Parameters, keeping its quotes; `No` becomes `Yes`', async () => {
    const p = await fixAllText('own/cloudformation/parameters.yaml', 'ParamTrail');
    assert.ok(p.after.includes("  MultiRegion:\n    Type: String\n    Default: 'true'\n"));
    const y = await fixAllText('own/cloudformation/parameters.yaml', 'Yaml11Trail');
    assert.ok(y.after.includes('EnableLogFileValidation: Yes\n'));
    assert.ok(y.after.includes("IncludeGlobalServiceEvents: 'true'\n"));
  });

  it('JSON: indentation of the object, compact objects inline, missing Properties opened', async () => {
    const m = await fixAllText('own/cloudformation/template.json', 'JsonTrail');
    assert.ok(m.after.includes('"IsMultiRegionTrail": "true"'));
    assert.ok(m.after.includes('"Validate": { "Type": "String", "Default": "true" }'));
    const c = await fixAllText('own/cloudformation/template.json', 'CompactTrail');
    assert.ok(c.after.includes('{"IsLogging": true, "S3BucketName": "b", "IsMultiRegionTrail": true, "EnableLogFileValidation": true}'));
    const b = await fixAllText('own/cloudformation/template.json', 'BareTrail');
    assert.ok(b.after.includes('"BareTrail": {\n      "Type": "AWS::CloudTrail::Trail",\n      "Properties": {\n        "IsLogging": true,\n        "IsMultiRegionTrail": true,\n        "EnableLogFileValidation": true\n      }\n    }'), b.after);
    JSON.parse(b.after);
  });

  it('CRLF files get CRLF', async () => {
    const { after } = await fixAllText('own/cloudformation/crlf.yaml', 'CrlfTrail');
    assert.ok(after.includes('S3BucketName: b\r\n      IsMultiRegionTrail: true\r\n      EnableLogFileValidation: true\r\n'), JSON.stringify(after));
    assert.ok(!/[^\r]\n/.test(after));
  });

  it('HCL: aligned with the attribute group (terraform fmt), empty blocks opened, variables flipped in variables.tf', async () => {
    const { after } = await fixAllText('checkov/tests/terraform/checks/resource/aws/example_CloudtrailEncryptedWithCMK/aws_cloudtrail.tf', 'aws_cloudtrail.fail');
    assert.ok(after.startsWith('resource "aws_cloudtrail" "fail" {\n  name                          = "TRAIL"\n  s3_bucket_name                = aws_s3_bucket.test.id\n  include_global_service_events = true\n  is_multi_region_trail         = true\n  enable_log_file_validation    = true\n}'), after);
    const e = await fixAllText('own/terraform/basic/main.tf', 'aws_cloudtrail.empty');
    assert.ok(e.after.includes('resource "aws_cloudtrail" "empty" {\n  is_multi_region_trail      = true\n  enable_log_file_validation = true\n}'), e.after);
    const u = await fixAllText('own/terraform/basic/main.tf', 'aws_cloudtrail.unaligned');
    // Not aligned by terraform fmt: one space; after the last argument, before depends_on; "false" → "true".
    assert.ok(u.after.includes('  enable_log_file_validation = "true"\n  is_multi_region_trail = true\n  depends_on = [aws_s3_bucket_policy.p]\n'), u.after);
    const v = await fixAllText('own/terraform/basic/main.tf', 'aws_cloudtrail.vars');
    assert.deepEqual(
      v.edits.map((x) => x.file),
      ['own/terraform/basic/variables.tf'],
    );
    const g = await fixAllText('trivy-checks/enable_log_validation/terraform_good_1.tf', 'aws_cloudtrail.good_example');
    // A shorter key joins the group, padded to its `=` column.
    assert.ok(g.after.includes('  enable_log_file_validation = true\n  is_multi_region_trail      = true\n'), g.after);
  });

  it('TypeScript: trailing commas kept, consts flipped where declared', async () => {
    const { after } = await fixAllText('own/cdk/app.ts.txt', 'AliasTrail');
    assert.ok(after.includes('const VALIDATE = true;'));
    assert.ok(after.includes('isMultiRegionTrail: true,\n      enableFileValidation: VALIDATE,'));
    const l1 = await fixAllText('own/cdk/app.ts.txt', 'L1Trail');
    assert.ok(l1.after.includes("      enableLogFileValidation: true,\n      isMultiRegionTrail: true,\n    });"), l1.after);
  });
});
