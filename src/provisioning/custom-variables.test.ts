import fc from 'fast-check';
import { collectCustomVariables } from './customer-input';
import { CUSTOM_VARS_TEXT_FIELD } from './fields';

/**
 * The multi-line `name=value` box is client-controlled text of any length. Its parsing must be
 * linear: the regex it replaces (`^\s*(name)\s*=\s*(.*?)\s*$`) took a second for 50,000 spaces
 * inside a value and minutes for a megabyte, so these inputs trip jest's timeout on a regression.
 */
const MB = 1_000_000;
const collect = (text: string) => collectCustomVariables({ [CUSTOM_VARS_TEXT_FIELD]: text });
const NOT_NAME_VALUE = 'Line 1 is not name=value (e.g. Variable1=SIPTrunk)';

describe('custom variable lines, long and adversarial (linear time)', () => {
  it.each<[string, string, { vars: Record<string, string>; errors: string[] }]>([
    ['a value with 1 MB of spaces inside', `Extra=b${' '.repeat(MB)}x`, { vars: { Extra: `b${' '.repeat(MB)}x` }, errors: [] }],
    [
      'a numbered value with 1 MB of spaces and tabs inside',
      `3=b${' \t'.repeat(MB / 2)}x`,
      { vars: { 'CustomVar.Variable3': `b${' \t'.repeat(MB / 2)}x` }, errors: [] },
    ],
    ['spaces and a line break inside a value', `Extra=b${' '.repeat(MB)}\rx`, { vars: {}, errors: [NOT_NAME_VALUE] }],
    ['`a` repeated 1 MB times', 'a'.repeat(MB), { vars: {}, errors: [NOT_NAME_VALUE] }],
    ['`a.a.a.…` with no `=`', 'a.'.repeat(MB / 2), { vars: {}, errors: [NOT_NAME_VALUE] }],
    ['a long name, spaces, no `=`', `a${' '.repeat(MB)}b`, { vars: {}, errors: [NOT_NAME_VALUE] }],
    ['1 MB of spaces', ' '.repeat(MB), { vars: {}, errors: [] }],
    ['digits then a letter', `${'1'.repeat(MB)}a=x`, { vars: {}, errors: [NOT_NAME_VALUE] }],
  ])('%s', (_label, text, expected) => {
    const { vars, errors } = collect(text);
    // Lengths rather than the values themselves, so a failure does not print a megabyte.
    const sizes = (v: Record<string, string>) => Object.fromEntries(Object.entries(v).map(([k, s]) => [k, s.length]));
    expect({ vars: sizes(vars), errors }).toEqual({ vars: sizes(expected.vars), errors: expected.errors });
    expect(vars).toEqual(expected.vars);
  });

  it('reads a megabyte of `a=a=a=…` as one variable whose value keeps the rest', () => {
    const { vars, errors } = collect('a='.repeat(MB / 2));
    expect(errors).toEqual([]);
    expect(Object.keys(vars)).toEqual(['a']);
    expect(vars.a).toHaveLength(MB - 2);
  });
});

describe('custom variable lines: the same reading as before', () => {
  it('keeps the documented meanings', () => {
    expect(collect(' Variable1 = SIPTrunk \n3=x\nCustomVar.Variable2=y\nPbx.Ip = 10.0.0.1\n\n')).toEqual({
      vars: { 'CustomVar.Variable1': 'SIPTrunk', 'CustomVar.Variable3': 'x', 'CustomVar.Variable2': 'y', 'Pbx.Ip': '10.0.0.1' },
      errors: [],
    });
    expect(collect('novalue\n1a=x\n=x\nProxySet=z').errors).toEqual([
      'Line 1 is not name=value (e.g. Variable1=SIPTrunk)',
      'Line 2 is not name=value (e.g. Variable1=SIPTrunk)',
      'Line 3 is not name=value (e.g. Variable1=SIPTrunk)',
      'Line 4: ProxySet has its own field in the form; enter it there',
    ]);
  });

  it('matches the regular expressions it replaced on any short line', () => {
    const OLD_VAR_LINE = /^\s*([A-Za-z][\w.]*)\s*=\s*(.*?)\s*$/;
    const old = (line: string) => {
      const num = /^\s*(\d+)\s*=\s*(.*?)\s*$/.exec(line);
      const m = num ? [`Variable${num[1]}`, num[2]] : OLD_VAR_LINE.exec(line)?.slice(1, 3);
      return m ? { [/^Variable\d+$/.test(m[0]) ? `CustomVar.${m[0]}` : m[0]]: m[1] } : undefined;
    };
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', 'V', '1', '.', '_', '=', ' ', '\t', '\r', '\u2028', '\u00a0', '-', 'x') }), (line) => {
        fc.pre(line.trim() !== '' && !line.includes('\n'));
        const { vars, errors } = collect(line);
        const expected = old(line);
        if (expected === undefined) expect(errors).toHaveLength(1);
        else expect(vars).toEqual(expected);
      }),
      { numRuns: 5000 },
    );
  });
});
