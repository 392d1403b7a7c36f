import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const ROOT = join(__dirname, '..', '..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

/** Variables `.env.example` documents: the only ones the service reads. */
function documentedVariables(): Set<string> {
  return new Set([...read('.env.example').matchAll(/^([A-Z_]+)=/gm)].map((match) => match[1]));
}

/**
 * No Docker engine runs on the CI machines, so the image is never built there:
 * these checks hold the Dockerfile and compose.yaml to what the README promises.
 */
describe('Container files (not built in CI: no Docker engine here)', () => {
  it('compose.yaml parses, runs the service on MySQL 8 once MySQL is healthy, and sets only documented variables', () => {
    const compose = parse(read('compose.yaml'));
    expect(compose.services.mysql.image).toMatch(/^mysql:8(\.|$)/);
    expect(compose.services.mysql.healthcheck.test).toEqual(expect.arrayContaining(['mysqladmin']));
    const auth = compose.services.auth;
    expect(auth.build).toBe('.');
    expect(auth.depends_on).toEqual({ mysql: { condition: 'service_healthy' } });
    expect(auth.environment.NODE_ENV).toBe('production');
    expect(auth.environment.DATABASE_URL).toMatch(/^mysql:\/\/auth:\$\{MYSQL_PASSWORD\}@mysql:3306\/auth$/);
    // No secret gets a usable default: compose refuses to start without them.
    expect(auth.environment.CSRF_SECRET).toMatch(/^\$\{CSRF_SECRET:\?/);
    expect(auth.environment.MFA_ENCRYPTION_KEY).toMatch(/^\$\{MFA_ENCRYPTION_KEY:\?/);
    expect(compose.services.mysql.environment.MYSQL_PASSWORD).toMatch(/^\$\{MYSQL_PASSWORD:\?/);
    const documented = documentedVariables();
    expect(Object.keys(auth.environment).filter((name) => !documented.has(name))).toEqual([]);
  });

  it('the Dockerfile builds in a stage of its own and runs production dependencies only, as a non-root user, with a health check', () => {
    const dockerfile = read('Dockerfile');
    const stages = [...dockerfile.matchAll(/^FROM (\S+)(?: AS (\w+))?$/gm)];
    expect(stages.map((stage) => stage[2])).toEqual(['build', 'runtime']);
    const nodeMajor = read('package.json').match(/"node": ">=(\d+)/)![1];
    for (const stage of stages) expect(stage[1]).toMatch(new RegExp(`^node:${nodeMajor}-`));

    const runtime = dockerfile.slice(dockerfile.indexOf('AS runtime'));
    expect(dockerfile).toMatch(/npm ci\b/);
    expect(dockerfile).toMatch(/npm prune --omit=dev/);
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^HEALTHCHECK .*\n?.*\/health/m);
    expect(runtime).toMatch(/^CMD \["node", "--max-old-space-size=128", "dist\/main\.js"\]$/m);
    expect(runtime).toMatch(/^ENV NODE_ENV=production/m);
  });

  it('.dockerignore keeps local state, secrets and build output out of the build context', () => {
    const ignored = read('.dockerignore').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', '.local', '.env', '.git']));
  });
});
