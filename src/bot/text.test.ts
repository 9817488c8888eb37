import fc from 'fast-check';
import { parseCommand } from './commands';
import { MAX_COMMAND_TEXT, normaliseMarkup, normaliseText, parseArgs, tokenize } from './text';

/**
 * Sizes: 1 MB of adversarial text. A quadratic regular expression takes minutes on these (the old
 * tag stripper needed 4 s for 100 KB of `<`), so such a regression trips jest's timeout; the
 * assertions are about the output only.
 */
const MB = 1_000_000;
/** A long string as its length and ends, so a failure does not print a megabyte. */
const brief = (s: string) => ({ length: s.length, head: s.slice(0, 40), tail: s.slice(-40) });

describe('normaliseText: entities', () => {
  it('decodes decimal and hex numeric references, and the named ones in any case', () => {
    expect(normaliseText('&#65;&#x42;&#X43;&#x00044; &lt;b&GT; &Amp; &nbsp;x&#39;y&apos;z&quot;')).toBe(`ABCD <b> & x'y'z"`);
  });

  it.each([
    ['beyond U+10FFFF', '&#99999999;'],
    ['far beyond, many digits', `&#${'9'.repeat(400)};`],
    ['hex beyond U+10FFFF', '&#x110000;'],
    ['a lone high surrogate', '&#xD800;'],
    ['a lone low surrogate (decimal)', '&#57343;'],
    ['NUL', '&#0;'],
  ])('turns an invalid reference (%s) into U+FFFD instead of throwing', (_label, entity) => {
    expect(normaliseText(`status ${entity} REQ-1`)).toBe('status \ufffd REQ-1');
  });

  it('turns a control character reference into a space, and decodes an astral one', () => {
    expect(normaliseText('a&#7;b&#x1F600;')).toBe('a b\u{1F600}');
  });

  it('decodes once: an escaped ampersand before a reference stays the text the user typed', () => {
    expect(normaliseText('&amp;#65; &amp;lt;')).toBe('&#65; &lt;');
  });

  it('leaves unknown or unterminated entities as they are', () => {
    expect(normaliseText('&copy; &#12 &#x; & done')).toBe('&copy; &#12 &#x; & done');
  });
});

describe('normaliseText: markup', () => {
  it('removes mentions, line breaks and tags as before', () => {
    expect(normaliseText('<at>Bot</at> <p>new&nbsp;shortName=A<br/>x</p>')).toBe('new shortName=A x');
  });

  it('keeps a `<` that no `>` closes, and strips the tags before it', () => {
    expect(normaliseText('<b>a</b> < 3')).toBe('a < 3');
    expect(normaliseText('a <> b')).toBe('a <> b');
  });
});

describe('normaliseText and the tokenizer on long adversarial input (linear time)', () => {
  it.each<[string, string, string]>([
    ['`<` repeated', '<'.repeat(MB), '<'.repeat(MB)],
    ['`<a` repeated', '<a'.repeat(MB / 2), '<a'.repeat(MB / 2)],
    ['`<at>` with no end', `<at>${'x'.repeat(MB)}`, 'x'.repeat(MB)],
    ['`<at>` repeated', '<at>'.repeat(MB / 4), ''],
    ['`<br` and spaces', `<br${' '.repeat(MB)}`, '<br'],
    ['`"` repeated', '"'.repeat(MB), '"'.repeat(MB)],
    ['`a=` repeated', 'a='.repeat(MB / 2), 'a='.repeat(MB / 2)],
    ['an unclosed quote', `"${'a '.repeat(MB / 2)}`, `"${'a '.repeat(MB / 2)}`.trim()],
    ['`&#` and digits', `&#${'1'.repeat(MB)}`, `&#${'1'.repeat(MB)}`],
    ['`&#x` and hex digits', `&#x${'a'.repeat(MB)}`, `&#x${'a'.repeat(MB)}`],
    ['`&` repeated', '&'.repeat(MB), '&'.repeat(MB)],
    ['tags, then `<` repeated', `<p>${'<i>'.repeat(1000)}help</p>${'<'.repeat(MB)}`, `help ${'<'.repeat(MB)}`],
  ])('normaliseMarkup reads 1 MB of %s in one pass', (_label, input, expected) => {
    expect(brief(normaliseMarkup(input))).toEqual(brief(expected));
  });

  it('normaliseText cuts what it returns to the command bound', () => {
    expect(normaliseText('<'.repeat(MB))).toBe('<'.repeat(MAX_COMMAND_TEXT));
    expect(normaliseText(`${'<b>'.repeat(MB / 4)}help`)).not.toContain('<b>');
    expect(normaliseText(`help ${'&#99999999;'.repeat(MB / 10)}`)).toBe(`help ${'\ufffd'.repeat(MAX_COMMAND_TEXT - 5)}`);
  });

  it.each<[string, string]>([
    ['`"` repeated', '"'.repeat(MB)],
    ['`a"b"` repeated', 'a"b"'.repeat(MB / 4)],
    ["`'a` repeated", "'a".repeat(MB / 2)],
    ['`a=a=` repeated', 'a='.repeat(MB / 2)],
    ['an unclosed quote', `"${'a '.repeat(MB / 2)}`],
    ['words', 'ab '.repeat(MB / 3)],
  ])('tokenize and parseArgs read %s (1 MB) in one pass', (_label, input) => {
    const tokens = tokenize(input);
    expect(tokens.length).toBeGreaterThan(0);
    expect(tokens.join('').length).toBeLessThanOrEqual(input.length);
    const args = parseArgs(input);
    expect(args.positional.length + Object.keys(args.named).length).toBeGreaterThan(0);
  });
});

describe('the command parser sees a bounded text', () => {
  it('parses a several-MB message from its first 4,000 characters', () => {
    const parsed = parseCommand(`new shortName=Acme01 ${'x=1 '.repeat(2 * MB)}`);
    expect(parsed?.word).toBe('new');
    expect(parsed?.args.named.shortName).toBe('Acme01');
    expect(parsed!.rest.length).toBeLessThan(MAX_COMMAND_TEXT);
  });

  it('does not split a surrogate pair at the cut', () => {
    const out = normaliseText(`${'a'.repeat(MAX_COMMAND_TEXT - 1)}\u{1F600}`);
    expect(out).toBe('a'.repeat(MAX_COMMAND_TEXT - 1));
  });
});

describe('tokenize', () => {
  it('honours double and single quotes, closed or not', () => {
    expect(tokenize(`a=b c="d e" f 'g h' x="unclosed tail`)).toEqual(['a=b', 'c="d e"', 'f', "'g h'", 'x="unclosed tail']);
    expect(parseArgs(`shortName="Acme 01" 'solo' "`)).toEqual({ named: { shortName: 'Acme 01' }, positional: ['solo', ''] });
  });

  it('splits exactly as the regular expression it replaces', () => {
    const old = (s: string) => [...s.matchAll(/(?:[^\s"']+|"[^"]*"?|'[^']*'?)+/g)].map((m) => m[0]);
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', 'b', '=', ' ', '\t', '\n', '"', "'", '\u00a0') }), (s) => {
        expect(tokenize(s)).toEqual(old(s));
      }),
      { numRuns: 2000 },
    );
  });
});
