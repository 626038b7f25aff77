import { Injectable } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import type { AlertResolution, AlertSeverity, AlertState } from '@loa-xa/persistence';

/** An alert as the API, the SSE stream, webhooks and email show it. */
export interface AlertView {
  id: string;
  clusterId: string;
  clusterCode: string;
  clusterName: string;
  communeId: string;
  communeName: string;
  /** Materialised path of the commune (scope checks, grouping by unit). */
  unitPath: string;
  villageId: string | null;
  villageName: string | null;
  /** Health rule id (libs/health RULE_IDS). */
  rule: string;
  severity: AlertSeverity;
  state: AlertState;
  /** When the condition began (ISO 8601). */
  since: string;
  openedAt: string;
  detail: string | null;
  value: Record<string, unknown> | null;
  flapping: boolean;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  ackNote: string | null;
  clearedAt: string | null;
  resolvedAt: string | null;
  resolution: AlertResolution | null;
  resolvedBy: string | null;
  updatedAt: string;
}

/**
 * opened: a new alert; acknowledged: someone took it; resolved: its condition cleared (or a person closed
 * it); updated: severity, detail or flapping changed while open.
 */
export const ALERT_CHANGE_KINDS = ['opened', 'acknowledged', 'resolved', 'updated'] as const;
export type AlertChangeKind = (typeof ALERT_CHANGE_KINDS)[number];

export interface AlertChange {
  /** Increases by one per change in this process (SSE event ids, Last-Event-ID replay). */
  seq: number;
  kind: AlertChangeKind;
  at: string;
  alert: AlertView;
}

/**
 * Every alert change after it is stored, in order. The SSE stream and the notifiers (webhooks, email)
 * listen here; nothing on this bus may throw back into the health engine.
 */
@Injectable()
export class AlertBus extends EventEmitter {
  private seq = 0;

  publish(kind: AlertChangeKind, alert: AlertView, at: Date = new Date()): AlertChange {
    const change: AlertChange = { seq: ++this.seq, kind, at: at.toISOString(), alert };
    this.emit('change', change);
    return change;
  }

  onChange(listener: (change: AlertChange) => void): () => void {
    this.on('change', listener);
    return () => this.off('change', listener);
  }
}
