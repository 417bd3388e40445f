import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { SignJWT, exportJWK, generateKeyPair } from 'jose';

import { createVerifier, signToken } from '../../src/auth/tokens';

describe('token verification', () => {
  it("verifies an identity provider's RS256 token against its JWKS", async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'idp-1', alg: 'RS256', use: 'sig' };
    const server = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
      const verify = createVerifier({ key: { kind: 'jwks', url }, issuer: 'https://idp.example.org', audience: 'reunify-api' });
      const token = await new SignJWT({ role: 'orr_reviewer' })
        .setProtectedHeader({ alg: 'RS256', kid: 'idp-1' })
        .setSubject('ffs-ben')
        .setIssuer('https://idp.example.org')
        .setAudience('reunify-api')
        .setExpirationTime('5m')
        .sign(privateKey);
      await expect(verify(token)).resolves.toEqual({ id: 'ffs-ben', role: 'orr_reviewer', careProviderId: undefined });
      // A token signed with the HMAC secret is refused by a JWKS verifier.
      const hmac = await signToken(
        's'.repeat(40),
        { sub: 'x', role: 'admin' },
        { issuer: 'https://idp.example.org', audience: 'reunify-api' },
      );
      await expect(verify(hmac)).rejects.toThrow(/algorithm|could not be verified|signature/);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
