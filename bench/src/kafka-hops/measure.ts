import { cpuSince, type HopResult } from './stats.js';
import { wallMs, type HopsSettings } from './hops-settings.js';

/** CPU of this process (every thread) and of the broker over a window. */
export interface CpuWindow {
  cpuMicros: number;
  brokerCpuMicros: number;
}

/** Starts measuring CPU of this process and the broker; the returned function reads both since then. */
export function cpuWindow(settings: HopsSettings): () => CpuWindow {
  const cpu = process.cpuUsage();
  const broker = settings.brokerCpuMicros();
  return () => ({ cpuMicros: cpuSince(cpu), brokerCpuMicros: settings.brokerCpuMicros() - broker });
}

/** Sends one message at a time, the warm-up first; latency from the send to the end of the returned promise. */
export async function sequential(name: string, settings: HopsSettings, send: (i: number) => Promise<void>): Promise<HopResult> {
  for (let i = 0; i < settings.warmup; i++) await send(i);
  const latenciesMs: number[] = [];
  const window = cpuWindow(settings);
  for (let i = settings.warmup; i < settings.warmup + settings.count; i++) {
    const start = wallMs();
    await send(i);
    latenciesMs.push(wallMs() - start);
  }
  return { name, latenciesMs, ...window() };
}
