/**
 * An HTTP(S) server whose listening socket follows the `apiDown` fault: when the
 * API is down the port is closed (clients get ECONNREFUSED, as with a dead
 * endpoint), and it listens again on the same address and port when healed.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FaultInjector } from './faults.js';

export class ManagedListener {
  private port: number;
  private listening = false;
  private transition: Promise<void> = Promise.resolve();

  constructor(
    private readonly server: Server,
    readonly host: string,
    port: number,
    private readonly faults: FaultInjector,
  ) {
    this.port = port;
    faults.on('change', this.onChange);
  }

  /** Port actually bound (after listening on port 0). */
  get boundPort(): number {
    return this.port;
  }

  /** Listen, unless the API is already down (then the port stays closed until healed). */
  async start(): Promise<void> {
    if (this.faults.settings.apiDown) {
      if (this.port === 0) throw new Error('cannot start an emulator API with port 0 while apiDown is set: no port to reserve');
      return;
    }
    await this.listen();
  }

  private onChange = (): void => {
    const down = this.faults.settings.apiDown;
    this.transition = this.transition.then(() => (down ? this.close() : this.listen())).catch(() => undefined);
  };

  /** Resolves when the listener state matches the current faults. */
  settled(): Promise<void> {
    return this.transition;
  }

  private listen(): Promise<void> {
    if (this.listening) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.server.once('error', onError);
      this.server.listen(this.port, this.host, () => {
        this.server.off('error', onError);
        this.port = (this.server.address() as AddressInfo).port;
        this.listening = true;
        resolve();
      });
    });
  }

  private close(): Promise<void> {
    if (!this.listening) return Promise.resolve();
    this.listening = false;
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  async stop(): Promise<void> {
    this.faults.off('change', this.onChange);
    await this.transition;
    await this.close();
  }
}
