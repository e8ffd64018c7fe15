// "Verify history": asks main to walk the history's hash chain and says what it found, in words.
import { useState } from 'react';
import type { HistoryVerification } from '../../../shared/domain.ts';
import { api, call } from '../data/api.ts';
import { useAction } from '../data/hooks.ts';
import { verificationText } from '../data/verification.ts';
import { ErrorMessage } from './ErrorMessage.tsx';
import { Spinner } from './States.tsx';


export function VerifyHistory() {
  const [report, setReport] = useState<HistoryVerification | null>(null);
  const verify = useAction(async () => setReport(await call(api().ledger.verify({}))));
  return (
    <div className="verify-history">
      <button type="button" className="button" onClick={() => void verify.run()} disabled={verify.busy}>
        Verify history
      </button>
      <div role="status">
        {verify.busy ? <Spinner label="Verifying…" /> : report ? <p className={report.intact ? 'verify-history__ok' : 'verify-history__broken'}>{verificationText(report)}</p> : null}
        {report && !report.intact ? (
          <ul className="verify-history__problems">
            {report.problems.map((problem) => (
              <li key={problem}>{problem}</li>
            ))}
          </ul>
        ) : null}
      </div>
      {verify.error ? <ErrorMessage error={verify.error} compact /> : null}
    </div>
  );
}
