import { csvLine } from './csv';

describe('csvLine', () => {
  it('quotes what needs quoting and defuses formulas', () => {
    expect(csvLine(['a', 'b,c', 'say "hi"', null, 3])).toBe('a,"b,c","say ""hi""",,3\r\n');
    expect(csvLine(['=HYPERLINK("x")', '-1', 'line\nbreak'])).toBe(
      `"'=HYPERLINK(""x"")",'-1,"line\nbreak"\r\n`,
    );
  });
});
