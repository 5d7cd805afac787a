import type { FastifyPluginAsync } from 'fastify';
import { findDemoProject } from '../../services/projects.ts';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="/demo.css">
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

const css = `body{font:16px/1.5 system-ui,sans-serif;max-width:42rem;margin:3rem auto;padding:0 1rem;color:#1f2937}
code{background:#f3f4f6;padding:.1rem .3rem;border-radius:4px}
pre{overflow-x:auto;background:#f3f4f6;padding:.5rem;border-radius:4px}
button{font:inherit;padding:.5rem 1rem;margin:.25rem .5rem .25rem 0;border-radius:6px;border:1px solid #4f46e5;background:#fff;color:#4f46e5;cursor:pointer}
button:focus-visible{outline:3px solid #4f46e5;outline-offset:2px}
a{color:#4f46e5}
fieldset{border:1px solid #d1d5db;border-radius:8px;padding:.75rem 1rem;margin:1rem 0}
legend{font-weight:600;padding:0 .25rem}
label{display:inline-flex;flex-direction:column;margin:0 1rem .5rem 0;font-size:.9rem}
input{font:inherit;padding:.35rem .5rem;border:1px solid #9ca3af;border-radius:6px}
input:focus-visible{outline:3px solid #4f46e5;outline-offset:1px}
.note{color:#4b5563;font-size:.9rem;margin:.25rem 0}`;

/** Who the demo shop says is signed in until the visitor changes it. */
export const demoCustomer = { email: 'dana@customer.example', name: 'Dana Demo' };

// The demo page may not run inline scripts (its CSP forbids them), so its buttons and its
// "signed in as" form are wired here. The form does what a real shop does after sign-in:
// closeloop('identify', id, { email, name }), so answers carry the email and staff can reply.
const demoScript = `window.closeloop=window.closeloop||function(){(window.closeloop.q=window.closeloop.q||[]).push(arguments)};
document.addEventListener('click',function(e){var t=e.target.closest('[data-track]');if(t)window.closeloop('track',t.getAttribute('data-track'));});
(function(){
var form=document.getElementById('customer');if(!form)return;
var email=document.getElementById('customer-email'),name=document.getElementById('customer-name'),status=document.getElementById('customer-status'),key='closeloop-demo:customer';
try{var saved=JSON.parse(localStorage.getItem(key)||'null');if(saved&&saved.email){email.value=saved.email;name.value=saved.name||'';}}catch(_){}
function identify(){
var address=email.value.trim().toLowerCase(),who=name.value.trim();if(!address||!email.checkValidity())return false;
var traits={email:address};if(who)traits.name=who;
window.closeloop('identify',address,traits);
status.textContent='Answers on this page are sent as '+(who?who+' <'+address+'>':address)+'.';
return true;}
identify();
form.addEventListener('submit',function(e){e.preventDefault();if(!form.reportValidity()||!identify())return;
try{localStorage.setItem(key,JSON.stringify({email:email.value.trim(),name:name.value.trim()}));}catch(_){}});
})();`;

/** The landing page, and the demo page with the widget of the demo project. */
export const demoPages: FastifyPluginAsync = async (app) => {
  app.get('/demo.css', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=300').send(css),
  );
  app.get('/demo.js', { schema: { hide: true } }, async (_request, reply) =>
    reply
      .type('text/javascript; charset=utf-8')
      .header('cache-control', 'public, max-age=300')
      .send(demoScript),
  );

  app.get('/favicon.ico', { schema: { hide: true } }, async (_request, reply) =>
    reply.code(204).header('cache-control', 'public, max-age=86400').send(),
  );

  app.get('/', { schema: { hide: true } }, async (_request, reply) => {
    const demo = await findDemoProject(app.db);
    const demoLink = demo ? '<li><a href="/demo">Demo page</a> — answer the widget</li>' : '';
    return reply.type('text/html; charset=utf-8').send(
      page(
        'Closeloop',
        `<h1>Closeloop is running</h1>
<ul>
${demoLink}
<li><a href="/inbox/">Inbox</a> — follow up on responses</li>
<li><a href="/docs">API reference</a> (<a href="/openapi.json">openapi.json</a>)</li>
</ul>`,
      ),
    );
  });

  app.get('/demo', { schema: { hide: true } }, async (request, reply) => {
    const demo = await findDemoProject(app.db);
    if (!demo) {
      return reply
        .code(404)
        .type('text/html; charset=utf-8')
        .send(page('No demo project', '<h1>No demo project</h1><p>This database has no demo project.</p>'));
    }
    const key = escapeHtml(demo.publicKey);
    return reply.type('text/html; charset=utf-8').send(
      page(
        'Closeloop demo shop',
        `<h1>Demo shop</h1>
<p>This page embeds the Closeloop widget with the demo project's public key. The NPS survey
appears after two seconds; the buttons below trigger the CSAT and CES surveys through tracked events.</p>
<p>
<button type="button" data-track="checkout-completed">Complete a checkout (CSAT)</button>
<button type="button" data-track="support-chat-closed">Close a support chat (CES)</button>
</p>
<form id="customer" aria-labelledby="customer-legend">
<fieldset>
<legend id="customer-legend">Signed in on this demo shop as</legend>
<label>Email <input id="customer-email" type="email" name="email" required maxlength="320" autocomplete="off" value="${escapeHtml(demoCustomer.email)}"></label>
<label>Name <input id="customer-name" name="name" maxlength="120" autocomplete="off" value="${escapeHtml(demoCustomer.name)}"></label>
<button type="submit">Sign in as this customer</button>
<p class="note">The shop tells the widget who is signed in with <code>closeloop('identify', id, { email, name })</code>,
so an answer given here carries this email and support staff can reply to it from the inbox.
Signing in as someone else starts their own survey history, so the NPS survey comes back.</p>
<p class="note" id="customer-status" role="status"></p>
</fieldset>
</form>
<p>The snippet on this page:</p>
<pre tabindex="0" aria-label="The snippet"><code>&lt;script async src="${escapeHtml(request.protocol)}://${escapeHtml(request.host)}/widget.js" data-key="${key}"&gt;&lt;/script&gt;</code></pre>
<p>Responses appear in the <a href="/inbox/">inbox</a> and through <code>GET /v1/responses</code>.</p>
<script src="/demo.js"></script>
<script async src="/widget.js" data-key="${key}"></script>`,
      ),
    );
  });
};
