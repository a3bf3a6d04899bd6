// IaC checks benchmark.
//
//   node esbuild.mjs --tests && node bench/iac.mjs            (BENCH_RUNS=15, BENCH_FILES=2000)
//   node bench/iac.mjs --fuzz                                 also 10,000 fuzz cases per reader (IAC_FUZZ_CASES)
//
// 1. Analysis vs raw parse, one 10,000-line file per format, same run, same parser:
//    raw    = the parser alone with the options the reader uses: yaml.parseDocument (CloudFormation
//             tags; JSON schema for JSON) / tree-sitter parse (+ tree.delete()).
//    ours   = the whole analysis: read (parse included) + the posture rules on every trail.
//    Goal: ours adds < 25 % to raw. Runs alternate raw/ours after 3 warm-ups; medians shown.
// 2. Workspace scan: BENCH_FILES generated IaC files (CloudFormation YAML and JSON, Terraform
//    modules, CDK TypeScript; every one defines a trail) scanned by the CLI's scan (walk, read,
//    analyse), in process and through dist/cli.js. Goal: < 5 s.
// Prints Markdown tables and writes .bench/iac.json.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const out = (p) => join(ROOT, 'out', p);
if (!existsSync(out('src/core/iac/index.js'))) {
  console.error('Build first: node esbuild.mjs --tests');
  process.exit(2);
}
const { IacEngine } = require(out('src/core/iac/index.js'));
const { checkTrail } = require(out('src/core/iac/analyze.js'));
const { readCloudFormation } = require(out('src/core/iac/cloudformation/template.js'));
const { parseRaw } = require(out('src/core/iac/cloudformation/yaml.js'));
const { readTerraformModule } = require(out('src/core/iac/terraform.js'));
const { readCdk } = require(out('src/core/iac/cdk.js'));
const { loadGrammar } = require(out('src/core/iac/treesitter.js'));
const { nodeTreeSitterHost } = require(out('src/features/iac/node/wasm.js'));
const { runScan } = require(out('src/cli/scan.js'));

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const FILES = Number(process.env.BENCH_FILES ?? 2000);
const host = nodeTreeSitterHost(out('src/features/iac/node'));

// ---------------------------------------------------------------------------------------------
// Generated inputs (deterministic)

function cfnYaml(lines) {
  const parts = ['AWSTemplateFormatVersion: "2010-09-09"', 'Parameters:', '  Validate:', '    Type: String', "    Default: 'true'", 'Conditions:', '  IsProd: !Equals [!Ref AWS::StackName, prod]', 'Resources:'];
  let i = 0;
  while (parts.length < lines) {
    if (i % 25 === 0) {
      parts.push(`  Trail${i}:`, '    Type: AWS::CloudTrail::Trail', '    Properties:', '      IsLogging: true', `      S3BucketName: !Ref Bucket${i}`, `      IsMultiRegionTrail: ${i % 2 === 0}`, '      EnableLogFileValidation: !Ref Validate', '      KMSKeyId: !If [IsProd, !GetAtt Key.Arn, !Ref AWS::NoValue]', '      Tags:', '        - Key: team', '          Value: audit');
    } else {
      parts.push(`  Bucket${i}:`, '    Type: AWS::S3::Bucket', '    Properties:', `      BucketName: !Sub '\${AWS::StackName}-bucket-${i}'`, '      VersioningConfiguration:', '        Status: Enabled', '      PublicAccessBlockConfiguration:', '        BlockPublicAcls: true', '        BlockPublicPolicy: true', '        IgnorePublicAcls: true', '        RestrictPublicBuckets: true', '      Tags:', '        - Key: index', `          Value: '${i}'`);
    }
    i++;
  }
  return parts.slice(0, lines).join('\n') + '\n';
}

function cfnJson(lines) {
  const resources = {};
  let text = '';
  for (let i = 0; ; i++) {
    resources[i % 25 === 0 ? `Trail${i}` : `Bucket${i}`] =
      i % 25 === 0
        ? { Type: 'AWS::CloudTrail::Trail', Properties: { IsLogging: true, S3BucketName: { Ref: `Bucket${i + 1}` }, IsMultiRegionTrail: i % 2 === 0, EnableLogFileValidation: { Ref: 'Validate' }, Tags: [{ Key: 'team', Value: 'audit' }] } }
        : { Type: 'AWS::S3::Bucket', Properties: { BucketName: { 'Fn::Sub': `\${AWS::StackName}-${i}` }, VersioningConfiguration: { Status: 'Enabled' }, Tags: [{ Key: 'index', Value: String(i) }] } };
    text = JSON.stringify({ AWSTemplateFormatVersion: '2010-09-09', Parameters: { Validate: { Type: 'String', Default: 'true' } }, Resources: resources }, null, 2);
    if (i % 20 === 0 && text.split('\n').length >= lines) break;
  }
  return text + '\n';
}

