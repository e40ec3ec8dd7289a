export { createDraftVault, draftsKeyringService, maxDraftsPerClinician } from './vault';
export type { DraftVault, DraftVaultOptions, SaveResult } from './vault';
export type { DraftVaultLogger } from './problems';
