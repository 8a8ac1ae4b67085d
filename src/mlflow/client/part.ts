/** What every part of `MlflowClient` shares: the store, the clock and the store's limits. */
import type { MlflowStore } from '../store/index.js';
import type { StoreLimits } from '../store/limits.js';

export interface MlflowClientOptions {
  /** Clock for default timestamps (Unix ms). */
  now?: () => number;
  /** Parallel artifact transfers (default 4). */
  transferConcurrency?: number;
}

export abstract class ClientPart {
  protected readonly now: () => number;

  constructor(
    readonly store: MlflowStore,
    options: MlflowClientOptions = {},
  ) {
    this.now = options.now ?? (() => Date.now());
  }

  protected async limits(): Promise<StoreLimits> {
    return (await this.store.tracking.getCapabilities()).limits;
  }
}
