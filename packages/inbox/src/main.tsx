import { render } from 'preact';
import { App } from './app/App.tsx';
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import './features/insights/insights.css';
import './features/webhooks/webhooks.css';

const root = document.getElementById('app')!;
// The page's static "Loading the inbox…" goes: the app shows its own states from here on.
root.replaceChildren();
render(<App />, root);
