import { apiUrl, ApiError, type FieldError } from '../../core/api';

/**
 * Sends one file to POST /api/v1/media with XMLHttpRequest: fetch() cannot report upload progress.
 * Resolves with the accepted asset (status `processing`); rejects with ApiError (status 0: no network).
 */
export function uploadMedia<T>(
  file: File,
  options: { title?: string; unitId?: string; onProgress: (loaded: number, total: number) => void },
): { promise: Promise<T>; abort: () => void } {
  const xhr = new XMLHttpRequest();
  const promise = new Promise<T>((resolve, reject) => {
    xhr.open('POST', apiUrl('/media'));
    xhr.setRequestHeader('accept', 'application/json');
    xhr.withCredentials = true;
    xhr.responseType = 'text';
    xhr.upload.onprogress = (e) => options.onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        /* not JSON */
      }
      if (xhr.status >= 200 && xhr.status < 300) return resolve(body as T);
      const b = (body ?? {}) as { message?: unknown; errors?: unknown };
      const message = typeof b.message === 'string' ? b.message : `${xhr.status} ${xhr.statusText}`;
      const fields = Array.isArray(b.errors) ? (b.errors as FieldError[]) : [];
      reject(new ApiError(xhr.status, message, fields, body));
    };
    xhr.onerror = () => reject(new ApiError(0, 'network error'));
    xhr.onabort = () => reject(new ApiError(0, 'aborted'));
    const form = new FormData();
    // Text fields first: the server reads the multipart stream in order.
    if (options.title) form.append('title', options.title);
    if (options.unitId) form.append('unitId', options.unitId);
    form.append('file', file, file.name);
    xhr.send(form);
  });
  return { promise, abort: () => xhr.abort() };
}
