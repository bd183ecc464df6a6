/**
 * The listening socket of one HTTP server, which can be dropped (chaos mode `down`:
 * new connections are refused, open ones cut) and opened again on the same address
 * and port, or drained for shutdown. Transitions are queued so they never overlap.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export class ServiceListener {
  private boundPort: number;
  private listening = false;
  private retired = false;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly server: Server,
    readonly host: string,
    port: number,
  ) {
    this.boundPort = port;
  }

  /** The port actually bound (after listening on port 0, the one the OS chose). */
  get port(): number {
    return this.boundPort;
  }

  get isListening(): boolean {
    return this.listening;
  }

  private enqueue<T>(step: () => Promise<T>): Promise<T> {
    const run = this.queue.then(step, step);
    this.queue = run.catch(() => undefined);
    return run;
  }

  listen(): Promise<void> {
    return this.enqueue(() => this.open());
  }

  /** Match the chaos mode: closed while `down`, listening otherwise. No-op once shut down. */
  follow(down: boolean): Promise<void> {
    return this.enqueue(async () => {
      if (this.retired) return;
      if (down) await this.drop();
      else await this.open();
    });
  }

  /**
   * Refuse new connections now; let in-flight requests finish; after `deadlineMs`
   * cut whatever is left. Resolves true when connections had to be cut.
   */
  drain(deadlineMs: number): Promise<boolean> {
    this.retired = true;
    return this.enqueue(() => this.closeGracefully(deadlineMs));
  }

  /**
   * The synchronous first step of drain(), for callers that need new connections to be
   * refused before they continue (the listener is closed when this returns).
   */
  stopAccepting(): void {
    this.retired = true;
    if (this.listening) {
      this.listening = false;
      this.server.close();
      this.server.closeIdleConnections();
    }
  }

  private open(): Promise<void> {
    if (this.listening) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.server.once('error', onError);
      this.server.listen(this.boundPort, this.host, () => {
        this.server.off('error', onError);
        this.boundPort = (this.server.address() as AddressInfo).port;
        this.listening = true;
        resolve();
      });
    });
  }

  private drop(): Promise<void> {
    if (!this.listening) return Promise.resolve();
    this.listening = false;
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private closeGracefully(deadlineMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      let forced = false;
      const deadline = setTimeout(() => {
        forced = true;
        this.server.closeAllConnections();
      }, deadlineMs);
      // close() calls back once every connection has ended (immediately if none are open).
      this.server.close(() => {
        clearTimeout(deadline);
        resolve(forced);
      });
      this.listening = false;
      this.server.closeIdleConnections();
    });
  }
}