function terraform(lines) {
  const parts = [];
  let i = 0;
  while (parts.length < lines) {
    if (i % 20 === 0) {
      parts.push(`resource "aws_cloudtrail" "t${i}" {`, `  name                          = "trail-${i}"`, `  s3_bucket_name                = aws_s3_bucket.b${i + 1}.id`, `  is_multi_region_trail         = ${i % 2 === 0}`, '  enable_log_file_validation    = var.validate', '  include_global_service_events = local.global', `  kms_key_id                    = var.create_key ? aws_kms_key.k.arn : null`, '', '  event_selector {', '    read_write_type           = "All"', '    include_management_events = true', '  }', '}', '');
    } else {
      parts.push(`resource "aws_s3_bucket" "b${i}" {`, `  bucket = "bucket-\${var.env}-${i}"`, '  tags = {', `    index = "${i}"`, '    team  = "audit"', '  }', '}', '');
    }
    i++;
  }
  return parts.join('\n') + '\nlocals {\n  global = true\n}\n';
}

const TF_VARIABLES = 'variable "validate" {\n  type    = bool\n  default = true\n}\n\nvariable "create_key" {\n  default = false\n}\n\nvariable "env" {\n  type = string\n}\n';

function cdk(lines) {
  const parts = ["import * as cdk from 'aws-cdk-lib';", "import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';", "import * as s3 from 'aws-cdk-lib/aws-s3';", '', 'const VALIDATE = true;', '', 'export class Big extends cdk.Stack {', '  constructor(scope: cdk.App, id: string) {', '    super(scope, id);'];
  let i = 0;
  while (parts.length < lines - 2) {
    if (i % 20 === 0) parts.push(`    new cloudtrail.Trail(this, 'Trail${i}', {`, `      isMultiRegionTrail: ${i % 2 === 0},`, '      enableFileValidation: VALIDATE,', '      sendToCloudWatchLogs: true,', '    });');
    else parts.push(`    const bucket${i} = new s3.Bucket(this, 'Bucket${i}', {`, `      bucketName: \`bucket-\${id}-${i}\`,`, '      versioned: true,', '      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,', '    });', `    cdk.Tags.of(bucket${i}).add('index', '${i}');`);
    i++;
  }
  parts.push('  }', '}');
  return parts.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------
// Timing

function median(values) {
  const v = [...values].sort((a, b) => a - b);
  return v[Math.floor(v.length / 2)];
}

function time(fn) {
  const s = performance.now();
  fn();
  return performance.now() - s;
}

function compare(raw, ours) {
  for (let i = 0; i < 3; i++) {
    raw();
    ours();
  }
  const r = [];
  const o = [];
  for (let i = 0; i < RUNS; i++) {
    r.push(time(raw));
    o.push(time(ours));
  }
  return { raw: median(r), ours: median(o), rawMin: Math.min(...r), oursMin: Math.min(...o) };
}

const fmt = (ms) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));

