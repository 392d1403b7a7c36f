import { setTimeout as sleep } from 'node:timers/promises';
import { eventually } from '../support/eventually';
import { Answer, call, fieldsOf, login, me, register } from '../support/service-http';
import type { ServiceProcess } from '../support/service-process';
import { check, json, loadUntil, serverErrors, statusCounts } from './fault-support';
import { PASSWORD, Scenario } from './scenarios';

const FROZEN_MS = 30_000;
const READERS = 10;
const REVOKING_USERS = 5;

const replicaState = async (service: ServiceProcess) =>
  (fieldsOf(await call(service.baseUrl, 'GET', '/health')) as { replicas?: Array<{ status: string }> }).replicas?.[0]?.status;

const tokenOf = async (service: ServiceProcess, email: string, password = PASSWORD) => {
  const answer = await login(service, email, password);
  if (answer.status !== 200) throw new Error(`login of ${email}: ${answer.status}`);
  return fieldsOf(answer).access_token!;
};

/**
 * Security items 74-75: the replica frozen (SIGSTOP) for 30 s under an
 * instance that reads it (every token looked up: TOKEN_CACHE_TTL_MS=0),
 * while 10 readers read and 5 users log out and change their passwords. No
 * read sent after a token's end is answered 200, and none gets a 5xx: the
 * replica's silence costs each request at most its one-second deadline.
 */
export const frozenReplica: Scenario = {
  name: 'replica frozen for 30 s',
  async run({ startReplica, signalReplica, startInstance }) {
    const replicaUrl = await startReplica();
    const service = await startInstance({ DATABASE_REPLICA_URLS: replicaUrl, DATABASE_REPLICA_MAX_LAG: '2s', TOKEN_CACHE_TTL_MS: '0' });
    const problems: string[] = [];
    const users = Array.from({ length: REVOKING_USERS }, (_, index) => `frozen-replica-${index}@example.com`);
    const steady = Array.from({ length: READERS }, (_, index) => `frozen-replica-reader-${index}@example.com`);
    for (const email of [...users, ...steady]) await register(service, email, PASSWORD);
    // Each revoking user: a session they end with a logout, one the password change ends, and the one that changes it.
    const revoking = await Promise.all(
      users.map(async (email) => ({
        email,
        loggedOut: await tokenOf(service, email),
        changedAway: await tokenOf(service, email),
        changer: await tokenOf(service, email),
      })),
    );
    const steadyTokens = await Promise.all(steady.map((email) => tokenOf(service, email)));
    const readTokens = [...steadyTokens, ...revoking.flatMap((user) => [user.loggedOut, user.changedAway])];
    const endedAt = new Map<string, number>();
    if (!(await eventually(async () => (await replicaState(service)) === 'up', 30_000))) problems.push('the replica never came up');

    let reading = true;
    const reads: Array<Answer & { token: string }> = [];
    let next = 0;
    const load = loadUntil(
      READERS,
      () => !reading,
      async () => {
        const token = readTokens[next++ % readTokens.length];
        const answer = await me(service, token, 10_000);
        reads.push({ ...answer, token });
        return answer;
      },
    );
    const states = new Set<string | undefined>();
    signalReplica('SIGSTOP');
    const frozenAt = performance.now();
    try {
      for (const user of revoking) {
        await sleep(FROZEN_MS / (REVOKING_USERS + 1));
        const logout = await call(service.baseUrl, 'POST', '/auth/logout', { token: user.loggedOut });
        endedAt.set(user.loggedOut, performance.now());
        check(problems, logout.status === 204, `logout of ${user.email}: ${logout.status}`);
        const change = await call(service.baseUrl, 'PATCH', '/users/me', {
          token: user.changer,
          json: { password: `${PASSWORD} changed`, currentPassword: PASSWORD },
        });
        endedAt.set(user.changedAway, performance.now());
        check(problems, change.status === 200, `password change of ${user.email}: ${change.status}`);
        states.add(await replicaState(service));
      }
      await sleep(Math.max(0, FROZEN_MS - (performance.now() - frozenAt)));
    } finally {
      signalReplica('SIGCONT');
    }
    const backUp = await eventually(async () => (await replicaState(service)) === 'up', 30_000);
    check(problems, backUp, 'the replica was not taken back within 30 s of its thaw');
    await sleep(2000);
    reading = false;
    await load;

    check(problems, serverErrors(reads).length === 0, `5xx or no answer: ${json(statusCounts(serverErrors(reads)))}`);
    const acceptedAfterEnd = reads.filter((read) => read.status === 200 && read.sentAt > (endedAt.get(read.token) ?? Infinity));
    check(problems, acceptedAfterEnd.length === 0, `${acceptedAfterEnd.length} reads with an ended token answered 200`);
    check(problems, states.has('down'), `the frozen replica was never reported down: ${json([...states])}`);
    return {
      figures:
        `${reads.length} reads by ${READERS} readers (${json(statusCounts(reads))}), ${endedAt.size} tokens ended ` +
        `while the replica was frozen for ${FROZEN_MS / 1000} s; replica states seen meanwhile ${json([...states])}`,
      problems,
    };
  },
};
