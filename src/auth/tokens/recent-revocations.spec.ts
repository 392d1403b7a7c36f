import { FakeClock } from '../../../test/support/fake-clock';
import { defaultSettings } from '../../../test/support/default-settings';
import { RecentRevocations } from './recent-revocations';

describe('RecentRevocations', () => {
  const withReplicas = { ...defaultSettings.database, replicaUrls: ['mysql://u:p@127.0.0.1:3307/auth'], replicaMaxLagMs: 2000 };

  it('remembers ended tokens and users for the lag limit and a margin, then forgets them', () => {
    const clock = new FakeClock();
    const recent = new RecentRevocations(clock, withReplicas);
    recent.noteTokens([11]);
    recent.noteUser(7);

    expect(recent.touches(11, 1)).toBe(true);
    expect(recent.touches(99, 7)).toBe(true);
    expect(recent.touches(12, 8)).toBe(false);
    clock.advance(2000 + 5000 - 1);
    expect(recent.touches(11, 1)).toBe(true);
    clock.advance(1);
    recent.noteTokens([12]);
    expect(recent.touches(11, 1)).toBe(false);
    expect(recent.touches(99, 7)).toBe(false);
    expect(recent.touches(12, 1)).toBe(true);
  });

  it('keeps a token noted again for the window of its latest note', () => {
    const clock = new FakeClock();
    const recent = new RecentRevocations(clock, withReplicas);
    recent.noteTokens([1, 2]);
    clock.advance(4000);
    recent.noteTokens([1]);
    clock.advance(4000);
    recent.noteTokens([3]);

    expect(recent.touches(1, 0)).toBe(true);
    expect(recent.touches(2, 0)).toBe(false);
  });

  it('keeps nothing without replicas', () => {
    const recent = new RecentRevocations(new FakeClock(), defaultSettings.database);
    recent.noteTokens([1]);
    recent.noteUser(2);
    expect(recent.touches(1, 2)).toBe(false);
  });
});