async function parseVsAnalysis() {
  const tf = await loadGrammar('terraform', host);
  const ts = await loadGrammar('typescript', host);
  const analyse = (result) => {
    for (const t of result.trails) checkTrail(t);
    return result.trails.length;
  };
  const inputs = [
    ['CloudFormation YAML', cfnYaml(10_000), (t) => () => parseRaw(t), (t) => () => analyse(readCloudFormation({ path: 'big.yaml', text: t }, 'yaml'))],
    ['CloudFormation JSON', cfnJson(10_000), (t) => () => parseRaw(t, true), (t) => () => analyse(readCloudFormation({ path: 'big.json', text: t }, 'json'))],
    ['Terraform (HCL)', terraform(10_000), (t) => () => tf.parse(t).delete(), (t) => () => analyse(readTerraformModule([{ path: 'main.tf', text: t }, { path: 'variables.tf', text: TF_VARIABLES }], tf))],
    ['CDK (TypeScript)', cdk(10_000), (t) => () => ts.parse(t).delete(), (t) => () => analyse(readCdk({ path: 'big.ts', text: t }, ts))],
  ];
  const rows = [];
  for (const [name, text, raw, ours] of inputs) {
    const trails = ours(text)();
    const r = compare(raw(text), ours(text));
    rows.push({ name, lines: text.split('\n').length - 1, kb: Math.round(text.length / 1024), trails, ...r, added: (r.ours / r.raw - 1) * 100 });
  }
  console.log(`\n### Analysis vs raw parse (10,000-line files, median of ${RUNS} alternating runs)\n`);
  console.log('| format | lines | KB | trails | raw parse ms | analysis ms | added | goal < 25 % |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---|');
  for (const x of rows) console.log(`| ${x.name} | ${x.lines} | ${x.kb} | ${x.trails} | ${fmt(x.raw)} | ${fmt(x.ours)} | ${x.added >= 0 ? '+' : ''}${x.added.toFixed(1)} % | ${x.added < 25 ? 'met' : 'NOT met'} |`);
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Workspace

function makeWorkspace(count) {
  const dir = mkdtempSync(join(tmpdir(), 'ctl-iac-bench-'));
  let n = 0;
  const write = (rel, text) => {
    const p = join(dir, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text);
    n++;
  };
  for (let i = 0; n < count; i++) {
    switch (i % 5) {
      case 0:
      case 1:
        write(`stacks/s${i}/template.yaml`, cfnYaml(60 + (i % 7) * 20));
        break;
      case 2:
        write(`stacks/s${i}/template.json`, cfnJson(80));
        break;
      case 3:
        write(`modules/m${i}/main.tf`, terraform(60 + (i % 5) * 10));
        if (n < count) write(`modules/m${i}/variables.tf`, TF_VARIABLES);
        break;
      default:
        write(`lib/stack${i}.ts`, cdk(60 + (i % 4) * 20));
    }
  }
  return { dir, files: n };
}

async function workspaceScan() {
  const { dir, files } = makeWorkspace(FILES);
  try {
    // In process (engine already warm from the first section: the extension's case).
    const s = performance.now();
    const output = await runScan({ paths: ['.'], format: 'json', failOn: 'never' }, dir);
    const inProcess = performance.now() - s;
    const trails = output.results.reduce((n, r) => n + r.analysis.reports.length, 0);
    let cliMs;
    const cli = join(ROOT, 'dist', 'cli.js');
    if (existsSync(cli)) {
      const c = performance.now();
      const r = spawnSync(process.execPath, [cli, 'scan', '.', '--format', 'json', '--fail-on', 'never'], { cwd: dir, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
      cliMs = performance.now() - c;
      if (r.status !== 0) throw new Error(`dist/cli.js exited ${r.status}: ${r.stderr}`);
    }
    console.log(`\n### Workspace scan (${files} generated IaC files, every one defining trails)\n`);
    console.log('| how | files | trails | time | goal < 5 s |');
    console.log('|---|---:|---:|---:|---|');
    console.log(`| in process (runScan: walk, read, analyse) | ${output.scanned} | ${trails} | ${(inProcess / 1000).toFixed(2)} s | ${inProcess < 5000 ? 'met' : 'NOT met'} |`);
    if (cliMs !== undefined) console.log(`| node dist/cli.js scan . --format json (cold: Node start, wasm load) | ${output.scanned} | ${trails} | ${(cliMs / 1000).toFixed(2)} s | ${cliMs < 5000 ? 'met' : 'NOT met'} |`);
    return { files: output.scanned, trails, inProcessMs: inProcess, cliMs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function fuzz() {
  const cases = process.env.IAC_FUZZ_CASES ?? '10000';
  console.log(`\n### Fuzzing (${cases} cases per reader)\n`);
  const s = performance.now();
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'mocha', 'bin', 'mocha.js'), out('test/unit/iac-fuzz.test.js')], { env: { ...process.env, IAC_FUZZ_CASES: cases, IAC_FUZZ_MAX_MS: process.env.IAC_FUZZ_MAX_MS ?? '1000' }, encoding: 'utf8' });
  const lines = r.stdout.split('\n').filter((l) => /✔|passing|failing|\d\)/.test(l));
  console.log('```\n' + lines.join('\n') + `\n\`\`\`\n${((performance.now() - s) / 1000).toFixed(0)} s, exit ${r.status}`);
  return { cases: Number(cases), status: r.status };
}

console.log(`# IaC checks benchmark\n\nNode ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`);
const results = { parse: await parseVsAnalysis(), workspace: await workspaceScan() };
if (process.argv.includes('--fuzz')) results.fuzz = fuzz();
mkdirSync(join(ROOT, '.bench'), { recursive: true });
writeFileSync(join(ROOT, '.bench', 'iac.json'), JSON.stringify(results, null, 2));
