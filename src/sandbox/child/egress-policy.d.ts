/** Types for egress-policy.js (the child's egress decision), used by the host and the tests. */
export interface Endpoint {
  host: string;
  ip: unknown;
  port: number | '*';
}
export interface EgressPolicyInput {
  deny?: string[];
  allow?: string[];
  strict?: boolean;
  localAddresses?: string[];
}
export declare function parseEndpoint(entry: string): Endpoint;
export declare class EgressPolicy {
  constructor(input: EgressPolicyInput);
  readonly deny: Endpoint[];
  addResolvedDenyAddresses(entry: Endpoint, addresses: string[]): void;
  checkName(host: string): string | null;
  check(host: string, address: string, port: number): string | null;
}
