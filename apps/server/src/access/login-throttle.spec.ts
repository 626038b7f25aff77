import { LoginThrottle } from './login-throttle';

describe('LoginThrottle', () => {
  it('allows the limit per minute per address, then says how long to wait', () => {
    let now = 1_000_000;
    const throttle = new LoginThrottle(3, () => now);
    expect([throttle.take('a'), throttle.take('a'), throttle.take('a')]).toEqual([0, 0, 0]);
    expect(throttle.take('a')).toBe(60);
    expect(throttle.take('b')).toBe(0);
    now += 30_000;
    expect(throttle.take('a')).toBe(30);
    now += 30_001;
    expect(throttle.take('a')).toBe(0);
  });
});
