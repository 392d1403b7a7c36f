import { loggingConfig } from './app.config';

describe('loggingConfig', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  const withEnvironment = (variables: Record<string, string>) => {
    process.env = { DATABASE_URL: 'mysql://u:p@127.0.0.1:3306/db', CSRF_SECRET: 'k'.repeat(32), ...variables };
    return loggingConfig();
  };

  it('writes JSON in production and readable text elsewhere, unless LOG_FORMAT says otherwise', () => {
    expect(withEnvironment({ NODE_ENV: 'production' }).format).toBe('json');
    expect(withEnvironment({ NODE_ENV: 'development' }).format).toBe('text');
    expect(withEnvironment({ NODE_ENV: 'development', LOG_FORMAT: 'json' }).format).toBe('json');
  });

  it("maps Nest's level names to pino's", () => {
    expect(withEnvironment({ LOG_LEVEL: 'log' }).level).toBe('info');
    expect(withEnvironment({ LOG_LEVEL: 'verbose' }).level).toBe('trace');
    expect(withEnvironment({ LOG_LEVEL: 'warn' }).level).toBe('warn');
  });
});
