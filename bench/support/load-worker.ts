/**
 * A load generator in a process of its own, driven by bench/run.ts over IPC.
 *
 * Throughput runs use autocannon. Latency runs at a fixed rate use the small
 * open-loop client below instead: autocannon's rate limit lets each
 * connection send at most its share per second and never more connections
 * than requests per second, so a connection held by a slow, queued login
 * sends nothing meanwhile and the offered load sags exactly when it should
 * not. Here each request leaves on schedule, on whatever socket is free.
 */
import autocannon from 'autocannon';
import { Agent, request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ClosedLoopCommand,
  ClosedLoopResult,
  FloodCommand,
  FloodResult,
  LatencySummary,
  LoadCommand,
  LoadResult,
  OpenLoopCommand,
  OpenLoopResult,
  PlannedRequest,
  requestSource,
} from './load-protocol';
// Well-formed (prefix and checksum) and random: what anyone can make, and what matches no token.
import { generateAccessToken } from '../../src/auth/tokens/access-token.codec';
import { quantile } from './stats';
import { serve } from './worker-rpc';

const REQUEST_TIMEOUT_MS = 30_000;
const TRANSPORT_ERROR = 'error';
const MISMATCH = 'mismatch';

async function closedLoop(command: ClosedLoopCommand): Promise<ClosedLoopResult> {
  const next = requestSource(command.plan);
  const { bodyIncludes } = command;
  const cpuBefore = process.cpuUsage();
  const startedAt = performance.now();
  const result = await autocannon({
    url: command.baseUrl,
    connections: command.connections,
    duration: command.seconds,
    timeout: REQUEST_TIMEOUT_MS / 1000,
    requests: [{ setupRequest: (base) => ({ ...base, ...next() }) }],
    ...(bodyIncludes === undefined ? {} : { verifyBody: (body) => typeof body === 'string' && body.includes(bodyIncludes) }),
  });
  const cpu = process.cpuUsage(cpuBefore);
  const generatorCpuCores = (cpu.user + cpu.system) / 1000 / (performance.now() - startedAt);
  const failures: Record<string, number> = {};
  for (const [status, { count = 0 }] of Object.entries(result.statusCodeStats ?? {})) {
    if (!status.startsWith('2') && count > 0) failures[status] = count;
  }
  if (result.errors > 0) failures[TRANSPORT_ERROR] = result.errors;
  // Counted among the 2xx by autocannon too: the caller fails the round on any.
  if (result.mismatches > 0) failures[MISMATCH] = result.mismatches;
  return {
    succeeded: result['2xx'],
    failures,
    seconds: result.duration,
    perSecond: result['2xx'] / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    generatorCpuCores,
  };
}

interface Sample {
  status: string;
  ms: number;
  retryAfter: boolean;
}

function send(agent: Agent, baseUrl: string, planned: PlannedRequest, dueAt: number): Promise<Sample> {
  return new Promise((resolve) => {
    const done = (status: string, retryAfter = false) => resolve({ status, ms: performance.now() - dueAt, retryAfter });
    const outgoing = request(new URL(planned.path, baseUrl), { method: planned.method, headers: planned.headers, agent }, (response) => {
      response.resume();
      response.once('end', () => done(String(response.statusCode), response.headers['retry-after'] !== undefined));
      response.once('error', () => done(TRANSPORT_ERROR));
    });
    outgoing.setTimeout(REQUEST_TIMEOUT_MS, () => outgoing.destroy(new Error('timeout')));
    outgoing.once('error', () => done(TRANSPORT_ERROR));
    outgoing.end(planned.body);
  });
}

async function openLoop(command: OpenLoopCommand): Promise<OpenLoopResult> {
  const agent = new Agent({ keepAlive: true, localAddress: command.localAddress });
  const next = requestSource(command.plan);
  const total = Math.round(command.perSecond * command.seconds);
  const intervalMs = 1000 / command.perSecond;
  const startedAt = performance.now();
  const samples: Array<Promise<Sample>> = [];
  const lags: number[] = [];
  try {
    for (let i = 0; i < total; i++) {
      const dueAt = startedAt + i * intervalMs;
      const wait = dueAt - performance.now();
      if (wait >= 1) await sleep(wait);
      lags.push(Math.max(0, performance.now() - dueAt));
      samples.push(send(agent, command.baseUrl, next(), dueAt));
    }
    const sendLagP99Ms = quantile(
      lags.sort((a, b) => a - b),
      0.99,
    );
    const answered = await Promise.all(samples);
    const latenciesMs = command.keepLatencies ? answered.filter((sample) => sample.status === '200').map((sample) => sample.ms) : undefined;
    return { ...summarise(answered), sendLagP99Ms, ...(latenciesMs ? { latenciesMs } : {}) };
  } finally {
    agent.destroy();
  }
}

function summarise(samples: Sample[]): Omit<OpenLoopResult, 'sendLagP99Ms'> {
  const timesByStatus = new Map<string, number[]>();
  for (const { status, ms } of samples) {
    const times = timesByStatus.get(status) ?? [];
    times.push(ms);
    timesByStatus.set(status, times);
  }
  const byStatus: Record<string, LatencySummary> = {};
  for (const [status, times] of timesByStatus) {
    const sorted = times.sort((a, b) => a - b);
    byStatus[status] = {
      count: sorted.length,
      p50Ms: quantile(sorted, 0.5),
      p99Ms: quantile(sorted, 0.99),
      maxMs: sorted[sorted.length - 1],
    };
  }
  return {
    sent: samples.length,
    byStatus,
    unavailableWithoutRetryAfter: samples.filter((sample) => sample.status === '503' && !sample.retryAfter).length,
  };
}

async function flood(command: FloodCommand): Promise<FloodResult> {
  const agent = new Agent({ keepAlive: true, localAddress: command.localAddress });
  const byStatus: Record<string, number> = {};
  const endAt = performance.now() + command.seconds * 1000;
  let sent = 0;
  try {
    await Promise.all(
      Array.from({ length: command.connections }, async () => {
        while (performance.now() < endAt) {
          const planned = { method: 'GET' as const, path: command.path, headers: { authorization: `Bearer ${generateAccessToken()}` } };
          const { status } = await send(agent, command.baseUrl, planned, performance.now());
          byStatus[status] = (byStatus[status] ?? 0) + 1;
          sent++;
        }
      }),
    );
  } finally {
    agent.destroy();
  }
  return { sent, perSecond: sent / command.seconds, byStatus };
}

serve<LoadCommand, LoadResult>((command) => {
  switch (command.type) {
    case 'closed':
      return closedLoop(command);
    case 'open':
      return openLoop(command);
    case 'flood':
      return flood(command);
  }
});
