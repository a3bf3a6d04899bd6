import { strict as assert } from 'node:assert';
import { analyzeFixture, engine, iacFile, reason, report, status } from './iac-support';

describe('core/iac CDK (TypeScript) reader', () => {
  it('finds L2 and L1 trails through every import style, and only those', async () => {
    const a = await analyzeFixture('own/cdk/app.ts.txt');
    assert.deepEqual(
      a.reports.map((r) => [r.definition.name, r.definition.dialect]),
      [
        ['DefaultTrail', 'cdk-trail'],
        ['AliasTrail', 'cdk-trail'],
        ['PropsTrail', 'cdk-trail'],
        ['SpreadTrail', 'cdk-trail'],
        ['OpenSpreadTrail', 'cdk-trail'],
        ['L1Trail', 'cdk-cfntrail'],
        ['IgnoredL1', 'cdk-cfntrail'],
      ],
    );
    assert.ok(a.reports.every((r) => r.definition.format === 'cdk'));
  });

  it('the L2 Trail defaults multi-region and validation to true', async () => {
    const t = report(await analyzeFixture('own/cdk/app.ts.txt'), 'DefaultTrail');
    assert.equal(status(t, 'CloudTrail.1'), 'pass');
    assert.equal(status(t, 'CloudTrail.4'), 'pass');
    assert.match(reason(t, 'CloudTrail.4'), /defaults enableFileValidation to true/);
    assert.equal(status(t, 'CTL.Logging'), 'pass');
    assert.equal(status(t, 'CloudTrail.2'), 'fail');
    assert.equal(status(t, 'CloudTrail.5'), 'fail');
  });

  it('explicit false, consts, keys, CloudWatch and management events', async () => {
    const t = report(await analyzeFixture('own/cdk/app.ts.txt'), 'AliasTrail');
    assert.equal(status(t, 'CloudTrail.1'), 'fail');
    assert.equal(status(t, 'CloudTrail.4'), 'fail');
    assert.match(reason(t, 'CloudTrail.4'), /from const VALIDATE/);
    assert.equal(t.definition.properties.logFileValidation?.literal?.description, 'const VALIDATE');
    assert.equal(status(t, 'CloudTrail.2'), 'pass');
    assert.equal(status(t, 'CloudTrail.5'), 'pass');
    const sel = t.definition.snapshot.eventSelectors;
    assert.ok(sel.known && sel.value.kind === 'basic' && sel.value.selectors[0]?.readWriteType === 'WriteOnly');
  });

  it('props from outside are unknown; spreads make what they may carry unknown', async () => {
    const a = await analyzeFixture('own/cdk/app.ts.txt');
    const p = report(a, 'PropsTrail');
    assert.equal(status(p, 'CloudTrail.1'), 'unknown');
    assert.match(reason(p, 'CloudTrail.1'), /props\?\.multiRegion/);
    assert.equal(status(p, 'CTL.GlobalServiceEvents'), 'fail');
    // `...base` of a const object literal is resolved.
    const s = report(a, 'SpreadTrail');
    assert.equal(status(s, 'CloudTrail.1'), 'pass');
    assert.equal(status(s, 'CloudTrail.4'), 'pass');
    // `...props` is not: what it may carry is unknown, what is written after it is known.
    const o = report(a, 'OpenSpreadTrail');
    assert.equal(o.definition.snapshot.isMultiRegion.known, true);
    assert.equal(status(o, 'CloudTrail.4'), 'unknown');
    assert.match(reason(o, 'CloudTrail.4'), /may be set by \.\.\.props/);
  });

  it('CfnTrail takes CloudFormation defaults; comments suppress', async () => {
    const a = await analyzeFixture('own/cdk/app.ts.txt');
    const l1 = report(a, 'L1Trail');
    assert.equal(status(l1, 'CloudTrail.1'), 'fail');
    assert.equal(status(l1, 'CloudTrail.4'), 'pass');
    assert.equal(status(l1, 'CTL.Logging'), 'pass');
    assert.deepEqual(report(a, 'IgnoredL1').definition.suppressed, ['CloudTrail.1']);
  });

  it('a snippet without imports is read by class name', async () => {
    const a = await analyzeFixture('own/cdk/snippet.ts.txt');
    assert.equal(status(report(a, 'SnippetTrail'), 'CloudTrail.1'), 'fail');
  });

  it('spans: the head is `new X.Trail`, properties point at key and value', async () => {
    const file = iacFile('own/cdk/app.ts.txt');
    const t = report(await analyzeFixture('own/cdk/app.ts.txt'), 'DefaultTrail');
    assert.equal(file.text.slice(t.definition.headSpan.start, t.definition.headSpan.end), 'new cloudtrail.Trail');
    const alias = report(await analyzeFixture('own/cdk/app.ts.txt'), 'AliasTrail');
    const p = alias.definition.properties.isMultiRegion;
    assert.ok(p);
    assert.equal(file.text.slice(p.keySpan.start, p.valueSpan.end), 'isMultiRegionTrail: false');
  });

  it('broken TypeScript: no exception; trails before the error still read', async () => {
    const text = "import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';\nnew cloudtrail.Trail(this, 'Ok', { isMultiRegionTrail: false });\nnew cloudtrail.Trail(this, 'Broken', { isMultiRegionTrail: ";
    const a = await engine.analyze({ path: 'x.ts', text }, 'cdk');
    assert.ok(a.reports.some((r) => r.definition.name === 'Ok'));
  });

  it('a class named Trail from elsewhere is not a CloudTrail trail', async () => {
    const text = "import { Trail } from './hiking';\n// cloudtrail\nnew Trail(this, 'Walk', {});\n";
    const a = await engine.analyze({ path: 'x.ts', text }, 'cdk');
    assert.equal(a.reports.length, 0);
  });
});
