import { api } from '../../core/api';
import { decodeClusterMap, type ClusterMapResponse } from './fleet-compact';
import type { ClusterItem } from './fleet-model';

/**
 * Every cluster in the caller's scope (a province has up to ~10 000), so the map, the list, the counts and
 * the CSV all show the same set and filter instantly. One request to the compact endpoint; it answers with
 * an ETag and `no-cache`, so the browser revalidates and a refresh that changed nothing is a bodiless 304.
 */
export async function loadAllClusters(signal: AbortSignal): Promise<ClusterItem[]> {
  return decodeClusterMap(await api.get<ClusterMapResponse>('/clusters/map', undefined, signal));
}

/** Saves text made in the browser (the CSV of what the page shows) as a file. */
export function saveText(name: string, text: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
