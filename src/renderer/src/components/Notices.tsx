// Things main must tell the operator once (e.g. a damaged history file set aside).
import type { AppState } from '../../../shared/domain.ts';
import { api, call } from '../data/api.ts';
import { applyState } from '../data/app-data.ts';
import { useAction } from '../data/hooks.ts';

export function Notices({ state }: { state: AppState }) {
  const dismiss = useAction(async (index: number) => applyState(await call(api().app.dismissNotice({ index }))));
  if (state.notices.length === 0) return null;
  return (
    <div className="notices">
      {state.notices.map((notice, index) => (
        <div key={`${index}-${notice}`} className="alert alert--warning alert--row" role="alert">
          <p>{notice}</p>
          <button type="button" className="button button--small" onClick={() => void dismiss.run(index)} disabled={dismiss.busy}>
            Dismiss
          </button>
        </div>
      ))}
    </div>
  );
}
