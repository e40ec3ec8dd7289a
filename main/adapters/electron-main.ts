/**
 * Electron's main-process modules, for the composition root (main/index.ts, main/composition/).
 * Every `import 'electron'` in main is in main/adapters/: the composition root wires Electron's
 * objects into the adapters through this one door and never imports Electron itself, so the lint
 * rule that keeps Electron to this layer has no exception in main. Re-exports are live bindings:
 * nothing is read from Electron until the composition root uses it.
 */
export {
  app,
  BrowserWindow,
  clipboard,
  dialog,
  ipcMain,
  Menu,
  powerMonitor,
  protocol,
  safeStorage,
  session,
  shell,
  WebContentsView,
} from 'electron';
