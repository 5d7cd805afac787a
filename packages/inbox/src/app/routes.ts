/**
 * The route table: every page of the signed-in inbox, one line each, in navigation order.
 * A page is loaded when it is first visited (its own chunk; the chart library only with
 * Insights). To add a page: write `features/<area>/<Name>Page.tsx` exporting a component that takes
 * `PageProps`, then add one line here — `nav` puts it in the top navigation, `settings` on the
 * Settings page (admin pages, so the navigation fits a phone), `least` is the role it
 * needs (pages without it are open to every signed-in role), `key` names the path parameter that
 * makes another value a fresh page.
 */
import type { StaffRole } from '@closeloop/shared/workflow';
import type { ComponentType } from 'preact';
import { match } from '../lib/router.ts';

/** What every page receives: the address's query parameters and the path's named parts. */
export interface PageProps {
  params: URLSearchParams;
  path: Record<string, string>;
}

export interface RouteDef {
  /** `/responses/:id` style pattern; the first matching line wins. */
  pattern: string;
  /** The browser tab's title. */
  title: string;
  /** Loads the page's module and picks its component. */
  page: () => Promise<ComponentType<PageProps>>;
  /** The role the page needs; `/admin/…` pages need admin. */
  least?: StaffRole;
  /** Shown in the top navigation under this label. */
  nav?: string;
  /** Listed on the Settings page under this label, with `about` below it. */
  settings?: string;
  about?: string;
  /** A path parameter whose change starts a fresh page (no typed input carries over). */
  key?: string;
}

// biome-ignore format: one line per page keeps the table easy to read and to extend
export const routes: RouteDef[] = [
  { pattern: '/overview', title: 'Overview', nav: 'Overview', page: () => import('../features/overview/OverviewPage.tsx').then((m) => m.OverviewPage) },
  { pattern: '/inbox', title: 'Inbox', nav: 'Inbox', page: () => import('../features/queue/QueuePage.tsx').then((m) => m.QueuePage) },
  { pattern: '/quarantine', title: 'Quarantine', nav: 'Quarantine', least: 'agent', page: () => import('../features/quarantine/QuarantinePage.tsx').then((m) => m.QuarantinePage) },
  { pattern: '/responses/:id', title: 'Response', key: 'id', page: () => import('../features/response/ResponsePage.tsx').then((m) => m.ResponsePage) },
  { pattern: '/insights', title: 'Insights', nav: 'Insights', page: () => import('../features/insights/InsightsPage.tsx').then((m) => m.InsightsPage) },
  { pattern: '/admin', title: 'Settings', nav: 'Settings', least: 'admin', page: () => import('../features/admin/SettingsPage.tsx').then((m) => m.SettingsPage) },
  { pattern: '/admin/surveys', title: 'Surveys', settings: 'Surveys', about: 'Questions, targeting and when each survey shows.', least: 'admin', page: () => import('../features/admin/SurveysPage.tsx').then((m) => m.SurveysPage) },
  { pattern: '/admin/surveys/new', title: 'New survey', least: 'admin', page: () => import('../features/admin/SurveyEditor.tsx').then((m) => m.SurveyEditorPage) },
  { pattern: '/admin/surveys/:id', title: 'Edit survey', least: 'admin', key: 'id', page: () => import('../features/admin/SurveyEditor.tsx').then((m) => m.SurveyEditorPage) },
  { pattern: '/admin/install', title: 'Install the widget', settings: 'Install', about: 'The snippet, allowed origins and the widget\'s appearance.', least: 'admin', page: () => import('../features/admin/InstallPage.tsx').then((m) => m.InstallPage) },
  { pattern: '/admin/rules', title: 'Follow-up rules', settings: 'Follow-up rules', about: 'Which answers open a follow-up, for whom and by when.', least: 'admin', page: () => import('../features/admin/RulesPage.tsx').then((m) => m.RulesPage) },
  { pattern: '/admin/users', title: 'Staff', settings: 'Staff', about: 'Who works in the inbox, and their roles.', least: 'admin', page: () => import('../features/admin/UsersPage.tsx').then((m) => m.UsersPage) },
  { pattern: '/admin/keys', title: 'Secret keys', settings: 'Secret keys', about: 'Keys for the REST API, shown once.', least: 'admin', page: () => import('../features/admin/KeysPage.tsx').then((m) => m.KeysPage) },
  { pattern: '/webhooks', title: 'Webhooks', settings: 'Webhooks', about: 'Signed events and Slack messages, with their delivery log.', least: 'admin', page: () => import('../features/webhooks/WebhooksPage.tsx').then((m) => m.WebhooksPage) },
  { pattern: '/webhooks/:id', title: 'Webhook', least: 'admin', key: 'id', page: () => import('../features/webhooks/WebhookPage.tsx').then((m) => m.WebhookPage) },
  { pattern: '/notifications', title: 'Notifications', nav: 'Notifications', page: () => import('../features/notifications/NotificationsPage.tsx').then((m) => m.NotificationsPage) },
  { pattern: '/admin/privacy', title: 'Privacy', settings: 'Privacy', about: 'How long answers keep what identifies a customer.', least: 'admin', page: () => import('../features/privacy/PrivacyPage.tsx').then((m) => m.PrivacyPage) },
  { pattern: '/admin/audit', title: 'Audit log', settings: 'Audit log', about: 'What staff and keys did, and when.', least: 'admin', page: () => import('../features/privacy/AuditPage.tsx').then((m) => m.AuditPage) },
];

/** The route for a path, with its named parts; null when no page is there. */
export function findRoute(path: string): { route: RouteDef; path: Record<string, string> } | null {
  for (const route of routes) {
    const found = match(route.pattern, path);
    if (found) return { route, path: found };
  }
  return null;
}

/** The role a path needs: its route's, and admin for anything under /admin. */
export function roleFor(path: string): StaffRole {
  const route = findRoute(path)?.route;
  if (route?.least) return route.least;
  return path === '/admin' || path.startsWith('/admin/') ? 'admin' : 'viewer';
}

/** The browser tab's title for a route: the page, then the project. */
export function pageTitle(path: string, projectName: string): string {
  return `${findRoute(path)?.route.title ?? 'Not found'} · ${projectName} · Closeloop`;
}

/** Where someone lands after signing in: agents at their queue, everyone else at the overview. */
export function landingPath(role: StaffRole): string {
  return role === 'agent' ? '/inbox' : '/overview';
}
