import { loggingConfig } from './app.config';
import { validateEnvironment } from './environment';

describe('loggingConfig', () => {
  const logging = (variables: Record<string, string>) =>
    loggingConfig.fromEnvironment(
      validateEnvironment({
        DATABASE_URL: 'mysql://u:p@127.0.0.1:3306/db',
        CSRF_SECRET: 'k'.repeat(32),
        MFA_ENCRYPTION_KEY: 'A'.repeat(43) + '=',
        ...variables,
      }),
    );

  it('writes JSON in production and readable text elsewhere, unless LOG_FORMAT says otherwise', () => {
    expect(logging({ NODE_ENV: 'production' }).format).toBe('json');
    expect(logging({ NODE_ENV: 'development' }).format).toBe('text');
    expect(logging({ NODE_ENV: 'development', LOG_FORMAT: 'json' }).format).toBe('json');
  });

  it("maps Nest's level names to pino's", () => {
    expect(logging({ LOG_LEVEL: 'log' }).level).toBe('info');
    expect(logging({ LOG_LEVEL: 'verbose' }).level).toBe('trace');
    expect(logging({ LOG_LEVEL: 'warn' }).level).toBe('warn');
  });
});
