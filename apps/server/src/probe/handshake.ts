// Timings of one connection attempt, phase by phase: DNS, TCP, TLS, then the HTTP upgrade; with the ALPN the
// leg's connection negotiated and the address it reached. A slow or failing phase names the layer at fault.
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { TLSSocket } from 'node:tls';
import type { AlpnProbe, Handshake } from '@hopwatch/shared/protocol';

export class HandshakeTimer {
  readonly #startedAt = performance.now();
  #lookupAt: number | null = null;
  #connectAt: number | null = null;
  #secureAt: number | null = null;
  #responseAt: number | null = null;
  #alpn: string | null = null;
  #remoteAddress: string | null = null;

  /** Follows the socket the upgrade request opened (from ws `finishRequest`). */
  watch(socket: Socket): void {
    socket.once('lookup', () => {
      this.#lookupAt = performance.now();
    });
    socket.once('connect', () => {
      this.#connectAt = performance.now();
      this.#remoteAddress = socket.remoteAddress ?? null;
    });
    socket.once('secureConnect', () => {
      this.#secureAt = performance.now();
      this.#alpn = (socket as TLSSocket).alpnProtocol || null;
    });
  }

  /** The HTTP response to the upgrade arrived: 101, or the status that rejected it. */
  responded(): void {
    this.#responseAt ??= performance.now();
  }

  /** Phases that never happened are null: no DNS for an IP literal, no TLS for ws://, nothing after a failure. */
  result(alpnProbe: AlpnProbe | null): Handshake {
    const dnsDone = this.#lookupAt ?? this.#startedAt;
    const transportDone = this.#secureAt ?? this.#connectAt;
    const handshake: Handshake = {
      dnsMs: span(this.#startedAt, this.#lookupAt),
      tcpMs: span(dnsDone, this.#connectAt),
      tlsMs: this.#connectAt === null ? null : span(this.#connectAt, this.#secureAt),
      upgradeMs: transportDone === null ? null : span(transportDone, this.#responseAt),
      alpn: this.#alpn,
      remoteAddress: this.#remoteAddress,
    };
    if (alpnProbe) handshake.alpnProbe = alpnProbe;
    return handshake;
  }
}

function span(from: number, to: number | null): number | null {
  return to === null ? null : Math.round((to - from) * 1000) / 1000;
}
