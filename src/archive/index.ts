/** Local CloudTrail log archives (Node: fs, zlib). */
export { searchArchive, readLogFile, newArchiveStats, type ArchiveItem, type ArchiveSearchOptions, type ArchiveStats, type LogFileItem } from './search';
