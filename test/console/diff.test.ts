import { describe, expect, it } from 'vitest';
import { diffLines, diffStats } from '../../console/src/lib/diff.js';

const render = (before: string, after: string) =>
  diffLines(before, after).map((l) => `${l.kind === 'same' ? ' ' : l.kind === 'added' ? '+' : '-'}${l.text}`);

describe('diffLines', () => {
  it('keeps identical texts as they are', () => {
    expect(render('a\nb\nc', 'a\nb\nc')).toEqual([' a', ' b', ' c']);
    expect(diffStats(diffLines('a\nb', 'a\nb'))).toEqual({ added: 0, removed: 0 });
  });

  it('finds added and removed lines around common ones', () => {
    expect(render('a\nb\nc\nd', 'a\nc\nd\ne')).toEqual([' a', '-b', ' c', ' d', '+e']);
  });

  it('shows a changed line as removed then added', () => {
    expect(render('one\ntwo\nthree', 'one\n2\nthree')).toEqual([' one', '-two', '+2', ' three']);
  });

  it('handles empty texts on either side', () => {
    expect(render('', '')).toEqual([]);
    expect(render('', 'x\ny')).toEqual(['+x', '+y']);
    expect(render('x\ny', '')).toEqual(['-x', '-y']);
  });

  it('keeps the longest common subsequence', () => {
    const lines = diffLines('a\nb\nc\na\nb\nb\na', 'c\nb\na\nb\na\nc');
    expect(lines.filter((l) => l.kind === 'same')).toHaveLength(4);
    expect(diffStats(lines)).toEqual({ added: 2, removed: 3 });
    // Replaying the diff gives back both texts.
    expect(lines.filter((l) => l.kind !== 'added').map((l) => l.text)).toEqual(
      'a\nb\nc\na\nb\nb\na'.split('\n'),
    );
    expect(lines.filter((l) => l.kind !== 'removed').map((l) => l.text)).toEqual(
      'c\nb\na\nb\na\nc'.split('\n'),
    );
  });
});
