/** The API's LiveSessionView, as the console reads it. */
export interface LiveSession {
  id: string;
  title: string;
  status: 'waiting' | 'live' | 'ended' | 'failed';
  failureReason: string | null;
  priority: string;
  volume: number | null;
  clusterCount: number;
  sourceConnected: boolean;
  listeners: number;
  peakListeners: number;
  broadcastId: string | null;
  recordingAssetId: string | null;
  recordingError: string | null;
  createdBy: string;
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
}

/**
 * The priority a live broadcast goes out with: the highest an ordinary broadcast of this scope may use (a
 * commune speaks at commune level, a district over its communes…); emergency is chosen explicitly.
 */
export function livePriority(level: string | undefined): 'province' | 'district' | 'commune' {
  if (level === 'commune' || level === 'village') return 'commune';
  if (level === 'district') return 'district';
  return 'province';
}
