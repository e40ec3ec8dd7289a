/**
 * The sandboxed preload: exposes exactly one object, `window.shell`, with named methods.
 * No raw ipcRenderer, no sendSync, no generic "invoke any channel": each invoke method is
 * made from `methodChannels` and bound to its own fixed channel, passing on at most one
 * argument (the payload; main refuses one where none belongs). Imports only the zod-free
 * channel names so the bundle stays small and loads in a sandboxed preload.
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { IpcRendererEvent } from 'electron';
import { activityChannel, bindMethods, viewChannel } from './channels';
import type { ShellApi } from './contract';

const api: ShellApi = {
  ...bindMethods(
    (channel) =>
      (...args: unknown[]) =>
        ipcRenderer.invoke(channel, ...args.slice(0, 1)),
  ),
  onView: (listener) => {
    // One wrapper per subscription, and the unsubscribe removes exactly that wrapper.
    const wrapper = (_event: IpcRendererEvent, view: Parameters<typeof listener>[0]) => listener(view);
    ipcRenderer.on(viewChannel, wrapper);
    return () => void ipcRenderer.removeListener(viewChannel, wrapper);
  },
  reportActivity: () => ipcRenderer.send(activityChannel),
};

contextBridge.exposeInMainWorld('shell', api);
