/** Command and view ids. They must match package.json `contributes`. */
export const Commands = {
  searchEvents: 'cloudtrailLens.searchEvents',
  refreshTrails: 'cloudtrailLens.refreshTrails',
  showLog: 'cloudtrailLens.showLog',
  selectProfile: 'cloudtrailLens.selectProfile',
} as const;

export const Views = {
  container: 'cloudtrailLens',
  trails: 'cloudtrailLens.trails',
} as const;

export const WebviewTypes = {
  search: 'cloudtrailLens.search',
} as const;
