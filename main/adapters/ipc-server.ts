/**
 * The main side of the IPC contract. Every inbound message is checked for who sent it (our
 * window's main frame, on our origin) and what it holds (the contract's schemas, via the
 * shared `dispatch`). Refusals are `{ ok: false, code }`, logged with channel and code only,
 * never the content.
 */
import type { BrowserWindow, IpcMain, IpcMainEvent, IpcMainInvokeEvent } from 'electron';
import {
  activityChannel,
  dispatch,
  invokeChannelNames,
  unsafeViewFallback,
  viewChannel,
  viewForRenderer,
} from '../../preload/contract';
import type { RefusalCode, Result, ShellBackend } from '../../preload/contract';

export interface IpcLogger {
  warn(fields: Record<string, unknown>, message: string): void;
}

export interface IpcServerDeps {
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler' | 'on' | 'removeListener'>;
  getWindow: () => BrowserWindow | null;
  backend: ShellBackend;
  logger: IpcLogger;
  /** e.g. 'app://shell'; a frame on any other origin is refused. */
  origin: string;
}

/** `scheme://host` of a URL; Node reports 'null' as the origin of custom schemes, so build it. */
export function originOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.host === '' ? null : `${parsed.protocol}//${parsed.host}`;
  } catch {
    return null;
  }
}

/** The parts of a WebFrameMain the check reads (registerIpc passes real frames, so the compiler checks the fit). */
export interface FrameFacts {
  readonly url: string;
  readonly frameToken: string;
  readonly processId: number;
  readonly detached: boolean;
  readonly parent: object | null;
}

/**
 * Pure: the sender must be the window's own main frame (not a sub-frame, not a detached or
 * replaced frame), on our origin. Frames are compared by identity or, should Electron hand out
 * a fresh wrapper for the same frame, by frame token and process.
 *
 * A WebFrameMain whose render frame is gone (the page navigated, crashed or closed) throws
 * "Render frame was disposed before WebFrameMain could be accessed" from its getters (Electron's
 * shell/browser/api/electron_api_web_frame_main.cc, CheckRenderFrame): such a frame is not
 * trusted, and the check never throws.
 */
export function isTrustedSender(
  senderFrame: FrameFacts | null,
  windowMainFrame: FrameFacts | null,
  expectedOrigin: string,
): boolean {
  try {
    // Stryker disable next-line ConditionalExpression,LogicalOperator: equivalent: without it a null frame makes the lines below throw a TypeError, which the catch refuses the same
    if (senderFrame === null || windowMainFrame === null) return false;
    if (senderFrame.detached) return false;
    // Stryker disable next-line ConditionalExpression: equivalent in Electron: a sub-frame has its own frame token, so the comparison below refuses it (docs/mutation.md, "The two IPC checks that no Electron behaviour can tell apart")
    if (senderFrame.parent !== null) return false;
    const sameFrame =
      // Stryker disable next-line ConditionalExpression: equivalent: the same frame object has the same frameToken and processId, so the comparison after it gives the same answer
      senderFrame === windowMainFrame ||
      (senderFrame.frameToken === windowMainFrame.frameToken && senderFrame.processId === windowMainFrame.processId);
    return sameFrame && originOf(senderFrame.url) === expectedOrigin;
  } catch {
    return false;
  }
}

/** Refusals that point at a fault (in the renderer or the backend) rather than an ordinary outcome: logged. */
const faultCodes: ReadonlySet<RefusalCode> = new Set<RefusalCode>(['bad-request', 'bad-response', 'internal-error']);

export function registerIpc(deps: IpcServerDeps): () => void {
  const { ipcMain, backend, logger } = deps;

  // Never throws: a destroyed window or web contents, or a disposed frame, is "not trusted"
  // (a destroyed WebContents' getters throw "Object has been destroyed").
  const trusted = (event: IpcMainInvokeEvent | IpcMainEvent): boolean => {
    try {
      const win = deps.getWindow();
      // Stryker disable next-line ConditionalExpression: equivalent: a null window throws at webContents (refused by the catch), and a destroyed window's web contents are destroyed with it (checked next)
      if (win === null || win.isDestroyed()) return false;
      const contents = win.webContents;
      // Stryker disable next-line ConditionalExpression,LogicalOperator: equivalent: destroyed contents throw "Object has been destroyed" from mainFrame (refused by the catch); another WebContents' frame has another frame token (docs/mutation.md, "The two IPC checks that no Electron behaviour can tell apart")
      if (contents.isDestroyed() || event.sender !== contents) return false;
      return isTrustedSender(event.senderFrame, contents.mainFrame, deps.origin);
    } /* Stryker disable next-line BlockStatement: equivalent: the callers refuse on !trusted(event), and undefined is refused as false is */ catch {
      return false;
    }
  };

  for (const channel of invokeChannelNames) {
    ipcMain.handle(channel, async (event: IpcMainInvokeEvent, payload: unknown): Promise<Result<unknown>> => {
      if (!trusted(event)) {
        logger.warn(
          { channel, code: 'wrong-sender' satisfies RefusalCode },
          // Stryker disable next-line StringLiteral: a log sentence for IT to read; no code or test depends on its words (the fields carry the code)
          'Refused an IPC request from a frame that is not the shell window.',
        );
        return { ok: false, code: 'wrong-sender' };
      }
      const result = await dispatch(backend, channel, payload);
      if (!result.ok && faultCodes.has(result.code)) {
        // Stryker disable next-line StringLiteral: a log sentence for IT to read; no code or test depends on its words (the fields carry the code)
        logger.warn({ channel, code: result.code }, 'An IPC request was refused.');
      }
      return result;
    });
  }

  const onActivity = (event: IpcMainEvent): void => {
    if (!trusted(event)) {
      logger.warn(
        { channel: activityChannel, code: 'wrong-sender' satisfies RefusalCode },
        // Stryker disable next-line StringLiteral: a log sentence for IT to read; no code or test depends on its words (the fields carry the code)
        'Ignored activity from a frame that is not the shell window.',
      );
      return;
    }
    backend.reportActivity();
  };
  ipcMain.on(activityChannel, onActivity);

  const unsubscribe = backend.subscribe((view) => {
    let safe = viewForRenderer(view);
    if (safe === null) {
      logger.warn(
        { channel: viewChannel, code: 'bad-response' satisfies RefusalCode },
        // Stryker disable next-line StringLiteral: a log sentence for IT to read; no code or test depends on its words (the fields carry the code)
        'A session view did not match the contract; the fallback view was sent instead.',
      );
      safe = unsafeViewFallback;
    }
    const win = deps.getWindow();
    if (win !== null && !win.isDestroyed() && !win.webContents.isDestroyed()) win.webContents.send(viewChannel, safe);
  });

  return () => {
    unsubscribe();
    ipcMain.removeListener(activityChannel, onActivity);
    for (const channel of invokeChannelNames) ipcMain.removeHandler(channel);
  };
}
