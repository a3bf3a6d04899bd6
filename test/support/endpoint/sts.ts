/**
 * STS on the same port (requests signed for the `sts` service): GetCallerIdentity in the query protocol —
 * a form-encoded POST, an XML answer — and STS's XML error documents.
 */

const NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

export function escapeXml(value: string): string {
  return value.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] ?? c);
}

export function callerIdentityXml(identity: { arn: string; userId: string; accountId: string }, requestId: string): string {
  return [
    `<GetCallerIdentityResponse xmlns="${NS}">`,
    '  <GetCallerIdentityResult>',
    `    <Arn>${escapeXml(identity.arn)}</Arn>`,
    `    <UserId>${escapeXml(identity.userId)}</UserId>`,
    `    <Account>${escapeXml(identity.accountId)}</Account>`,
    '  </GetCallerIdentityResult>',
    '  <ResponseMetadata>',
    `    <RequestId>${requestId}</RequestId>`,
    '  </ResponseMetadata>',
    '</GetCallerIdentityResponse>',
    '',
  ].join('\n');
}

export function stsErrorXml(code: string, message: string, requestId: string, type: 'Sender' | 'Receiver' = 'Sender'): string {
  return [
    `<ErrorResponse xmlns="${NS}">`,
    '  <Error>',
    `    <Type>${type}</Type>`,
    `    <Code>${escapeXml(code)}</Code>`,
    `    <Message>${escapeXml(message)}</Message>`,
    '  </Error>',
    `  <RequestId>${requestId}</RequestId>`,
    '</ErrorResponse>',
    '',
  ].join('\n');
}

/** Action and Version of a query-protocol body. */
export function parseQueryBody(body: string): { action?: string; version?: string; params: URLSearchParams } {
  const params = new URLSearchParams(body);
  return { action: params.get('Action') ?? undefined, version: params.get('Version') ?? undefined, params };
}
