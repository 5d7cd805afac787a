import { roleAtLeast } from '@closeloop/shared/workflow';
import { routes } from '../../app/routes.ts';
import { useSession } from '../../lib/session.ts';

/** The project's settings pages in one place, so the top navigation stays short on a phone. */
export function SettingsPage() {
  const session = useSession();
  const role = session.user.role;
  const pages = routes.filter((route) => route.settings && roleAtLeast(role, route.least ?? 'viewer'));
  return (
    <div class="page">
      <h1>Settings</h1>
      <ul class="settings-list">
        {pages.map((route) => (
          <li key={route.pattern}>
            <a href={`#${route.pattern}`}>{route.settings}</a>
            <p>{route.about}</p>
          </li>
        ))}
      </ul>
    </div>
  );
}
