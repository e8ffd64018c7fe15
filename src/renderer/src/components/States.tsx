// Loading and empty states that hold their place, so content arriving does not push things around.
import type { ReactNode } from 'react';

export function Spinner({ label }: { label?: string }) {
  return (
    <span className="spinner-wrap">
      <span className="spinner" aria-hidden="true" />
      {label ? <span className="spinner__label">{label}</span> : null}
    </span>
  );
}

export function SkeletonRows({ rows, className = 'skeleton-row' }: { rows: number; className?: string }) {
  return (
    <div aria-hidden="true" className="skeleton">
      {Array.from({ length: rows }, (_, index) => (
        <div key={index} className={className}>
          <span className="skeleton__circle" />
          <span className="skeleton__lines">
            <span className="skeleton__line skeleton__line--wide" />
            <span className="skeleton__line" />
          </span>
        </div>
      ))}
    </div>
  );
}

export function EmptyState({ title, children, action }: { title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="empty">
      <p className="empty__title">{title}</p>
      {children ? <div className="empty__text">{children}</div> : null}
      {action ? <div className="empty__action">{action}</div> : null}
    </div>
  );
}

export function Loading({ label }: { label: string }) {
  return (
    <div className="loading" role="status">
      <Spinner label={label} />
    </div>
  );
}
