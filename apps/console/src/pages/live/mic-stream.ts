import { levelPercent, pickRecorderType } from './rollout';

export type MicErrorKind = 'noApi' | 'denied' | 'missing' | 'busy' | 'noRecorder' | 'other';

export class MicError extends Error {
  constructor(
    readonly kind: MicErrorKind,
    message: string = kind,
  ) {
    super(message);
  }
}

/** The microphone, opened once for a broadcast, with a level meter (Web Audio analyser). */
export class Microphone {
  private readonly samples: Float32Array<ArrayBuffer>;

  private constructor(
    readonly stream: MediaStream,
    private readonly context: AudioContext | null,
    private readonly analyser: AnalyserNode | null,
  ) {
    this.samples = new Float32Array(analyser?.fftSize ?? 0);
  }

  /** Asks for the microphone; MicError says why it could not be had. */
  static async open(): Promise<Microphone> {
    if (!navigator.mediaDevices?.getUserMedia) throw new MicError('noApi');
    if (typeof MediaRecorder === 'undefined' || !pickRecorderType((t) => MediaRecorder.isTypeSupported(t)))
      throw new MicError('noRecorder');
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
      });
    } catch (err) {
      const name = err instanceof DOMException ? err.name : '';
      if (name === 'NotAllowedError' || name === 'SecurityError') throw new MicError('denied');
      if (name === 'NotFoundError' || name === 'OverconstrainedError') throw new MicError('missing');
      if (name === 'NotReadableError' || name === 'AbortError') throw new MicError('busy');
      throw new MicError('other', err instanceof Error ? err.message : String(err));
    }
    let context: AudioContext | null = null;
    let analyser: AnalyserNode | null = null;
    try {
      context = new AudioContext();
      analyser = context.createAnalyser();
      analyser.fftSize = 1024;
      context.createMediaStreamSource(stream).connect(analyser);
      // Created after an await: some browsers start it suspended although the user clicked.
      void context.resume().catch(() => undefined);
    } catch {
      // No meter is no reason not to broadcast.
      context = null;
      analyser = null;
    }
    return new Microphone(stream, context, analyser);
  }

  /** Input level now, 0–100 (−60…0 dBFS). */
  level(): number {
    if (!this.analyser) return 0;
    this.analyser.getFloatTimeDomainData(this.samples);
    return levelPercent(this.samples);
  }

  close(): void {
    for (const track of this.stream.getTracks()) track.stop();
    void this.context?.close().catch(() => undefined);
  }
}

/** `ended`: the server closed the socket on purpose (session stopped, or it could not use the audio). */
export type SenderState = 'connecting' | 'sending' | 'reconnecting' | 'lost' | 'refused' | 'ended' | 'closed';

/** How long the server keeps a session whose source dropped (RESUME_GRACE_MS is 5 s): retry within it. */
const RETRY_DELAYS_MS = [500, 1200, 2000];
const TIMESLICE_MS = 250;

/**
 * Sends the microphone to a live session: MediaRecorder (Opus in WebM, or Ogg on Firefox) chunks as binary
 * WebSocket messages. A dropped socket is reopened with a new recorder (a new stream header) a few times
 * within the server's grace period.
 */
export class LiveSender {
  private ws: WebSocket | null = null;
  private recorder: MediaRecorder | null = null;
  private stopping = false;
  private attempts = 0;
  private everOpened = false;
  private readonly format: NonNullable<ReturnType<typeof pickRecorderType>>;

  constructor(
    private readonly sessionId: string,
    private readonly password: string,
    private readonly stream: MediaStream,
    private readonly onState: (state: SenderState) => void,
  ) {
    const format = pickRecorderType((t) => MediaRecorder.isTypeSupported(t));
    if (!format) throw new MicError('noRecorder');
    this.format = format;
  }

  start(): void {
    this.onState('connecting');
    this.connect();
  }

  /** Ends sending: the recorder flushes its last chunk, then the socket closes. */
  stop(): void {
    this.stopping = true;
    const recorder = this.recorder;
    const ws = this.ws;
    if (recorder && recorder.state !== 'inactive') {
      recorder.onstop = () => ws?.close(1000, 'stopped');
      recorder.stop();
    } else ws?.close(1000, 'stopped');
    this.onState('closed');
  }

  private url(): string {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const query = new URLSearchParams({ type: this.format.wsType, password: this.password });
    // Same origin as the page (connect-src 'self'), whatever PUBLIC_BASE_URL the server advertises.
    return `${scheme}//${location.host}/api/v1/live/${encodeURIComponent(this.sessionId)}/ws?${query}`;
  }

  private connect(): void {
    const ws = new WebSocket(this.url());
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    ws.onopen = () => {
      if (this.stopping) return ws.close(1000, 'stopped');
      this.everOpened = true;
      this.attempts = 0;
      this.record(ws);
      this.onState('sending');
    };
    ws.onclose = (event) => {
      if (this.ws !== ws) return;
      this.stopRecorder();
      if (this.stopping) return;
      if (!this.everOpened) return this.onState('refused');
      // A normal closure comes from the server itself: reconnecting would only be refused.
      if (event.code === 1000) return this.onState('ended');
      if (this.attempts >= RETRY_DELAYS_MS.length) return this.onState('lost');
      this.onState('reconnecting');
      const delay = RETRY_DELAYS_MS[this.attempts++];
      setTimeout(() => {
        if (!this.stopping) this.connect();
      }, delay);
    };
  }

  private record(ws: WebSocket): void {
    const recorder = new MediaRecorder(this.stream, {
      mimeType: this.format.mimeType,
      audioBitsPerSecond: 48_000,
    });
    recorder.ondataavailable = (e) => {
      if (e.data.size > 0 && ws.readyState === WebSocket.OPEN) ws.send(e.data);
    };
    this.recorder = recorder;
    recorder.start(TIMESLICE_MS);
  }

  private stopRecorder(): void {
    const recorder = this.recorder;
    this.recorder = null;
    if (recorder && recorder.state !== 'inactive') {
      recorder.ondataavailable = null;
      recorder.stop();
    }
  }
}
