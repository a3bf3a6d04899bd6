/**
 * The CloudTrail table's columns, as the Athena documentation defines them ("Create the table for
 * CloudTrail logs in Athena using partition projection"), plus `insightdetails` so that the same
 * table shape also reads Insights files. One description serves the DDL (ddl.ts), the SELECT list
 * and the WHERE clauses (sql.ts), and turning result rows back into records (results.ts).
 *
 * Column names are lower case (Hive lowercases them); `key` is the record's own field name.
 * `json` columns hold a JSON value as text (the SerDe gives nested objects of a STRING column as
 * their JSON text); `string` columns hold scalars.
 */

export type ColumnType =
  | { kind: 'string' }
  | { kind: 'json' }
  | { kind: 'struct'; fields: readonly Column[] }
  | { kind: 'array'; of: readonly Column[] }
  | { kind: 'map' };

export interface Column {
  /** SQL name (lower case). */
  name: string;
  /** The record's field name. */
  key: string;
  type: ColumnType;
}

const s = (key: string): Column => ({ name: key.toLowerCase(), key, type: { kind: 'string' } });
const j = (key: string): Column => ({ name: key.toLowerCase(), key, type: { kind: 'json' } });
const st = (key: string, fields: Column[]): Column => ({ name: key.toLowerCase(), key, type: { kind: 'struct', fields } });

export const CLOUDTRAIL_COLUMNS: readonly Column[] = [
  s('eventVersion'),
  st('userIdentity', [
    s('type'),
    s('principalId'),
    s('arn'),
    s('accountId'),
    s('invokedBy'),
    s('accessKeyId'),
    s('userName'),
    st('onBehalfOf', [s('userId'), s('identityStoreArn')]),
    st('sessionContext', [
      st('attributes', [s('mfaAuthenticated'), s('creationDate')]),
      st('sessionIssuer', [s('type'), s('principalId'), s('arn'), s('accountId'), s('userName')]),
      s('ec2RoleDelivery'),
      st('webIdFederationData', [s('federatedProvider'), { name: 'attributes', key: 'attributes', type: { kind: 'map' } }]),
    ]),
  ]),
  s('eventTime'),
  s('eventSource'),
  s('eventName'),
  s('awsRegion'),
  s('sourceIPAddress'),
  s('userAgent'),
  s('errorCode'),
  s('errorMessage'),
  j('requestParameters'),
  j('responseElements'),
  j('additionalEventData'),
  s('requestID'),
  s('eventID'),
  s('readOnly'),
  { name: 'resources', key: 'resources', type: { kind: 'array', of: [s('ARN'), s('accountId'), s('type')] } },
  s('eventType'),
  s('apiVersion'),
  s('recipientAccountId'),
  j('serviceEventDetails'),
  s('sharedEventID'),
  s('vpcEndpointId'),
  s('vpcEndpointAccountId'),
  s('eventCategory'),
  st('addendum', [s('reason'), s('updatedFields'), s('originalRequestID'), s('originalEventID')]),
  s('sessionCredentialFromConsole'),
  j('edgeDeviceDetails'),
  st('tlsDetails', [s('tlsVersion'), s('cipherSuite'), s('clientProvidedHostHeader')]),
  j('insightDetails'),
];

/** Hive DDL type of a column. */
export function hiveType(column: Column): string {
  switch (column.type.kind) {
    case 'string':
    case 'json':
      return 'STRING';
    case 'map':
      return 'MAP<STRING,STRING>';
    case 'struct':
      return `STRUCT<${column.type.fields.map((field) => `${field.name}: ${hiveType(field)}`).join(', ')}>`;
    case 'array':
      return `ARRAY<STRUCT<${column.type.of.map((field) => `${field.name}: ${hiveType(field)}`).join(', ')}>>`;
  }
}

/** A leaf to select: its SQL expression path and the record path it goes back to. */
export interface Leaf {
  /** `useridentity.sessioncontext.sessionissuer.username` */
  path: string;
  /** `['userIdentity', 'sessionContext', 'sessionIssuer', 'userName']` */
  keys: string[];
  kind: 'string' | 'json' | 'map' | 'array';
  /** For arrays of structs: the struct's fields. */
  of?: readonly Column[];
}

/** Every leaf of the table (structs flattened; arrays and maps kept whole), in column order. */
export function leaves(columns: readonly Column[] = CLOUDTRAIL_COLUMNS): Leaf[] {
  const out: Leaf[] = [];
  const walk = (column: Column, path: string[], keys: string[]): void => {
    const p = [...path, column.name];
    const k = [...keys, column.key];
    switch (column.type.kind) {
      case 'struct':
        for (const field of column.type.fields) walk(field, p, k);
        break;
      case 'array':
        out.push({ path: p.join('.'), keys: k, kind: 'array', of: column.type.of });
        break;
      default:
        out.push({ path: p.join('.'), keys: k, kind: column.type.kind });
    }
  };
  for (const column of columns) walk(column, [], []);
  return out;
}
