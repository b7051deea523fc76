// Entry point: signs in with a sign-in link's code from the address, then renders the app.
import '@xyflow/react/dist/style.css';
import './styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { captureSignInFromUrl } from './api/token.ts';
import { App } from './app/App.tsx';

// A refused code leaves the page signed out; its sign-in form then says how to get in.
void captureSignInFromUrl().then(() =>
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App />
    </StrictMode>,
  ),
);
