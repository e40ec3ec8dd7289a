import 'nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.css';
import './styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type {} from '../preload/contract';
import { App } from './App';
import { StoreContext } from './context';
import { createShellStore } from './store';

const container = document.getElementById('root');
if (container === null) throw new Error('index.html has no #root element.');

const store = createShellStore({ api: window.shell, newId: () => crypto.randomUUID(), now: () => Date.now() });
store.getState().start();

createRoot(container).render(
  <StrictMode>
    <StoreContext.Provider value={store}>
      <App />
    </StoreContext.Provider>
  </StrictMode>,
);
