// @fastify/rate-limit ships its two stores as CommonJS without types; plugins/rate-limit-store.ts
// combines them.
declare module '@fastify/rate-limit/store/*.js' {
  type Counted = (error: Error | null, result?: { current: number; ttl: number }) => void;
  class Store {
    constructor(continueExceeding: boolean, exponentialBackoff: boolean, ...rest: unknown[]);
    incr(key: string, done: Counted, timeWindow: number, max: number): void;
    read(key: string, done: Counted, timeWindow: number, max: number): void;
    child(routeOptions: unknown): Store;
  }
  export default Store;
}
