import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { AppProvider } from './app/provider';
import { AppRouter } from './app/router';
import { applyTheme } from './lib/prefs/theme';
import './styles.css';
import './theme.css';
import './wall.css';
import './responsive.css';

// Before the first render, so a dark screen never flashes light.
applyTheme();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <AppProvider>
      <AppRouter />
    </AppProvider>
  </StrictMode>,
);
