import { api, type Page } from '../../core/api';
import type { ClusterItem } from './fleet-model';

const PAGE = 500; // the API's largest page
const PARALLEL = 4;

/**
 * Every cluster in the caller's scope (a province has up to ~10 000: 20 pages), so the map, the list,
 * the counts and the CSV all show the same set and filter instantly.
 */
export async function loadAllClusters(signal: AbortSignal): Promise<ClusterItem[]> {
  const first = await api.get<Page<ClusterItem>>('/clusters', { pageSize: PAGE, page: 1 }, signal);
  const pages = Math.ceil(first.total / PAGE);
  const rest: ClusterItem[][] = [];
  for (let next = 2; next <= pages; next += PARALLEL) {
    const batch = [];
    for (let p = next; p < next + PARALLEL && p <= pages; p++)
      batch.push(api.get<Page<ClusterItem>>('/clusters', { pageSize: PAGE, page: p }, signal));
    rest.push(...(await Promise.all(batch)).map((page) => page.items));
  }
  return [...first.items, ...rest.flat()];
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
