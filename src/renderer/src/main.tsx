import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { applyTheme } from './data/theme.ts';
import './styles/tokens.css';
import './styles/app.css';

applyTheme();
createRoot(document.getElementById('root')!).render(<App />);
