// The command-queue stub, as a file so that the page needs no 'unsafe-inline'.
window.closeloop =
  window.closeloop ||
  ((...args) => {
    window.closeloop.q = window.closeloop.q || [];
    window.closeloop.q.push(args);
  });

let violations = 0;
document.addEventListener('securitypolicyviolation', (event) => {
  violations += 1;
  const line = document.getElementById('violations');
  if (line)
    line.textContent = `CSP violations: ${violations} (last: ${event.violatedDirective} ${event.blockedURI})`;
});

document.addEventListener('DOMContentLoaded', () => {
  for (const button of document.querySelectorAll('button[data-track]'))
    button.addEventListener('click', () => window.closeloop('track', button.dataset.track));
});
