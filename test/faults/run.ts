import { privateDatabaseServer } from '../support/private-database-server';
import { ServiceProcess, startServiceProcess } from '../support/service-process';
import { SmtpSink } from '../support/smtp-sink';
import { mailServerDown, twoSenders } from './mail-scenarios';
import { frozenReplica } from './replica-scenarios';
import {
  crashSafety,
  databaseOutage,
  FaultContext,
  logoutAcrossInstances,
  logoutRace,
  parallelLogins,
  registrationRace,
  SERVICE_ENV,
  slowClients,
  slowDatabase,
  soak,
  timeZones,
} from './scenarios';

const SCENARIOS = [
  registrationRace,
  parallelLogins,
  logoutRace,
  logoutAcrossInstances,
  databaseOutage,
  slowDatabase,
  crashSafety,
  mailServerDown,
  twoSenders,
  soak,
  timeZones,
  slowClients,
  // Last: the server restarts once with a binary log to feed the replica.
  frozenReplica,
];

/**
 * `npm run test:faults`: the production build and a MariaDB server of the
 * suite's own, both started with the project's scripts, through races, a
 * logout seen by another instance, outages, a slow database, a crash, a mail
 * server that is down, two instances on one outbox, a soak, another time
 * zone, slow clients, and a replica frozen under reads and revocations. Mail
 * goes to an SMTP server of the suite's own. One line per scenario, then
 * `N passed, N failed`; the exit status is the verdict. SOAK_SECONDS sets the soak's length (60 by default; `npm run test:soak`: 600).
 */
async function main(): Promise<number> {
  const soakSeconds = Number(process.env.SOAK_SECONDS ?? 60);
  const only = process.env.FAULT_SCENARIOS?.split(',').map((name) => name.trim());
  const database = privateDatabaseServer('fault-suite-');
  const mail = await SmtpSink.start();
  const instances: ServiceProcess[] = [];
  let passed = 0;
  let failed = 0;
  try {
    const databaseUrl = await database.start();
    const startInstance = async (env: Record<string, string> = {}, port?: number) => {
      const instance = await startServiceProcess(
        { ...SERVICE_ENV, DATABASE_URL: databaseUrl, MAIL_URL: mail.url, ...env },
        { built: true, port },
      );
      instances.push(instance);
      return instance;
    };
    const context: FaultContext = {
      databaseUrl,
      service: await startInstance({ DATABASE_MIGRATE_ON_START: 'true' }),
      stopDatabase: async () => void (await database.localDb('stop')),
      startDatabase: async () => void (await database.start()),
      startReplica: () => database.startReplica(),
      signalReplica: (signal) => database.signalReplica(signal),
      startInstance,
      replaceService: (service) => (context.service = service),
      mail,
      soakSeconds,
    };
    for (const scenario of SCENARIOS.filter((candidate) => !only || only.includes(candidate.name))) {
      const startedAt = performance.now();
      let outcome;
      try {
        outcome = await scenario.run(context);
      } catch (error) {
        outcome = { figures: '', problems: [`threw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`] };
      }
      const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
      const verdict = outcome.problems.length === 0 ? 'PASS' : 'FAIL';
      if (verdict === 'PASS') passed++;
      else failed++;
      console.log(`${verdict} ${scenario.name} (${seconds} s): ${outcome.figures}`);
      for (const problem of outcome.problems) console.log(`     - ${problem}`);
    }
  } finally {
    await Promise.all(instances.map((instance) => instance.stop()));
    await database.remove();
    await mail.stop();
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

main().then(
  (status) => process.exit(status),
  (error: unknown) => {
    console.error(error);
    process.exit(2);
  },
);
