// The console shell: first-run flow or the main layout (top bar, navigation, the current screen),
// global shortcuts, and the End all confirmation.
import { useEffect, useRef, useState } from 'react';
import { Announcer } from './components/Announcer.tsx';
import { ConfirmDialog } from './components/ConfirmDialog.tsx';
import { DeepLinkDialog } from './components/DeepLinkDialog.tsx';
import { ErrorMessage } from './components/ErrorMessage.tsx';
import { Notices } from './components/Notices.tsx';
import { OperatorDialog } from './components/OperatorPicker.tsx';
import { SideNav } from './components/SideNav.tsx';
import { EmptyState, Loading } from './components/States.tsx';
import { TopBar } from './components/TopBar.tsx';
import { api, call, hasApi } from './data/api.ts';
import { announce } from './data/announcer.ts';
import { activeProfile, appData, impersonations, loadAppState, reloadImpersonations, startSync } from './data/app-data.ts';
import { deepLink, startDeepLinks } from './data/deep-links.ts';
import { watchImpersonations } from './data/impersonation-notices.ts';
import { useAction, useStore } from './data/hooks.ts';
import { navigate, requestSearchFocus, route } from './data/navigation.ts';
import { shortcutOf } from './data/shortcuts.ts';
import { isLivePhase } from './data/time.ts';
import { ActiveScreen } from './screens/ActiveScreen.tsx';
import { HistoryScreen } from './screens/HistoryScreen.tsx';
import { Onboarding } from './screens/Onboarding.tsx';
import { SettingsScreen } from './screens/SettingsScreen.tsx';
import { UserScreen } from './screens/UserScreen.tsx';
import { UsersScreen } from './screens/UsersScreen.tsx';

export function App() {
  if (!hasApi()) {
    return (
      <main className="fatal">
        <h1>Understudy cannot start here</h1>
        <p>This page is Understudy’s console and only works inside the Understudy app.</p>
      </main>
    );
  }
  return <Console />;
}

function isEditable(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  return target instanceof HTMLInputElement && !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(target.type);
}

function Console() {
  const { state, error } = useStore(appData);
  const current = useStore(route);
  const list = useStore(impersonations);
  const [skippedOnboarding, setSkippedOnboarding] = useState(false);
  const [endAllOpen, setEndAllOpen] = useState(false);
  const [choosingOperator, setChoosingOperator] = useState(false);
  const profile = activeProfile(state);
  const liveCount = list.filter((view) => isLivePhase(view.phase)).length;
  const mainRef = useRef<HTMLElement>(null);

  useEffect(() => startSync(), []);
  useEffect(() => startDeepLinks(), []);
  const link = useStore(deepLink);
  useEffect(() => watchImpersonations(), []);

  const endAll = useAction(async () => {
    await call(api().impersonation.endAll({}));
    setEndAllOpen(false);
    // Each one's outcome (ended, or failed with why) is said as main reports it: impersonation-notices.
    await reloadImpersonations();
  });

  const liveRef = useRef(liveCount);
  liveRef.current = liveCount;
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      const shortcut = shortcutOf(event, isEditable(event.target));
      if (!shortcut) return;
      // A modal dialog owns the keyboard while it is open.
      if (document.querySelector('dialog[open]')) return;
      event.preventDefault();
      switch (shortcut) {
        case 'focus-search':
          requestSearchFocus();
          break;
        case 'end-all':
          if (liveRef.current > 0) setEndAllOpen(true);
          else announce('No impersonation is running.');
          break;
        case 'go-users':
          navigate({ screen: 'users' });
          break;
        case 'go-active':
          navigate({ screen: 'active' });
          break;
        case 'go-history':
          navigate({ screen: 'history' });
          break;
        case 'go-settings':
          navigate({ screen: 'settings' });
          break;
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);

  // Another instance: a user page of the old one makes no sense any more.
  const profileId = profile?.id;
  const previousProfile = useRef(profileId);
  useEffect(() => {
    if (previousProfile.current !== profileId && route.get().screen === 'user') navigate({ screen: 'users' });
    previousProfile.current = profileId;
  }, [profileId]);

  // Screen changes move focus to the new content's heading area for keyboard and screen reader users.
  const screenKey = current.screen === 'user' ? `user:${current.userId}` : current.screen;
  const firstRender = useRef(true);
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    // The search box and the user page place focus themselves.
    if (current.screen === 'users' || current.screen === 'user') return;
    const target = mainRef.current?.querySelector<HTMLElement>('h1');
    if (target) {
      target.tabIndex = -1;
      target.focus({ preventScroll: false });
    }
  }, [screenKey, current.screen]);

  if (!state) {
    return error ? (
      <main className="fatal">
        <ErrorMessage error={error} onRetry={() => void loadAppState()} />
      </main>
    ) : (
      <Loading label="Starting Understudy…" />
    );
  }

  const firstRun = !skippedOnboarding && !state.profiles.some((candidate) => candidate.operator);
  const environment = profile?.production ? 'production' : 'normal';

  return (
    <div className={`app app--${environment}`}>
      <button type="button" className="skip-link" onClick={() => mainRef.current?.focus()}>
        Skip to content
      </button>
      <TopBar state={state} profile={profile} showSwitcher={!firstRun} onChooseOperator={() => setChoosingOperator(true)} />
      {firstRun ? (
        <main ref={mainRef} id="main" tabIndex={-1} className="app__main app__main--onboarding">
          <Notices state={state} />
          <Onboarding state={state} onSkip={() => setSkippedOnboarding(true)} />
        </main>
      ) : (
        <div className="app__body">
          <SideNav route={current} liveCount={liveCount} />
          <main ref={mainRef} id="main" tabIndex={-1} className="app__main">
            <Notices state={state} />
            {renderScreen()}
          </main>
        </div>
      )}
      <Announcer />
      {endAllOpen ? (
        <ConfirmDialog
          title={liveCount === 1 ? 'End the running impersonation?' : `End all ${liveCount} impersonations?`}
          confirmLabel="End all"
          onConfirm={() => void endAll.run()}
          onClose={() => {
            endAll.clearError();
            setEndAllOpen(false);
          }}
          busy={endAll.busy}
          error={endAll.error}
        >
          <p>Every impersonation window closes, its Clerk session is revoked and unused sign-in links are revoked.</p>
        </ConfirmDialog>
      ) : null}
      {link ? <DeepLinkDialog key={`${link.profileId}:${link.userId}:${link.reason}`} link={link} state={state} onClose={() => deepLink.set(null)} /> : null}
      {choosingOperator && profile ? <OperatorDialog profile={profile} onClose={() => setChoosingOperator(false)} /> : null}
    </div>
  );

  function renderScreen() {
    if (!state) return null;
    switch (current.screen) {
      case 'active':
        return <ActiveScreen highlight={current.highlight} onEndAll={() => setEndAllOpen(true)} />;
      case 'history':
        return <HistoryScreen state={state} />;
      case 'settings':
        return <SettingsScreen state={state} />;
      case 'users':
      case 'user':
        if (!profile) {
          return (
            <EmptyState
              title="No instance selected"
              action={
                <button type="button" className="button button--primary" onClick={() => navigate({ screen: 'settings' })}>
                  Open settings
                </button>
              }
            >
              <p>Choose an instance in the switcher above, or add one in Settings.</p>
            </EmptyState>
          );
        }
        return current.screen === 'users' ? <UsersScreen profile={profile} /> : <UserScreen key={current.userId} profile={profile} userId={current.userId} impersonate={current.impersonate} />;
    }
  }
}
