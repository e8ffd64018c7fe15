// What "Verify history" says for a report from main.
import type { HistoryVerification } from '../../../shared/domain.ts';

export function verificationText(report: HistoryVerification): string {
  const count = `${report.events.toLocaleString()} event${report.events === 1 ? '' : 's'}`;
  if (report.intact) return `History intact: ${count} checked, every one unchanged and in order.`;
  return `History altered outside Understudy: the chain breaks at event ${report.firstBrokenSeq ?? '?'} (${count} checked). Nothing was changed or deleted by this check.`;
}
