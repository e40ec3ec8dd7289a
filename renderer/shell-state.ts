/**
 * What the renderer's store holds and offers (renderer/store.ts builds it; renderer/draft-custody.ts
 * keeps the note in it). Types only.
 */
import type { Draft, RefusalCode, SessionView, ShellApi } from '../preload/contract';

export type Caret = { readonly field: 'patient' | 'text'; readonly position: number };
export type SaveStatus =
  { kind: 'idle' } | { kind: 'saving' } | { kind: 'saved' } | { kind: 'failed'; code: RefusalCode };
export type SessionAction =
  | 'signIn'
  | 'cancelSignIn'
  | 'stillHere'
  | 'unlock'
  | 'signInAsSomeoneElse'
  | 'signOut'
  | 'lock'
  | 'changeRole'
  | 'renewSession';

export interface ShellState {
  view: SessionView | null;
  connection: 'connecting' | 'ready' | 'failed';
  draft: Draft | null;
  draftLoad: 'idle' | 'loading' | 'failed';
  save: SaveStatus;
  /**
   * Where the clinician's caret was in the note (a position, no content), kept across a lock so an
   * unlock puts them back where they were; forgotten when the session ends.
   */
  caret: Caret | null;
  /** Code of the last session action that failed, shown as a sentence; cleared on the next view. */
  actionError: RefusalCode | null;
  busy: SessionAction | null;
}

export interface ShellActions {
  /** Subscribes to views and asks for the current one. Returns the function that stops it. */
  start(): () => void;
  applyView(view: SessionView): void;
  editDraft(change: Partial<Pick<Draft, 'patient' | 'text'>>): void;
  saveNow(): void;
  act(action: SessionAction): void;
  reportActivity(): void;
  rememberCaret(caret: Caret): void;
}

export interface StoreDeps {
  api: ShellApi;
  newId: () => string;
  now: () => number;
  saveDelayMs?: number;
}

/** The store's own reading and writing of its state, as zustand hands them to it. */
export type GetState = () => ShellState;
export type SetState = (partial: Partial<ShellState>) => void;
