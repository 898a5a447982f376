import { describe, expect, it } from 'vitest';
import { nextPeerAddress, PEER_ADDRESS_FROM_NEXT } from './peer-address';

describe('nextPeerAddress', () => {
  const headers = new Headers({ 'x-forwarded-for': '203.0.113.9' });

  it('is the address Next recorded only under ktlab’s portal server, which removed client-sent headers first', () => {
    expect(nextPeerAddress(headers, { [PEER_ADDRESS_FROM_NEXT]: '1' })).toBe('203.0.113.9');
    expect(nextPeerAddress(new Headers(), { [PEER_ADDRESS_FROM_NEXT]: '1' })).toBeUndefined();
  });

  it('is unknown under a plain `next start` or behind a trusted proxy, where a client or the proxy wrote the header', () => {
    expect(nextPeerAddress(headers, {})).toBeUndefined();
    expect(nextPeerAddress(headers, { [PEER_ADDRESS_FROM_NEXT]: '0' })).toBeUndefined();
  });
});
