import { useEffect, useRef, useState } from 'preact/hooks';
import { defineMessages, formatNumber, useT } from '../core/i18n';
import {
  downsample,
  linePath,
  linearScale,
  nearest,
  timeTicks,
  typicalStep,
  valueDomain,
  type Point,
} from './line-chart-scale';

export type { Point } from './line-chart-scale';

const messages = defineMessages({
  vi: {
    summary: '{label}: mới nhất {last}, thấp nhất {min}, cao nhất {max} ({n} lần đo)',
    empty: '{label}: chưa có số liệu trong khoảng thời gian này',
  },
  en: {
    summary: '{label}: latest {last}, lowest {min}, highest {max} ({n} readings)',
    empty: '{label}: no data in this period',
  },
});

const PAD = { top: 10, right: 12, bottom: 24, left: 44 };
const MAX_POINTS = 600;

/**
 * A small SVG time-series chart: one line, round ticks, gaps where data stopped (the device was offline),
 * the value under the pointer. For screen readers it is one image described by latest / lowest / highest.
 */
export function LineChart(props: {
  label: string;
  unit?: string;
  points: readonly Point[];
  from: number;
  to: number;
  /** Fixed bounds of the value axis (e.g. 0–100 for a percentage). */
  min?: number;
  max?: number;
  digits?: number;
  height?: number;
  color?: string;
  formatTime: (t: number) => string;
  /** Offset of the display time zone from UTC, ms (ticks fall on round local hours). */
  zoneOffsetMs?: number;
}) {
  const t = useT(messages);
  const wrap = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(560);
  const [hover, setHover] = useState<Point | null>(null);
  useEffect(() => {
    const el = wrap.current;
    if (!el) return;
    const observer = new ResizeObserver(([entry]) =>
      setWidth(Math.max(220, Math.floor(entry.contentRect.width))),
    );
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const height = props.height ?? 150;
  const digits = props.digits ?? 0;
  const unit = props.unit ? ` ${props.unit}` : '';
  const show = (v: number) => `${formatNumber(v, digits)}${unit}`;
  const points = downsample(props.points, MAX_POINTS);
  const values = points.map((p) => p.v);
  const { domain, ticks } = valueDomain(values, { min: props.min, max: props.max });
  const x = linearScale([props.from, props.to], [PAD.left, width - PAD.right]);
  const y = linearScale(domain, [height - PAD.bottom, PAD.top]);
  const step = typicalStep(props.points);
  const path = linePath(points, x, y, step > 0 ? Math.max(step * 3, 5 * 60_000) : Infinity);
  const color = props.color ?? '#0b5c8c';
  const last = props.points[props.points.length - 1];
  const summary =
    props.points.length === 0
      ? t('empty', { label: props.label })
      : t('summary', {
          label: props.label,
          last: show(last.v),
          min: show(Math.min(...props.points.map((p) => p.v))),
          max: show(Math.max(...props.points.map((p) => p.v))),
          n: props.points.length,
        });

  function onPointer(event: PointerEvent) {
    const svg = event.currentTarget as SVGSVGElement;
    const box = svg.getBoundingClientRect();
    const px = ((event.clientX - box.left) / box.width) * width;
    const time = props.from + ((px - PAD.left) / (width - PAD.left - PAD.right)) * (props.to - props.from);
    setHover(nearest(points, time));
  }

  return (
    <figure class="line-chart">
      <figcaption>
        <span class="line-chart-label">{props.label}</span>
        <span class="line-chart-value">{hover ? show(hover.v) : last ? show(last.v) : '—'}</span>
        {hover ? <span class="muted line-chart-at">{props.formatTime(hover.t)}</span> : null}
      </figcaption>
      <div ref={wrap}>
        <svg
          width={width}
          height={height}
          viewBox={`0 0 ${width} ${height}`}
          role="img"
          aria-label={summary}
          onPointerMove={onPointer}
          onPointerLeave={() => setHover(null)}
        >
          {ticks.map((v) => (
            <g key={`y${v}`}>
              <line x1={PAD.left} x2={width - PAD.right} y1={y(v)} y2={y(v)} stroke="#e3e9ee" />
              <text x={PAD.left - 6} y={y(v) + 4} text-anchor="end" font-size="11" fill="#5b6b7a">
                {formatNumber(v, 1)}
              </text>
            </g>
          ))}
          {timeTicks(props.from, props.to, width < 420 ? 3 : 5, props.zoneOffsetMs ?? 0).map((tick) => (
            <text
              key={`x${tick}`}
              x={x(tick)}
              y={height - 6}
              text-anchor="middle"
              font-size="11"
              fill="#5b6b7a"
            >
              {props.formatTime(tick)}
            </text>
          ))}
          <path d={path} fill="none" stroke={color} stroke-width="2" stroke-linejoin="round" />
          {points.length === 1 ? <circle cx={x(points[0].t)} cy={y(points[0].v)} r="3" fill={color} /> : null}
          {hover ? (
            <g>
              <line x1={x(hover.t)} x2={x(hover.t)} y1={PAD.top} y2={height - PAD.bottom} stroke="#9aa8b5" />
              <circle cx={x(hover.t)} cy={y(hover.v)} r="4" fill={color} stroke="#fff" stroke-width="1.5" />
            </g>
          ) : null}
        </svg>
      </div>
    </figure>
  );
}
