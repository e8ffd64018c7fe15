// Everything main fetches (the Backend API through @clerk/backend, JWKS, avatars) goes through
// Chromium's network stack, like a browser on this machine: the system proxy, PAC scripts and the OS
// certificate store (corporate TLS inspection) apply. Node's fetch ignores all three, and the
// `enableNodeOptionsEnvironmentVariable` fuse also removes NODE_EXTRA_CA_CERTS.
// A session of its own, in memory: whatever cookies Clerk's API might set never reach the console's
// session or the disk. Created at the first request, which is after `ready` (sessions need it).
import { session, type Session } from 'electron';
import { installGlobalFetch, type Fetch } from '../network.ts';

export const NETWORK_PARTITION = 'understudy-network';

export function useChromiumNetwork(): void {
  let network: Session | null = null;
  installGlobalFetch(() => {
    network ??= session.fromPartition(NETWORK_PARTITION, { cache: false });
    return network.fetch.bind(network) as unknown as Fetch;
  });
}
