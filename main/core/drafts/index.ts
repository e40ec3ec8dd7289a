export type { Draft, DraftProblem, DraftProblemCode, DraftStorage, SealRecord, SubjectHash } from './types';
export { expiredSeals, futureSealToleranceMs, isSealExpired, maxRetentionMs, resolveRetention } from './retention';
export type { ResolvedRetention } from './retention';
export { mayRelease } from './release';
export type { CustodySession, ReleaseDecision, ReleaseQuestion } from './release';
export { classifyDraftFile, isSubjectHash, quarantineFileName, sealFileName, tempFileName } from './naming';
export type { DraftFile } from './naming';
