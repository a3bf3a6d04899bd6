/**
 * LookupEvents request validation and execution, with the real error codes:
 * InvalidLookupAttributesException, InvalidTimeRangeException, InvalidMaxResultsException,
 * InvalidNextTokenException, InvalidEventCategoryException. Pure apart from the token secret.
 */
import { ApiError, errors, shown } from './errors';
import { INSIGHT_LOOKUP_ATTRIBUTE_KEYS, LOOKUP_ATTRIBUTE_KEYS, type LookupQuery, type StoredEvent, type WireEvent, isLookupAttributeKey, lookupPage, toWireEvent } from './events';
import { RETENTION_SEC } from './timeshift';
import type { NextTokenCodec, LookupQueryIdentity } from './token';
import type { Json, JsonObject } from './trails';

export const DEFAULT_MAX_RESULTS = 50;

export interface ParsedLookup {
  query: Omit<LookupQuery, 'cursor'>;
  identity: LookupQueryIdentity;
  nextToken?: string;
}

function timestamp(value: Json | undefined, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw errors.serialization(`${field} must be a timestamp (epoch seconds)`);
  return value;
}

/** Validates a LookupEvents request body against the caller's account and region. */
export function parseLookupInput(input: JsonObject, accountId: string, region: string, nowSec: number): ParsedLookup {
  const attributes = input.LookupAttributes;
  let attribute: LookupQuery['attribute'];
  if (attributes !== undefined && attributes !== null) {
    if (!Array.isArray(attributes)) throw errors.serialization('LookupAttributes must be a list');
    if (attributes.length > 1) throw new ApiError('InvalidLookupAttributesException', 'You cannot specify more than one lookup attribute.');
    const only = attributes[0];
    if (only !== undefined) {
      if (only === null || typeof only !== 'object' || Array.isArray(only)) throw errors.serialization('LookupAttributes entries must be objects');
      const key = only.AttributeKey;
      const value = only.AttributeValue;
      if (!isLookupAttributeKey(key)) {
        throw new ApiError('InvalidLookupAttributesException', `Invalid AttributeKey: ${shown(key)}. Valid keys: ${LOOKUP_ATTRIBUTE_KEYS.join(', ')}.`);
      }
      if (typeof value !== 'string' || value.length < 1 || value.length > 2000) {
        throw new ApiError('InvalidLookupAttributesException', 'AttributeValue must be between 1 and 2000 characters long.');
      }
      if (key === 'ReadOnly' && value !== 'true' && value !== 'false') {
        throw new ApiError('InvalidLookupAttributesException', `The value of the ReadOnly attribute must be true or false, not ${value}.`);
      }
      attribute = { key, value };
    }
  }

  const category = input.EventCategory;
  if (category !== undefined && category !== null && category !== 'insight') {
    throw new ApiError('InvalidEventCategoryException', `Invalid EventCategory: ${shown(category)}. Valid value: insight.`);
  }
  const insight = category === 'insight';
  if (insight && attribute && !INSIGHT_LOOKUP_ATTRIBUTE_KEYS.includes(attribute.key)) {
    throw new ApiError('InvalidLookupAttributesException', `${attribute.key} is not a valid lookup attribute for Insights events. Valid keys: ${INSIGHT_LOOKUP_ATTRIBUTE_KEYS.join(', ')}.`);
  }

  const startTime = timestamp(input.StartTime, 'StartTime');
  const endTime = timestamp(input.EndTime, 'EndTime');
  if (startTime !== undefined && endTime !== undefined && startTime > endTime) {
    throw new ApiError('InvalidTimeRangeException', 'The start time must be before or equal to the end time.');
  }

  let maxResults = DEFAULT_MAX_RESULTS;
  if (input.MaxResults !== undefined && input.MaxResults !== null) {
    if (typeof input.MaxResults !== 'number' || !Number.isInteger(input.MaxResults)) throw errors.serialization('MaxResults must be an integer');
    if (input.MaxResults < 1 || input.MaxResults > 50) throw new ApiError('InvalidMaxResultsException', 'MaxResults must be between 1 and 50.');
    maxResults = input.MaxResults;
  }

  const nextToken = input.NextToken;
  if (nextToken !== undefined && nextToken !== null && typeof nextToken !== 'string') throw errors.serialization('NextToken must be a string');

  const oldest = nowSec - RETENTION_SEC;
  return {
    query: {
      ...(attribute && { attribute }),
      startSec: Math.max(oldest, Math.ceil(startTime ?? oldest)),
      endSec: Math.floor(endTime ?? nowSec),
      insight,
      maxResults,
    },
    identity: {
      accountId,
      region,
      ...(attribute && { attributeKey: attribute.key, attributeValue: attribute.value }),
      ...(startTime !== undefined && { startTime }),
      ...(endTime !== undefined && { endTime }),
      ...(insight && { eventCategory: 'insight' }),
    },
    ...(typeof nextToken === 'string' && nextToken.length > 0 && { nextToken }),
  };
}

/** One LookupEvents response. */
export function runLookup(events: readonly StoredEvent[], parsed: ParsedLookup, tokens: NextTokenCodec): { Events: WireEvent[]; NextToken?: string } {
  let cursor;
  if (parsed.nextToken !== undefined) {
    cursor = tokens.decode(parsed.identity, parsed.nextToken);
    if (!cursor) throw new ApiError('InvalidNextTokenException', 'Invalid NextToken: it is not valid or was issued for different request parameters.');
  }
  const page = lookupPage(events, { ...parsed.query, ...(cursor && { cursor }) });
  const response: { Events: WireEvent[]; NextToken?: string } = { Events: page.events.map(toWireEvent) };
  if (page.next) response.NextToken = tokens.encode(parsed.identity, page.next);
  return response;
}
