/** Slack format: one Block Kit message per event, for a Slack incoming-webhook URL. */
import { type ResponseRecord, scoreBand, scoreRanges } from '@closeloop/shared';

const eventTitles: Record<string, string> = {
  'response.created': 'New response',
  'response.updated': 'Response updated',
  'followup.opened': 'Follow-up opened',
  'followup.assigned': 'Follow-up assigned',
  'followup.resolved': 'Follow-up resolved',
  'note.created': 'Note added',
  'webhook.test': 'Test message from Closeloop',
};

const kindNames = { nps: 'NPS', csat: 'CSAT', ces: 'CES' } as const;
const bandMarks = {
  negative: ':red_circle:',
  neutral: ':large_yellow_circle:',
  positive: ':large_green_circle:',
};
const statusNames = { none: 'No follow-up', open: 'Open', in_progress: 'In progress', resolved: 'Resolved' };

/**
 * Slack's mrkdwn treats `&`, `<` and `>` as control characters; escaping them keeps a comment
 * from turning into a link or a mention (`<!channel>`).
 */
export function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

export interface SlackContext {
  /** The survey's name, when it still exists. */
  surveyName: string | null;
  /** Where the inbox is, e.g. https://feedback.example.com/inbox/ */
  inboxUrl: string;
}

/** The Slack message for a Standard Webhooks body (as queued). */
export function slackMessage(body: string, context: SlackContext): string {
  const event = JSON.parse(body) as {
    type: string;
    data: { response?: ResponseRecord; note?: { body?: string; author?: { name?: string } } };
  };
  const title = eventTitles[event.type] ?? event.type;
  const response = event.data.response;
  if (!response) {
    return JSON.stringify({
      text: title,
      blocks: [
        {
          type: 'section',
          text: { type: 'mrkdwn', text: `*${slackEscape(title)}*\nWebhooks to this channel work.` },
        },
      ],
    });
  }
  const kind = kindNames[response.kind];
  const band = scoreBand(response.kind, response.score);
  const scoreText = `${bandMarks[band]} *${response.score}* / ${scoreRanges[response.kind].max} (${kind})`;
  const survey = slackEscape(context.surveyName ?? 'Deleted survey');
  const respondent = response.respondent?.email ?? response.respondent?.externalId ?? 'Anonymous';
  const link = `${context.inboxUrl.replace(/\/+$/, '')}/#/responses/${response.id}`;
  const fields = [
    { type: 'mrkdwn', text: `*Score*\n${scoreText}` },
    { type: 'mrkdwn', text: `*Survey*\n${clip(survey, 200)}` },
    { type: 'mrkdwn', text: `*Respondent*\n${clip(slackEscape(respondent), 200)}` },
    { type: 'mrkdwn', text: `*Status*\n${statusNames[response.followUp.status]}` },
  ];
  const blocks: unknown[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(`${title}: ${kind} ${response.score}`, 150) } },
    { type: 'section', fields },
  ];
  if (response.comment) {
    // Quoted line by line, so a comment cannot end the quote and format the rest.
    const quoted = clip(slackEscape(response.comment), 2800)
      .split('\n')
      .map((line) => `>${line}`)
      .join('\n');
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: quoted } });
  }
  if (event.type === 'note.created' && event.data.note?.body) {
    const author = slackEscape(event.data.note.author?.name ?? 'Someone');
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: `*Note by ${author}*\n${clip(slackEscape(event.data.note.body), 2800)}` },
    });
  }
  blocks.push({
    type: 'actions',
    elements: [
      {
        type: 'button',
        text: { type: 'plain_text', text: 'Open in Closeloop' },
        url: link,
        ...(band === 'negative' ? { style: 'primary' } : {}),
      },
    ],
  });
  return JSON.stringify({
    // The notification text (and the fallback where blocks are not shown).
    text: clip(`${title}: ${kind} ${response.score} on ${survey}`, 300),
    blocks,
  });
}
