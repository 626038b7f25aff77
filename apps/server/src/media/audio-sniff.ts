/*
 * A first look at the bytes of an upload, before ffprobe: recognises the things people upload by mistake
 * (images, documents, archives, text) so the refusal can say what the file is, and keeps ffmpeg away from
 * text formats (playlists, concat scripts) that make it open other files.
 */

export type Sniffed =
  { kind: 'audio'; format: string } | { kind: 'not-audio'; what: string } | { kind: 'unknown' };

/** How many leading bytes sniff() wants. */
export const SNIFF_BYTES = 64;

const ascii = (head: Buffer, offset: number, text: string) =>
  head.length >= offset + text.length && head.toString('latin1', offset, offset + text.length) === text;
const bytes = (head: Buffer, offset: number, values: number[]) =>
  head.length >= offset + values.length && values.every((v, i) => head[offset + i] === v);

const NOT_AUDIO: [string, (head: Buffer) => boolean][] = [
  ['a PNG image', (h) => bytes(h, 0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])],
  ['a JPEG image', (h) => bytes(h, 0, [0xff, 0xd8, 0xff])],
  ['a GIF image', (h) => ascii(h, 0, 'GIF87a') || ascii(h, 0, 'GIF89a')],
  ['a WebP image', (h) => ascii(h, 0, 'RIFF') && ascii(h, 8, 'WEBP')],
  ['a BMP image', (h) => ascii(h, 0, 'BM') && h.length >= 26 && h.readUInt32LE(2) > 26],
  ['a TIFF image', (h) => ascii(h, 0, 'II*\u0000') || ascii(h, 0, 'MM\u0000*')],
  ['a PDF document', (h) => ascii(h, 0, '%PDF-')],
  ['a ZIP archive (or an Office document)', (h) => bytes(h, 0, [0x50, 0x4b, 0x03, 0x04])],
  ['a RAR archive', (h) => ascii(h, 0, 'Rar!')],
  ['a 7-Zip archive', (h) => bytes(h, 0, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c])],
  ['a gzip archive', (h) => bytes(h, 0, [0x1f, 0x8b])],
  ['an executable program', (h) => ascii(h, 0, '\u007fELF') || ascii(h, 0, 'MZ')],
  ['an AVI video', (h) => ascii(h, 0, 'RIFF') && ascii(h, 8, 'AVI ')],
];

const AUDIO: [string, (head: Buffer) => boolean][] = [
  ['mp3', (h) => ascii(h, 0, 'ID3') || (h.length >= 2 && h[0] === 0xff && (h[1] & 0xe6) === 0xe2)],
  ['aac', (h) => h.length >= 2 && h[0] === 0xff && (h[1] & 0xf6) === 0xf0],
  ['wav', (h) => (ascii(h, 0, 'RIFF') || ascii(h, 0, 'RF64')) && ascii(h, 8, 'WAVE')],
  ['ogg', (h) => ascii(h, 0, 'OggS')],
  ['flac', (h) => ascii(h, 0, 'fLaC')],
  ['mp4', (h) => ascii(h, 4, 'ftyp')],
  ['matroska', (h) => bytes(h, 0, [0x1a, 0x45, 0xdf, 0xa3])],
  ['aiff', (h) => ascii(h, 0, 'FORM') && (ascii(h, 8, 'AIFF') || ascii(h, 8, 'AIFC'))],
  ['amr', (h) => ascii(h, 0, '#!AMR')],
  ['asf', (h) => bytes(h, 0, [0x30, 0x26, 0xb2, 0x75, 0x8e, 0x66, 0xcf, 0x11])],
  ['caf', (h) => ascii(h, 0, 'caff')],
];

/** Text: no NUL and no control characters other than tab, CR, LF, FF, ESC; valid UTF-8 (the tail may be cut). */
function looksLikeText(head: Buffer): boolean {
  if (head.length === 0) return false;
  for (const b of head)
    if (b === 0 || (b < 0x20 && ![0x09, 0x0a, 0x0c, 0x0d, 0x1b].includes(b))) return false;
  // A multibyte character cut at the end of the sample is fine: drop up to 3 trailing bytes before checking.
  for (let cut = 0; cut <= 3 && cut < head.length; cut++) {
    const part = head.subarray(0, head.length - cut);
    if (Buffer.from(part.toString('utf8'), 'utf8').equals(part)) return true;
  }
  return false;
}

/** What the first bytes of a file say it is. */
export function sniff(head: Buffer): Sniffed {
  for (const [what, test] of NOT_AUDIO) if (test(head)) return { kind: 'not-audio', what };
  for (const [format, test] of AUDIO) if (test(head)) return { kind: 'audio', format };
  if (looksLikeText(head)) return { kind: 'not-audio', what: 'text' };
  return { kind: 'unknown' };
}
