// What the engine says when the shell feeds it something it never accepts: each refusal names
// what was wrong (the message IT forwards with a fault report), and none is guessed around.
import { describe, expect, it } from 'vitest';
import { ShellError } from '../../../main/core/errors';
import { defaultPolicy } from '../../../main/core/policy';
import { transition } from '../../../main/core/session';
import type { SessionEvent, SessionState } from '../../../main/core/session';
import { MINUTE, after } from './fixtures';

const at = after(MINUTE);
const auth = { type: 'signInSucceeded', subject: 'bob', sessionId: 'sid-b', authTime: at.wall, aal: 'AAL3', at };
const signingIn: SessionState = { status: 'signing-in' };

function refusal(state: SessionState, event: unknown): ShellError {
  try {
    transition(state, event as SessionEvent, defaultPolicy);
  } catch (error) {
    expect(error).toBeInstanceOf(ShellError);
    return error as ShellError;
  }
  throw new Error('the engine accepted it');
}

const refused: Array<[string, unknown, string]> = [
  [
    'a subject that is not text',
    { ...auth, subject: 42 },
    `The "signInSucceeded" event has no subject; the ID token's sub claim must be passed on.`,
  ],
  [
    'a session id that is not text',
    { ...auth, sessionId: 7 },
    `The "signInSucceeded" event has no session id; pass the ID token's sid claim (an empty string if it had none).`,
  ],
  [
    'no session id',
    { ...auth, sessionId: undefined },
    `The "signInSucceeded" event has no session id; pass the ID token's sid claim (an empty string if it had none).`,
  ],
  [
    'an authentication time that is not a number',
    { ...auth, type: 'reauthSucceeded', authTime: Number.NaN },
    `The "reauthSucceeded" event has no valid authentication time; pass the ID token's auth_time times 1000.`,
  ],
  [
    'an authentication age that is not a number',
    { ...auth, authAgeMs: Number.NaN },
    `The "signInSucceeded" event has an authentication age that is not a number of milliseconds.`,
  ],
  [
    'an assurance level below AAL2',
    { ...auth, aal: 'AAL1' },
    `The "signInSucceeded" event has an assurance level other than AAL2 or AAL3; map unknown assurance to AAL3 before calling the engine.`,
  ],
  [
    'a negative OS idle sample',
    { type: 'osIdleSample', seconds: -1, at },
    'The OS idle sample must be zero or a positive number of seconds.',
  ],
  [
    'a logout naming a subject that is not text',
    { type: 'backchannelLogout', subject: 5, at },
    'The back-channel logout event names a subject that is not a string.',
  ],
  [
    'a logout naming a session id that is not text',
    { type: 'backchannelLogout', sessionId: 5, at },
    'The back-channel logout event names a session id that is not a string.',
  ],
  [
    'a logout whose issue time is not a number',
    { type: 'backchannelLogout', issuedAt: Number.NaN, at },
    'The back-channel logout event has an issue time that is not a number of milliseconds.',
  ],
  [
    'a presence loss the engine does not know',
    { type: 'presenceLost', reason: 'badge-lost', at },
    'The "presenceLost" event has a reason "badge-lost" that is not one of the presence losses the engine knows.',
  ],
  [
    'an unknown event type',
    { type: 'teleport', at },
    'The session engine was given an event of unknown type "teleport"; only the documented events are accepted.',
  ],
  [
    'a time that is not a number',
    { type: 'tick', at: { wall: Number.NaN, mono: 0 } },
    'The "tick" event has no valid time; both wall and monotonic readings must be finite numbers of milliseconds.',
  ],
];

describe('assertValidEvent, through transition', () => {
  it.each([
    ['no time', undefined],
    ['a time that is null', null],
    ['a time given as one number', 1_700_000_000_000],
    ['readings given as text', { wall: '1700000000000', mono: '5000' }],
  ])('refuses an event with %s as a fault to report, not a crash', (_name, time) => {
    const error = refusal(signingIn, { type: 'tick', at: time });
    expect(error.message).toMatch(/^The "tick" event has no valid time;/);
  });

  it.each(refused)('refuses %s as a fault to report, saying what was wrong', (_name, event, message) => {
    const error = refusal(signingIn, event);
    expect(error.code).toBe('INTERNAL');
    expect(error.message).toContain(`${message} This is a fault in the shell; please report it to IT.`);
  });

  it('accepts the optional parts of an authentication and a logout left out, and an OS idle sample of zero', () => {
    const { authAgeMs: _age, ...withoutAge } = { ...auth, authAgeMs: 0 };
    expect(() => transition(signingIn, withoutAge as SessionEvent, defaultPolicy)).not.toThrow();
    expect(() => transition(signingIn, { ...auth, authAgeMs: 1500 } as SessionEvent, defaultPolicy)).not.toThrow();
    expect(() => transition(signingIn, { type: 'backchannelLogout', at }, defaultPolicy)).not.toThrow();
    expect(() => transition(signingIn, { type: 'osIdleSample', seconds: 0, at }, defaultPolicy)).not.toThrow();
  });

  it('quotes at most 60 characters of an unknown type or presence reason', () => {
    const long = 'x'.repeat(200);
    const type = refusal(signingIn, { type: long, at }).message;
    expect(type).toContain(`unknown type "${'x'.repeat(59)}; only`);
    const reason = refusal(signingIn, { type: 'presenceLost', reason: long, at }).message;
    expect(reason).toContain(`a reason "${'x'.repeat(59)} that is not`);
  });
});

describe('assertValidState, through transition', () => {
  it.each([
    ['a status the engine never produces', { status: 'paused' }, '"paused"'],
    ['a status that is a list holding a real one', { status: ['active'] }, '"active"'],
    ['no status', {}, '"undefined"'],
  ])('refuses %s', (_name, state, quoted) => {
    const error = refusal(state as unknown as SessionState, { type: 'tick', at });
    expect(error.code).toBe('INTERNAL');
    expect(error.message).toBe(
      `The session engine was given a state it never produces (${quoted}); start from initialSessionState(). This is a fault in the shell; please report it to IT.`,
    );
  });

  it('quotes at most 40 characters of the status', () => {
    const error = refusal({ status: 'y'.repeat(100) } as unknown as SessionState, { type: 'tick', at });
    expect(error.message).toContain(`(${`"${'y'.repeat(99)}`.slice(0, 40)});`);
  });
});
