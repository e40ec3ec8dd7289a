import { describe, expect, it } from 'vitest';
import { createEmitter } from '../../main/core/emitter';

describe('the one listener set', () => {
  it('calls each listener with the arguments, until it is removed', () => {
    const e = createEmitter<[string, number]>();
    const seen: string[] = [];
    const off = e.on((a, b) => seen.push(`${a}${b}`));
    e.emit('x', 1);
    off();
    e.emit('y', 2);
    expect(seen).toEqual(['x1']);
    expect(e.size).toBe(0);
  });

  it('a throwing listener does not stop the others, and its error goes to onListenerError, not the caller', () => {
    const errors: unknown[] = [];
    const e = createEmitter<[]>((error) => errors.push(error));
    const calls: string[] = [];
    e.on(() => {
      throw new Error('boom');
    });
    e.on(() => calls.push('second'));
    expect(() => e.emit()).not.toThrow();
    expect(calls).toEqual(['second']);
    expect(errors).toHaveLength(1);
  });

  it('an emit calls exactly the listeners registered when it began', () => {
    const e = createEmitter<[]>();
    const calls: string[] = [];
    let offB = (): void => undefined;
    e.on(() => {
      calls.push('a');
      offB();
      e.on(() => calls.push('late'));
    });
    offB = e.on(() => calls.push('b'));
    e.emit();
    expect(calls).toEqual(['a', 'b']);
    calls.length = 0;
    e.emit();
    expect(calls).toEqual(['a', 'late']);
  });

  it('clear removes every listener', () => {
    const e = createEmitter<[number]>();
    let n = 0;
    e.on((v) => (n += v));
    e.on((v) => (n += v));
    e.clear();
    e.emit(5);
    expect(n).toBe(0);
  });
});
