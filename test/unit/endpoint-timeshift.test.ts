import * as assert from 'node:assert/strict';
import { DAY_SEC, RETENTION_SEC, hashFraction, isoSeconds, parseEventTime, placeSet, stableUuid } from '../support/endpoint/timeshift';
import { placeboDateToEpoch, placeboStatus, rewriteRecord } from '../support/endpoint/seed';

const NOW = 1_800_000_000;

describe('endpoint time shifting', () => {
  it('keeps the order and the spacing of a set that fits its window', () => {
    const times = [1_000, 1_000, 1_003, 1_060, 4_600];
    const placement = placeSet(1_000, 4_600, { minAgeSec: 300, maxAgeSec: 10 * DAY_SEC }, NOW, 0.5);
    const placed = times.map(placement.map);
    assert.equal(placement.factor, 1);
    assert.deepEqual(
      placed.map((t) => t - placed[0]),
      times.map((t) => t - 1_000),
    );
    assert.ok(placed.at(-1)! <= NOW - 300);
    assert.ok(placed[0] >= NOW - 10 * DAY_SEC);
  });

  it('puts fraction 0 at the recent end and fraction 1 at the old end of the window', () => {
    const window = { minAgeSec: 600, maxAgeSec: 3 * DAY_SEC };
    const recent = placeSet(0, 3_600, window, NOW, 0);
    const old = placeSet(0, 3_600, window, NOW, 1);
    assert.equal(recent.lastSec, NOW - 600);
    assert.equal(old.firstSec, NOW - 3 * DAY_SEC);
  });

  it('compresses a set longer than its window, keeping the order', () => {
    const span = 400 * DAY_SEC;
    const placement = placeSet(0, span, { minAgeSec: 60, maxAgeSec: 89 * DAY_SEC }, NOW, 0.3);
    assert.ok(placement.factor < 1);
    const originals = [0, 1, 2, 10 * DAY_SEC, 200 * DAY_SEC, span - 1, span];
    const placed = originals.map(placement.map);
    for (let i = 1; i < placed.length; i++) assert.ok(placed[i] >= placed[i - 1], 'order kept');
    assert.ok(placed[0] >= NOW - RETENTION_SEC);
    assert.ok(placed.at(-1)! <= NOW - 60);
    assert.equal(placed.at(-1)! - placed[0], 89 * DAY_SEC - 60);
  });

  it('refuses windows past the 90-day retention', () => {
    assert.throws(() => placeSet(0, 10, { minAgeSec: 0, maxAgeSec: 91 * DAY_SEC }, NOW, 0));
  });

  it('derives stable fractions and ids from the seed', () => {
    assert.equal(hashFraction('seed', 'set-a'), hashFraction('seed', 'set-a'));
    assert.notEqual(hashFraction('seed', 'set-a'), hashFraction('seed', 'set-b'));
    const id = stableUuid('seed', 'x');
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(id, stableUuid('seed', 'x'));
  });

  it('prints and parses CloudTrail times', () => {
    assert.equal(isoSeconds(0), '1970-01-01T00:00:00Z');
    assert.equal(parseEventTime('2024-07-31T13:06:24Z'), 1_722_431_184);
    assert.ok(Number.isNaN(parseEventTime(undefined)));
  });

  it('turns placebo datetimes into epoch seconds and moves a status next to now', () => {
    const date = { __class__: 'datetime' as const, year: 2019, month: 1, day: 22, hour: 19, minute: 41, second: 47, microsecond: 177000 };
    assert.equal(placeboDateToEpoch(date), Date.UTC(2019, 0, 22, 19, 41, 47, 177) / 1000);
    const status = placeboStatus(
      {
        IsLogging: true,
        LatestDeliveryTime: date,
        StartLoggingTime: { ...date, day: 1 },
        LatestDeliveryAttemptTime: '2019-01-23T00:41:47Z',
        TimeLoggingStarted: '2016-12-06T16:06:15Z',
        TimeLoggingStopped: '',
      },
      NOW,
      120,
    );
    assert.equal(status.IsLogging, true);
    assert.equal(Math.round(status.LatestDeliveryTime as number), NOW - 120);
    assert.equal(Math.round((status.LatestDeliveryTime as number) - (status.StartLoggingTime as number)), 21 * DAY_SEC);
    assert.equal(status.LatestDeliveryAttemptTime, isoSeconds(Math.floor(status.LatestDeliveryTime as number)));
    assert.equal(status.TimeLoggingStarted, isoSeconds(Math.floor(status.StartLoggingTime as number)));
    assert.equal(status.TimeLoggingStopped, '');
  });

  it('rewrites account ids and region names everywhere in a record', () => {
    const record = {
      recipientAccountId: '143434273843',
      awsRegion: 'apiso-centralnorth-2r',
      userIdentity: { arn: 'arn:aws:iam::143434273843:user/christophe', accountId: '143434273843' },
      tlsDetails: { clientProvidedHostHeader: 'cloudtrail.apiso-centralnorth-2r.amazonaws.com' },
      requestParameters: { size: 1434342738431 },
    };
    const out = rewriteRecord(record, new Map([['143434273843', '111122223333']]), new Map([['apiso-centralnorth-2r', 'us-west-2']]));
    assert.deepEqual(out, {
      recipientAccountId: '111122223333',
      awsRegion: 'us-west-2',
      userIdentity: { arn: 'arn:aws:iam::111122223333:user/christophe', accountId: '111122223333' },
      tlsDetails: { clientProvidedHostHeader: 'cloudtrail.us-west-2.amazonaws.com' },
      requestParameters: { size: 1434342738431 },
    });
  });
});
