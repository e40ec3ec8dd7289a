export type { Draft, DraftProblem, DraftProblemCode, DraftStorage, SubjectHash } from './types';
export { futureSealToleranceMs, isSealExpired, maxRetentionMs, resolveRetention } from './retention';
export type { ResolvedRetention } from './retention';
export { classifyDraftFile, isSubjectHash, quarantineFileName, sealFileName, tempFileName } from './naming';
export type { DraftFile } from './naming';
