import { useLayoutEffect, useRef } from 'preact/hooks';

/** The queue's keyboard shortcuts, in a modal dialog. */
export function ShortcutHelp({ canWork, onClose }: { canWork: boolean; onClose: () => void }) {
  const closeRef = useRef<HTMLButtonElement>(null);
  // Focus moves into the dialog while it is open and back where it was when it closes; in the
  // same commit that shows it, so no key pressed meanwhile lands on the page behind.
  useLayoutEffect(() => {
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    closeRef.current?.focus();
    return () => before?.isConnected && before.focus();
  }, []);
  const rows: [string, string][] = [
    ['j / k', 'Next / previous response'],
    ['Enter', 'Open the selected response'],
    ...(canWork
      ? ([
          ['x', 'Select for a bulk action'],
          ['a', 'Assign to me'],
          ['r', 'Resolve (with undo)'],
        ] as [string, string][])
      : []),
    ['?', 'Show or hide this help'],
  ];
  return (
    <div class="dialog-backdrop">
      <div
        class="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="shortcuts-title"
        onKeyDown={(event) => {
          // Its only control keeps the focus: Tab does not wander to the page behind.
          if (event.key === 'Tab') {
            event.preventDefault();
            closeRef.current?.focus();
          }
        }}
      >
        <h2 id="shortcuts-title">Keyboard shortcuts</h2>
        <dl class="shortcuts">
          {rows.map(([key, label]) => (
            <div key={key}>
              <dt>
                <kbd>{key}</kbd>
              </dt>
              <dd>{label}</dd>
            </div>
          ))}
        </dl>
        <button type="button" ref={closeRef} onClick={onClose}>
          Close
        </button>
      </div>
    </div>
  );
}
