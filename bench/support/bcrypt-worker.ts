/**
 * Raw bcrypt throughput, the ceiling for logins and registrations: as many
 * operations at once as there are cores, on libuv's default thread pool, in a
 * process of its own so the figure is what this machine can do, nothing else.
 */
import bcrypt from 'bcrypt';
import { serve } from './worker-rpc';

export interface BcryptCommand {
  operation: 'compare' | 'hash';
  password: string;
  cost: number;
  concurrency: number;
  seconds: number;
}

export interface BcryptResult {
  completed: number;
  seconds: number;
  perSecond: number;
}

async function measure(command: BcryptCommand): Promise<BcryptResult> {
  const hash = await bcrypt.hash(command.password, command.cost);
  const operation =
    command.operation === 'compare' ? () => bcrypt.compare(command.password, hash) : () => bcrypt.hash(command.password, command.cost);
  const startedAt = performance.now();
  const deadline = startedAt + command.seconds * 1000;
  let completed = 0;
  // Operations that end past the deadline are not counted, as autocannon drops requests still in flight.
  const loop = async () => {
    while (performance.now() < deadline) {
      await operation();
      if (performance.now() <= deadline) completed++;
    }
  };
  await Promise.all(Array.from({ length: command.concurrency }, loop));
  return { completed, seconds: command.seconds, perSecond: completed / command.seconds };
}

serve<BcryptCommand, BcryptResult>(measure);
