// Outcomes announced politely and shown briefly at the bottom corner.
import { announcements, dismissAnnouncement } from '../data/announcer.ts';
import { useStore } from '../data/hooks.ts';

export function Announcer() {
  const list = useStore(announcements);
  return (
    <div className="toasts" role="status" aria-live="polite">
      {list.map((item) => (
        <div key={item.id} className={`toast toast--${item.tone}`}>
          <span>{item.message}</span>
          <button type="button" className="icon-button" aria-label="Dismiss message" onClick={() => dismissAnnouncement(item.id)}>
            <span aria-hidden="true">×</span>
          </button>
        </div>
      ))}
    </div>
  );
}
