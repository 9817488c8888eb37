import { isLoopbackUrl } from './loopback';

describe('what counts as this machine for anonymous mode', () => {
  it.each(['http://localhost:56150/_connector', 'http://127.0.0.1:3978/', 'http://127.1.2.3/', 'http://[::1]:8080/x', 'https://LOCALHOST/'])(
    'accepts %s',
    (url) => expect(isLoopbackUrl(url)).toBe(true),
  );
  it.each([
    'https://smba.trafficmanager.net/emea/',
    'http://localhost.evil.example/',
    'http://127.0.0.1.nip.io/',
    'http://10.0.0.1/',
    'http://0.0.0.0/',
    'not a url',
    '',
  ])('refuses %s', (url) => expect(isLoopbackUrl(url)).toBe(false));
});
