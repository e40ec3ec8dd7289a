/**
 * The sandboxed preload: exposes exactly one object, `window.shell`, with named methods.
 * No raw ipcRenderer, no sendSync, no generic "invoke any channel". Imports only the
 * zod-free channel names so the bundle stays small and loads in a sandboxed preload.
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { IpcRendererEvent } from 'electron';
import { activityChannel, methodChannels as ch, viewChannel } from './channels';
import type { ShellApi } from './contract';

const api: ShellApi = {
  getView: () => ipcRenderer.invoke(ch.getView),
  onView: (listener) => {
    // One wrapper per subscription, and the unsubscribe removes exactly that wrapper.
    const wrapper = (_event: IpcRendererEvent, view: Parameters<typeof listener>[0]) => listener(view);
    ipcRenderer.on(viewChannel, wrapper);
    return () => void ipcRenderer.removeListener(viewChannel, wrapper);
  },
  signIn: () => ipcRenderer.invoke(ch.signIn),
  cancelSignIn: () => ipcRenderer.invoke(ch.cancelSignIn),
  stillHere: () => ipcRenderer.invoke(ch.stillHere),
  reportActivity: () => ipcRenderer.send(activityChannel),
  unlock: () => ipcRenderer.invoke(ch.unlock),
  signInAsSomeoneElse: () => ipcRenderer.invoke(ch.signInAsSomeoneElse),
  lock: () => ipcRenderer.invoke(ch.lock),
  signOut: () => ipcRenderer.invoke(ch.signOut),
  loadDrafts: () => ipcRenderer.invoke(ch.loadDrafts),
  saveDraft: (draft) => ipcRenderer.invoke(ch.saveDraft, draft),
};

contextBridge.exposeInMainWorld('shell', api);
