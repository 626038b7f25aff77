/* Villages added by hand: their type words and a code suggestion. Pure; unit-tested with registry-model. */

/** What a village is called where it is (the name usually starts with the same word). */
export const VILLAGE_TYPES: readonly { vi: string; en: string }[] = [
  { vi: 'Thôn', en: 'Thôn (village)' },
  { vi: 'Bản', en: 'Bản (hamlet)' },
  { vi: 'Tổ dân phố', en: 'Tổ dân phố (residential group)' },
  { vi: 'Khối', en: 'Khối (block)' },
  { vi: 'Xóm', en: 'Xóm (hamlet)' },
  { vi: 'Làng', en: 'Làng (village)' },
  { vi: 'Ấp', en: 'Ấp (hamlet)' },
  { vi: 'Khóm', en: 'Khóm (neighbourhood)' },
];

/**
 * The next free village code of a commune: `<commune code>-NN` after the highest one in use (the demo and
 * most imports number villages that way); codes of another shape are ignored.
 */
export function nextVillageCode(communeCode: string, taken: readonly string[]): string {
  const prefix = `${communeCode}-`;
  let highest = 0;
  for (const code of taken) {
    if (!code.startsWith(prefix)) continue;
    const n = Number(code.slice(prefix.length));
    if (Number.isInteger(n) && n > highest) highest = n;
  }
  return `${prefix}${String(highest + 1).padStart(2, '0')}`;
}
