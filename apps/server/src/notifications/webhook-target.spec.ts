import { isPrivateAddress, literalPrivateTarget, resolvedPrivateTarget } from './webhook-target';

describe('webhook targets on private networks', () => {
  it.each([
    ['127.0.0.1', true],
    ['10.1.2.3', true],
    ['172.16.0.1', true],
    ['172.31.255.255', true],
    ['172.32.0.1', false],
    ['192.168.1.1', true],
    ['169.254.169.254', true],
    ['100.64.0.1', true],
    ['0.0.0.0', true],
    ['::1', true],
    ['fd00::1', true],
    ['fe80::1', true],
    ['::ffff:127.0.0.1', true],
    ['::ffff:8.8.8.8', false],
    ['8.8.8.8', false],
    ['203.113.131.1', false],
    ['2001:4860:4860::8888', false],
    ['not-an-ip', false],
  ])('%s → private %s', (address, expected) => {
    expect(isPrivateAddress(address)).toBe(expected);
  });

  it('names literal private hosts and localhost, not public names', () => {
    expect(literalPrivateTarget('http://127.0.0.1:8080/hook')).toContain('127.0.0.1');
    expect(literalPrivateTarget('http://[::1]/hook')).toContain('::1');
    expect(literalPrivateTarget('https://LOCALHOST/x')).toContain('localhost');
    expect(literalPrivateTarget('https://ops.example.vn/hook')).toBeNull();
  });

  it('resolves names: localhost is refused whatever resolves it', async () => {
    expect(await resolvedPrivateTarget('http://localhost:9/x')).toContain('this server');
    expect(await resolvedPrivateTarget('http://10.0.0.8/x')).toContain('private');
  });
});
