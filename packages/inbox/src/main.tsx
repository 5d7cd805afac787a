import { render } from 'preact';
import { App } from './app.tsx';
import './styles.css';

const root = document.getElementById('app')!;
// The page's static "Loading the inbox…" goes: the app shows its own states from here on.
root.replaceChildren();
render(<App />, root);
