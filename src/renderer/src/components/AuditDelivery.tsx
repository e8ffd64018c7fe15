// Settings › Audit delivery: where the organisation's policy ships the history, what is still
// queued on this computer, the last delivery and the last error, live (main sends `audit:changed`).
// Shown only when the policy names sinks.
import type { AuditSinkStatus, AuditStatus } from '../../../shared/domain.ts';
import { api, call } from '../data/api.ts';
import { useNow, useResource } from '../data/hooks.ts';
import { formatDateTime, formatRelative } from '../data/time.ts';
import { Badge } from './Badges.tsx';
import { ErrorMessage } from './ErrorMessage.tsx';

const KIND_LABEL: Record<AuditSinkStatus['kind'], string> = { 'otlp-http': 'OpenTelemetry collector (OTLP/HTTP)', webhook: 'Signed webhook' };

export function AuditDeliverySection() {
  const status = useResource<AuditStatus>('audit', () => call(api().audit.status({})), ['audit:changed']);
  if (status.error && !status.value) {
    return (
      <section className="panel" aria-labelledby="audit-title">
        <AuditHeader />
        <ErrorMessage error={status.error} onRetry={status.reload} compact />
      </section>
    );
  }
  const value = status.value;
  if (!value || value.sinks.length === 0) return null;
  return (
    <section className="panel" aria-labelledby="audit-title" data-testid="audit-delivery">
      <AuditHeader />
      <p className="panel__subtitle">
        {value.delivery === 'required'
          ? 'Set by your organisation: every history event goes to these audit logs, and no impersonation starts while one cannot be reached.'
          : 'Set by your organisation: every history event goes to these audit logs. Events wait on this computer until each log confirms them.'}
      </p>
      {value.blocking ? (
        <p className="audit__blocking" role="status">
          {value.blocking}
        </p>
      ) : null}
      <ul className="audit__sinks">
        {value.sinks.map((sink) => (
          <SinkItem key={sink.id} sink={sink} />
        ))}
      </ul>
    </section>
  );
}

function AuditHeader() {
  return (
    <header className="panel__header">
      <h2 id="audit-title" className="panel__title">
        Audit delivery
      </h2>
    </header>
  );
}

function SinkItem({ sink }: { sink: AuditSinkStatus }) {
  const now = useNow();
  const failing = sink.failingSince !== null;
  return (
    <li className="card card--inset audit__sink" aria-label={`${KIND_LABEL[sink.kind]} ${sink.target}`}>
      <div className="audit__sink-head">
        <h3 className="card__title">{KIND_LABEL[sink.kind]}</h3>
        {failing ? <Badge tone="danger">Not delivering</Badge> : sink.queued > 0 ? <Badge tone="warning">Delivering</Badge> : <Badge tone="success">Up to date</Badge>}
      </div>
      <p className="mono audit__target">{sink.target}</p>
      <dl className="facts">
        <div>
          <dt>Queued</dt>
          <dd data-testid="audit-queued">
            {sink.queued} event{sink.queued === 1 ? '' : 's'}
            {sink.oldestQueuedAt !== null ? <span className="muted"> (oldest {formatRelative(sink.oldestQueuedAt, now)})</span> : null}
          </dd>
        </div>
        <div>
          <dt>Last delivery</dt>
          <dd data-testid="audit-last-delivery" title={sink.lastDeliveryAt !== null ? formatDateTime(sink.lastDeliveryAt) : undefined}>
            {formatRelative(sink.lastDeliveryAt, now)}
          </dd>
        </div>
        <div>
          <dt>Last error</dt>
          <dd data-testid="audit-last-error">
            {sink.lastError ?? <span className="muted">None</span>}
            {failing && sink.nextAttemptAt !== null ? <span className="muted"> Next attempt {formatRelative(sink.nextAttemptAt, now)}.</span> : null}
          </dd>
        </div>
      </dl>
    </li>
  );
}
