/** The word typed to confirm an emergency broadcast; without diacritics it counts too (any keyboard). */
export const CONFIRM_WORD = 'PHÁT';

/** "phát", "PHAT", " Phát " all confirm; anything else does not. */
export function confirmMatches(input: string, word = CONFIRM_WORD): boolean {
  const plain = (s: string) =>
    s
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/đ/gi, 'd')
      .trim()
      .toUpperCase();
  return plain(input) === plain(word) && input.trim().length > 0;
}
