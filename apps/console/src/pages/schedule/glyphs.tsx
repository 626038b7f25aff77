import type { JSX } from 'preact';

/** The schedule page's own line glyphs (decorative: the text beside them says the same). */
const PATHS = {
  conflict: 'M12 3l10 18H2L12 3zM12 10v5M12 18v.5',
  preempted: 'M12 4v11M7 10l5 5 5-5M5 20h14',
  preempts: 'M13 2L4 14h7l-1 8 9-12h-7l1-8z',
  disabled: 'M9 5v14M15 5v14',
  ready: 'M5 12.5l4.5 4.5L19 7',
  pending: 'M12 7v5l3 2M12 21a9 9 0 110-18 9 9 0 010 18z',
  failed: 'M6 6l12 12M18 6L6 18',
  skipped: 'M5 19L19 5M12 21a9 9 0 110-18 9 9 0 010 18z',
  playing: 'M7 5l12 7-12 7V5z',
  prev: 'M15 6l-6 6 6 6',
  next: 'M9 6l6 6-6 6',
  plus: 'M12 5v14M5 12h14',
} as const;

export type GlyphName = keyof typeof PATHS;

export function Glyph(props: { name: GlyphName; size?: number } & JSX.SVGAttributes<SVGSVGElement>) {
  const { name, size = 14, ...rest } = props;
  return (
    <svg
      {...rest}
      class={`sched-glyph ${(rest.class as string) ?? ''}`}
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      stroke-width="2.2"
      stroke-linecap="round"
      stroke-linejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      <path d={PATHS[name]} />
    </svg>
  );
}
