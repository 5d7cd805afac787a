import { identify, init, track } from '@closeloop/widget';

// Paste your public key (pk_demo is a placeholder) and your API address.
init({ key: 'pk_demo', apiUrl: 'http://127.0.0.1:3000' });
identify('user-42', { plan: 'pro', locale: navigator.language });

// A minimal client-side router: the widget notices pushState and re-checks its URL rules.
const view = document.getElementById('view');
const render = () => {
  view.textContent = `You are on ${location.pathname}`;
  if (location.pathname === '/checkout') track('checkout-completed');
};
document.addEventListener('click', (event) => {
  const link = event.target instanceof Element && event.target.closest('a[data-route]');
  if (!link) return;
  event.preventDefault();
  history.pushState(null, '', link.getAttribute('href'));
  render();
});
window.addEventListener('popstate', render);
render();
