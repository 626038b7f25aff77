import type { JSX } from 'preact';

/**
 * Line icons drawn here (24×24, stroke = currentColor) rather than emoji, which many Android phones and
 * Linux desktops render as empty boxes. Decorative: always aria-hidden, the text beside them says it.
 */
const PATHS = {
  overview: 'M3 12l9-8 9 8M5 10v10h5v-6h4v6h5V10',
  speaker: 'M3 10v4h4l5 4V6L7 10H3zM16 8.5a5 5 0 010 7M19 6a9 9 0 010 12',
  music: 'M9 18V5l12-2v13M9 18a3 3 0 11-6 0 3 3 0 016 0zM21 16a3 3 0 11-6 0 3 3 0 016 0z',
  calendar: 'M4 5h16v15H4zM4 10h16M9 3v4M15 3v4',
  mic: 'M12 3a3 3 0 00-3 3v6a3 3 0 006 0V6a3 3 0 00-3-3zM5 11a7 7 0 0014 0M12 18v3M8 21h8',
  siren: 'M6 18v-6a6 6 0 0112 0v6M4 18h16v3H4zM12 2v2M3.5 6l1.5 1.5M20.5 6L19 7.5',
  alert: 'M12 3l10 18H2L12 3zM12 10v5M12 18v.5',
  wrench: 'M14.7 6.3a4 4 0 00-5.4 5.4L3 18l3 3 6.3-6.3a4 4 0 005.4-5.4l-2.5 2.5-2.5-.5-.5-2.5 2.5-2.5z',
  chart: 'M4 20V10M10 20V4M16 20v-7M22 20H2',
  log: 'M6 3h9l4 4v14H6zM9 9h6M9 13h6M9 17h4',
  users: 'M9 11a4 4 0 100-8 4 4 0 000 8zM2 21a7 7 0 0114 0M17 11a3 3 0 100-6M22 21a6 6 0 00-4-5.6',
  key: 'M15 7a4 4 0 11-3.9 5H3v3h3v3h3v-3h2.1A4 4 0 0115 7z',
  radio: 'M4 8h16v12H4zM7 8l10-5M8 14a2 2 0 104 0 2 2 0 00-4 0M15 12h2M15 16h2',
  sliders: 'M4 6h10M18 6h2M4 12h4M12 12h8M4 18h12M20 18h0M14 4v4M8 10v4M16 16v4',
  menu: 'M4 6h16M4 12h16M4 18h16',
  close: 'M6 6l12 12M18 6L6 18',
} as const;

export type IconName = keyof typeof PATHS;

export function Icon(props: { name: IconName; size?: number } & JSX.SVGAttributes<SVGSVGElement>) {
  const { name, size = 20, ...rest } = props;
  return (
    <svg
      {...rest}
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      stroke-width="1.8"
      stroke-linecap="round"
      stroke-linejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      <path d={PATHS[name]} />
    </svg>
  );
}
