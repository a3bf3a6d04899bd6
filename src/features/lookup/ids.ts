/** Command ids, setting and state keys of the lookup feature (they must match package.json). */
export const LookupCommands = {
  whoChanged: 'cloudtrailLens.whoChanged',
  lookupByUser: 'cloudtrailLens.lookupByUser',
  lookupByAccessKey: 'cloudtrailLens.lookupByAccessKey',
  lookupByEventId: 'cloudtrailLens.lookupByEventId',
  lookupByEventName: 'cloudtrailLens.lookupByEventName',
  lookupByResource: 'cloudtrailLens.lookupByResource',
} as const;

/** Another feature's command: the search panel, pre-filled with `{ profile, region, attributes }`. */
export const SEARCH_EVENTS_COMMAND = 'cloudtrailLens.searchEvents';
/** When the search panel offers it, records open there instead of as a JSON document. */
export const OPEN_EVENT_COMMAND = 'cloudtrailLens.openEvent';

export const HOVER_SETTING = 'cloudtrailLens.hover.enabled';
export const RECENT_STATE_KEY = 'cloudtrailLens.recentLookups';
