/** An audit entry as GET /api/v1/audit returns it. */
export interface AuditEntry {
  id: string;
  at: string;
  actorKind: 'user' | 'api_key' | 'system' | 'anonymous';
  actorId: string | null;
  actorName: string;
  ip: string | null;
  requestId: string | null;
  action: string;
  objectType: string;
  objectId: string | null;
  changes: Record<string, { before: unknown; after: unknown }> | null;
  detail: Record<string, unknown> | null;
}
