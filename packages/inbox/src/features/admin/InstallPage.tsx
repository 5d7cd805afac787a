import type { ProjectSettings } from '@closeloop/shared';
import { useState } from 'preact/hooks';
import { ErrorNote, Loaded, useAction } from '../../components/status.tsx';
import { updateProject, useProject } from './data.ts';
import { WidgetPreview } from './WidgetPreview.tsx';

/** The survey the appearance is previewed with: an NPS question, with the widget's built-in labels. */
const sampleTexts = { question: 'How likely are you to recommend us to a friend?' };

/** Install snippet with the public key, allowed origins, widget appearance. */
export function InstallPage() {
  const [project, reload] = useProject();
  return (
    <div class="page">
      <h1>Install the widget</h1>
      <Loaded load={project} retry={reload}>
        {(settings) => <InstallForm settings={settings} />}
      </Loaded>
    </div>
  );
}

function InstallForm({ settings }: { settings: ProjectSettings }) {
  const snippet = `<script async src="${window.location.origin}/widget.js" data-key="${settings.publicKey}"></script>`;
  const [origins, setOrigins] = useState(settings.allowedOrigins.join('\n'));
  const [appearance, setAppearance] = useState(settings.appearance);
  const [copied, setCopied] = useState(false);
  const [saved, setSaved] = useState(false);
  const action = useAction();
  const save = async (event: Event) => {
    event.preventDefault();
    setSaved(false);
    const result = await action.run(() =>
      updateProject({
        allowedOrigins: origins
          .split('\n')
          .map((line) => line.trim())
          .filter(Boolean),
        appearance,
      }),
    );
    if (result) setSaved(true);
  };
  return (
    <div class="stack">
      <section class="card">
        <h2>Snippet</h2>
        <p>Paste this before the closing &lt;/body&gt; tag of every page that may ask visitors:</p>
        <pre class="snippet" data-testid="snippet">
          {snippet}
        </pre>
        <button
          type="button"
          onClick={async () => {
            await navigator.clipboard?.writeText(snippet).catch(() => undefined);
            setCopied(true);
          }}
        >
          {copied ? 'Copied' : 'Copy'}
        </button>
        <p class="muted">
          Public key <code>{settings.publicKey}</code> — safe to embed; it can only read the widget
          configuration and send answers.
        </p>
      </section>
      <div class="editor-split">
        <form class="card stack" onSubmit={save}>
          <h2>Allowed origins</h2>
          <label>
            Sites allowed to send answers, one origin per line (empty: any site — fine for trying it out)
            <textarea
              name="origins"
              rows={4}
              placeholder="https://shop.example"
              value={origins}
              onInput={(e) => setOrigins(e.currentTarget.value)}
            />
          </label>
          <h2>Appearance</h2>
          <div class="row">
            <label>
              Brand colour
              <input
                type="color"
                value={appearance.brandColor}
                onInput={(e) => setAppearance({ ...appearance, brandColor: e.currentTarget.value })}
              />
            </label>
            <label>
              Position
              <select
                value={appearance.position}
                onChange={(e) =>
                  setAppearance({
                    ...appearance,
                    position: e.currentTarget.value as typeof appearance.position,
                  })
                }
              >
                <option value="bottom-right">Bottom right</option>
                <option value="bottom-left">Bottom left</option>
                <option value="top-right">Top right</option>
                <option value="top-left">Top left</option>
                <option value="bottom-bar">Bar at the bottom</option>
              </select>
            </label>
            <label>
              Theme
              <select
                value={appearance.theme}
                onChange={(e) =>
                  setAppearance({ ...appearance, theme: e.currentTarget.value as typeof appearance.theme })
                }
              >
                <option value="auto">Follow the visitor</option>
                <option value="light">Light</option>
                <option value="dark">Dark</option>
              </select>
            </label>
            <label>
              Days between surveys for one visitor
              <input
                type="number"
                min={0}
                max={365}
                value={appearance.cooldownDays}
                onInput={(e) => setAppearance({ ...appearance, cooldownDays: Number(e.currentTarget.value) })}
              />
            </label>
          </div>
          {action.error && <ErrorNote error={action.error} />}
          {saved && (
            <p class="success" role="status">
              Saved.
            </p>
          )}
          <button type="submit" class="primary" disabled={action.busy}>
            Save
          </button>
        </form>
        <WidgetPreview kind="nps" texts={sampleTexts} locale="en" appearance={appearance} />
      </div>
    </div>
  );
}
