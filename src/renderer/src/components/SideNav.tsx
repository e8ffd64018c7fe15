// The main navigation. Ctrl/Cmd+1…4 jump to the same places.
import type { Route } from '../data/navigation.ts';
import { navigate } from '../data/navigation.ts';

const ITEMS = [
  { screen: 'users', label: 'Users', key: '1' },
  { screen: 'active', label: 'Active', key: '2' },
  { screen: 'history', label: 'Token history', key: '3' },
  { screen: 'settings', label: 'Settings', key: '4' },
] as const;

export function SideNav({ route, liveCount }: { route: Route; liveCount: number }) {
  const current = route.screen === 'user' ? 'users' : route.screen;
  return (
    <nav className="sidenav" aria-label="Main">
      <ul className="sidenav__list">
        {ITEMS.map((item) => (
          <li key={item.screen}>
            <button
              type="button"
              className="sidenav__item"
              aria-current={current === item.screen ? 'page' : undefined}
              aria-keyshortcuts={`Control+${item.key} Meta+${item.key}`}
              onClick={() => navigate({ screen: item.screen })}
            >
              <span className="sidenav__label">{item.label}</span>
              {item.screen === 'active' && liveCount > 0 ? (
                <span className="sidenav__count" aria-label={`${liveCount} running`}>
                  {liveCount}
                </span>
              ) : null}
            </button>
          </li>
        ))}
      </ul>
      <dl className="sidenav__shortcuts" aria-label="Keyboard shortcuts">
        <div>
          <dt>
            <kbd>/</kbd> <kbd>Ctrl K</kbd>
          </dt>
          <dd>Search</dd>
        </div>
        <div>
          <dt>
            <kbd>Ctrl 1–4</kbd>
          </dt>
          <dd>Screens</dd>
        </div>
        <div>
          <dt>
            <kbd>Ctrl ⇧ E</kbd>
          </dt>
          <dd>End all</dd>
        </div>
      </dl>
    </nav>
  );
}
