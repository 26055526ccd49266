/** Small named values the service keeps for itself (e.g. the generated operator key's hash). */
export interface SettingsStore {
  get(name: string): Promise<string | null>;
  /** Sets `name` only if it has no value; returns the value now stored. */
  setIfAbsent(name: string, value: string): Promise<string>;
  /** Sets `name`, replacing any value (`kparty admin-key reset`). */
  set(name: string, value: string): Promise<void>;
}
