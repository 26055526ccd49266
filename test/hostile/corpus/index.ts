/** Every table of the hostile corpus; a new format or endpoint appends its own file here. */
import type { HostileEntry } from '../hostile-entry.js';
import { credentialEntries } from './credentials.js';
import { dateEntries } from './dates.js';
import { endpointEntries } from './endpoints.js';

export const HOSTILE_CORPUS: ReadonlyArray<{ table: string; entries: readonly HostileEntry[] }> = [
  { table: 'numeric dates (issue 11 finding 2)', entries: dateEntries },
  { table: 'presentations and credentials of today\'s formats', entries: credentialEntries },
  { table: 'every endpoint', entries: endpointEntries },
];
