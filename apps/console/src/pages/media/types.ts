import type { MediaStatus } from './media-format';

/** The API's MediaAssetView, as the console reads it. */
export interface MediaAsset {
  id: string;
  title: string;
  unitId: string;
  unit: { id: string; name: string; level: string; type: string | null };
  editable: boolean;
  origin: 'upload' | 'live';
  status: MediaStatus;
  progress: number;
  failureReason: string | null;
  originalName: string | null;
  sourceSize: number;
  probe: { format: string; codec: string; channels: number; sampleRate: number; durationMs: number };
  durationMs: number;
  loudness: {
    inputI: number | null;
    inputTp: number | null;
    targetI: number;
    targetTp: number;
    normalised: boolean;
  } | null;
  renditions: { id: string; profile: string; codec: string; bitrateKbps: number; size: number }[];
  createdBy: string;
  createdAt: string;
}

/** Where the preview player (and a browser download) gets a ready asset: the session cookie authorises. */
export const mediaFileUrl = (id: string) => `/api/v1/media/${encodeURIComponent(id)}/file`;
