/** A server-sent-events client for tests: collects events from a streaming fetch until closed. */
export interface SseEvent {
  id?: string;
  event?: string;
  data: string;
}

export function followSse(url: string, headers: Record<string, string>) {
  const events: SseEvent[] = [];
  const controller = new AbortController();
  const opened = fetch(url, {
    headers: { accept: 'text/event-stream', ...headers },
    signal: controller.signal,
  });
  const done = (async () => {
    const res = await opened;
    if (!res.ok || !res.body) throw new Error(`SSE ${res.status}`);
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event: SseEvent = { data: '' };
          for (const line of block.split('\n')) {
            const colon = line.indexOf(':');
            if (colon <= 0) continue;
            const field = line.slice(0, colon);
            const value = line.slice(colon + 1).replace(/^ /, '');
            if (field === 'data') event.data += value;
            else if (field === 'id') event.id = value;
            else if (field === 'event') event.event = value;
          }
          events.push(event);
        }
      }
    } catch (err) {
      if ((err as Error).name !== 'AbortError') throw err;
    }
  })();
  return {
    events,
    status: opened.then((r) => r.status),
    close: async () => {
      controller.abort();
      await done.catch(() => undefined);
    },
  };
}
