import { useEffect, useRef, useState } from 'preact/hooks';
import { useT } from '../../core/i18n';
import { messages } from './messages';
import type { Microphone } from './mic-stream';

/** Seconds of near silence before the operator is told the microphone hears nothing. */
const SILENT_AFTER_MS = 4000;
const SILENT_BELOW = 8;

/**
 * The microphone's input level as a bar, drawn every animation frame without re-rendering the page; the
 * accessible value is updated a few times a second.
 */
export function LevelMeter(props: { mic: Microphone }) {
  const t = useT(messages);
  const bar = useRef<HTMLDivElement>(null);
  const meter = useRef<HTMLDivElement>(null);
  const [silent, setSilent] = useState(false);
  useEffect(() => {
    let frame = 0;
    let lastAria = 0;
    let loudAt = performance.now();
    let peak = 0;
    const draw = (now: number) => {
      const level = props.mic.level();
      // Fast attack, slow release: easier to read than the raw level.
      peak = level > peak ? level : Math.max(level, peak - 1.5);
      if (bar.current) bar.current.style.width = `${peak}%`;
      if (level >= SILENT_BELOW) loudAt = now;
      if (now - lastAria > 250) {
        lastAria = now;
        meter.current?.setAttribute('aria-valuenow', String(Math.round(peak)));
        setSilent(now - loudAt > SILENT_AFTER_MS);
      }
      frame = requestAnimationFrame(draw);
    };
    frame = requestAnimationFrame(draw);
    return () => cancelAnimationFrame(frame);
  }, [props.mic]);
  return (
    <div class="live-meter-wrap">
      <span class="live-meter-label">{t('micLevel')}</span>
      <div
        ref={meter}
        class="live-meter"
        role="meter"
        aria-label={t('micLevel')}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={0}
      >
        <div ref={bar} class="live-meter-bar" />
      </div>
      {silent ? <p class="notice notice-warn live-silent">{t('micSilent')}</p> : null}
    </div>
  );
}
