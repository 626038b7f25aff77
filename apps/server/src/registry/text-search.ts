/*
 * Accent-insensitive search for Vietnamese names without the `unaccent` extension (absent from PGlite and
 * not always installable on a managed PostgreSQL): the column is folded in SQL with translate() over a fixed
 * table of precomposed Latin letters, and the search text is folded the same way in JavaScript.
 * Names are stored in NFC, so "Hoàng Văn Thụ", "hoang van thu" and "HOÀNG VĂN THỤ" all match.
 */

function buildFoldTable(): { from: string; to: string } {
  let from = '';
  let to = '';
  const ranges: [number, number][] = [
    [0x00c0, 0x017f], // Latin-1 Supplement letters and Latin Extended-A (Ă ă Đ đ Ĩ ĩ Ũ ũ)
    [0x01a0, 0x01b0], // Ơ ơ Ư ư
    [0x1ea0, 0x1ef9], // Latin Extended Additional: every Vietnamese letter with a tone mark
  ];
  for (const [start, end] of ranges) {
    for (let code = start; code <= end; code++) {
      const char = String.fromCodePoint(code);
      const base = foldChar(char);
      if (base !== char && /^[A-Za-z]$/.test(base)) {
        from += char;
        to += base;
      }
    }
  }
  return { from, to };
}

function foldChar(char: string): string {
  if (char === 'đ') return 'd';
  if (char === 'Đ') return 'D';
  return char.normalize('NFD').replace(/\p{M}/gu, '');
}

const FOLD = buildFoldTable();

/** Lower-case, without diacritics and đ → d: the form both sides of a name search are compared in. */
export function foldText(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').toLowerCase();
}

/**
 * SQL expression folding `expression` like foldText. The table holds only letters (no quotes), so it is
 * inlined as a literal. lower() runs after translate(), so only ASCII is left to lower-case: the result does
 * not depend on the database's LC_CTYPE.
 */
export function foldSql(expression: string): string {
  return `lower(translate(${expression}, '${FOLD.from}', '${FOLD.to}'))`;
}

/** A LIKE pattern matching `text` anywhere, folded, with LIKE's own wildcards escaped. */
export function containsPattern(text: string): string {
  return `%${foldText(text).replace(/[\\%_]/g, '\\$&')}%`;
}
