/**
 * Reply templates (canned replies), kept per project in this browser's localStorage. `{name}` in a
 * template becomes the customer's first name (or "there" when the site gave none).
 */
import { useState } from 'preact/hooks';

export interface ReplyTemplate {
  name: string;
  body: string;
}

const storageKey = (projectId: string) => `closeloop:reply-templates:${projectId}`;

/** What a project starts with, until someone saves their own. */
export const starterTemplates: ReplyTemplate[] = [
  {
    name: 'Thanks for the feedback',
    body: 'Hi {name},\n\nThank you for taking the time to tell us. We read every answer, and yours has gone to the team that can act on it.\n\nBest regards',
  },
  {
    name: 'Sorry, we are on it',
    body: 'Hi {name},\n\nI am sorry about the trouble. I am looking into it now and will write again as soon as it is fixed.\n\nBest regards',
  },
  {
    name: 'Ask for details',
    body: 'Hi {name},\n\nThank you for your feedback. Could you tell me a little more about what happened, so we can put it right?\n\nBest regards',
  },
];

function read(projectId: string): ReplyTemplate[] {
  try {
    const stored = localStorage.getItem(storageKey(projectId));
    if (stored === null) return starterTemplates;
    const parsed: unknown = JSON.parse(stored);
    return Array.isArray(parsed)
      ? parsed.filter(
          (item): item is ReplyTemplate => typeof item?.name === 'string' && typeof item?.body === 'string',
        )
      : starterTemplates;
  } catch {
    return starterTemplates;
  }
}

/** The project's reply templates, with save (a same-named one is replaced) and remove. */
export function useReplyTemplates(projectId: string) {
  const [templates, setTemplates] = useState(() => read(projectId));
  const write = (next: ReplyTemplate[]) => {
    setTemplates(next);
    try {
      localStorage.setItem(storageKey(projectId), JSON.stringify(next));
    } catch {
      // Storage full or blocked: the change lasts until the page is left.
    }
  };
  return {
    templates,
    save: (template: ReplyTemplate) =>
      write([...templates.filter((other) => other.name !== template.name), template]),
    remove: (name: string) => write(templates.filter((template) => template.name !== name)),
  };
}

/** A template's text for one customer: `{name}` becomes their first name, or "there". */
export function fillTemplate(body: string, customerName: string | null): string {
  const first = customerName?.split(/\s+/)[0] ?? '';
  return body.replaceAll('{name}', first || 'there');
}
