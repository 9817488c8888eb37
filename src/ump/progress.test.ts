import fc from 'fast-check';
import { formatProgressDetails, parseProgressDetails } from './progress';
import type { ProgressStep } from './types';

const DOC_EXAMPLE =
  '(Information, MsTenantid is valid);(Information, Customer data created!);(Information, SBC sbc-onboarding done for site SaraTest1.);(Information, CreateSiteInOvoc started.);(Information, Site created in Ovoc)';

describe('parseProgressDetails', () => {
  it('reads the documented example as five ordered information steps', () => {
    expect(parseProgressDetails(DOC_EXAMPLE)).toEqual([
      { level: 'Information', message: 'MsTenantid is valid' },
      { level: 'Information', message: 'Customer data created!' },
      { level: 'Information', message: 'SBC sbc-onboarding done for site SaraTest1.' },
      { level: 'Information', message: 'CreateSiteInOvoc started.' },
      { level: 'Information', message: 'Site created in Ovoc' },
    ]);
  });

  it('returns no steps for null, undefined, empty and blank text', () => {
    expect(parseProgressDetails(null)).toEqual([]);
    expect(parseProgressDetails(undefined)).toEqual([]);
    expect(parseProgressDetails('')).toEqual([]);
    expect(parseProgressDetails('  \n ')).toEqual([]);
  });

  it('keeps commas, dots, exclamation marks, semicolons and parentheses inside messages', () => {
    expect(parseProgressDetails('(Error, Script failed: step 3, line 7 (timeout)!);(Information, a; b, c.)')).toEqual([
      { level: 'Error', message: 'Script failed: step 3, line 7 (timeout)!' },
      { level: 'Information', message: 'a; b, c.' },
    ]);
  });

  it('tolerates spaces around every separator and a missing final parenthesis', () => {
    expect(parseProgressDetails('  ( Information ,  MsTenantid is valid ) ;  (Warning, slow SBC  ')).toEqual([
      { level: 'Information', message: 'MsTenantid is valid' },
      { level: 'Warning', message: 'slow SBC' },
    ]);
  });

  it('normalises known levels case-insensitively and keeps unknown levels as sent', () => {
    expect(parseProgressDetails('(information, a);(WARNING, b);(error, c);(Debug, d)')).toEqual([
      { level: 'Information', message: 'a' },
      { level: 'Warning', message: 'b' },
      { level: 'Error', message: 'c' },
      { level: 'Debug', message: 'd' },
    ]);
  });

  it('keeps text it cannot read as a step of its own instead of dropping it', () => {
    expect(parseProgressDetails('Deployment queued by operator;(Information, MsTenantid is valid)')).toEqual([
      { level: 'Information', message: 'Deployment queued by operator' },
      { level: 'Information', message: 'MsTenantid is valid' },
    ]);
    expect(parseProgressDetails('something went sideways')).toEqual([{ level: 'Information', message: 'something went sideways' }]);
    expect(parseProgressDetails('(no level here)')).toEqual([{ level: 'Information', message: '(no level here)' }]);
  });

  it('ignores a trailing separator', () => {
    expect(parseProgressDetails('(Information, a);')).toEqual([{ level: 'Information', message: 'a' }]);
  });
});

// --- properties -----------------------------------------------------------------------------------

const KNOWN = ['Information', 'Warning', 'Error'];
const knownLevel = fc
  .tuple(fc.constantFrom(...KNOWN), fc.array(fc.boolean(), { minLength: 11, maxLength: 11 }))
  .map(([level, upper]) => [...level].map((ch, i) => (upper[i] ? ch.toUpperCase() : ch.toLowerCase())).join(''));
const unknownLevel = fc.stringMatching(/^[A-Za-z][\w-]{0,9}$/).filter((l) => !KNOWN.some((k) => k.toLowerCase() === l.toLowerCase()));
const tricky = fc.constantFrom('a', 'Z', '7', ' ', ',', '.', '!', ';', '(', ')', ':', '-', 'é', '😀', '\n', 'Error', 'Information', ', ', ');', ';(');
const message = fc
  .oneof(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.string({ unit: tricky, maxLength: 20 }))
  .map((m) => m.trim())
  // The one text the documented format cannot carry: something that looks like the start of the next tuple.
  .filter((m) => !/;\s*\(\s*[A-Za-z][\w-]*\s*,/.test(m));
const step = fc.record({ level: fc.oneof(knownLevel, unknownLevel), message });
const expected = (steps: ProgressStep[]) =>
  steps.map((s) => ({ level: KNOWN.find((k) => k.toLowerCase() === s.level.toLowerCase()) ?? s.level, message: s.message }));

describe('parseProgressDetails properties', () => {
  it('parses any sequence of steps formatted the documented way back to itself', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 8 }), (steps) => {
        expect(parseProgressDetails(formatProgressDetails(steps))).toEqual(expected(steps));
      }),
      { numRuns: 500 },
    );
  });

  it('is indifferent to whitespace around the separators', () => {
    const ws = fc.constantFrom('', ' ', '  ', '\t', '\n', ' \r\n ');
    fc.assert(
      fc.property(fc.array(fc.tuple(step, ws, ws, ws, ws), { minLength: 1, maxLength: 6 }), (items) => {
        const text = items.map(([s, a, b, c, d]) => `${a}(${b}${s.level}${c}, ${s.message}${d})`).join(' ; ');
        expect(parseProgressDetails(text)).toEqual(expected(items.map(([s]) => s)));
      }),
      { numRuns: 300 },
    );
  });

  // A last message ending in `)` (or `);`) cannot be told apart from the closing parenthesis itself.
  it('survives a missing final parenthesis when the last message does not itself end with one', () => {
    fc.assert(
      fc.property(
        fc.array(step, { minLength: 1, maxLength: 6 }).filter((steps) => !/\)[\s;]*$/.test(steps[steps.length - 1].message)),
        (steps) => {
          expect(parseProgressDetails(formatProgressDetails(steps).slice(0, -1))).toEqual(expected(steps));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never loses text: whatever is not a separator comes out, in order', () => {
    const essence = (t: string) => t.replace(/[\s();,]/g, '');
    const isSubsequence = (needle: string, hay: string) => {
      const want = [...needle];
      let i = 0;
      for (const ch of hay) if (ch === want[i]) i++;
      return i === want.length;
    };
    fc.assert(
      fc.property(fc.string({ unit: tricky, maxLength: 40 }), (text) => {
        const out = parseProgressDetails(text)
          .map((s) => s.level + s.message)
          .join('');
        expect(isSubsequence(essence(text), essence(out))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
